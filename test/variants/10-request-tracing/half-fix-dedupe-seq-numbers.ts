/**
 * half-fix. Dedupes 'finish'/'close' with a Set of request sequence numbers (small integers) that is never pruned: ~20-35 B per request forever (1 M requests ~ 30 MB).
 * Proof: /work/rt/d/focus.mjs nfsame 30000 x3: heap +1.19 / +1.94 / +3.33 MiB after 30k/60k/90k requests, vs the correct close-listener fix +0.48 / +0.42 / +0.46 MiB with the same traffic.
 * Check: FAIL on the current check ('✗ memory your server's state gained over the traffic and 120 requests before it' yours 5.0 KiB bar 4.0 KiB, path written -> Set), but PASS on an earlier version ('✓ ... over 240 more requests' yours 256 B bar 8.0 KiB). RIGHT VERDICT now, only by 1 KiB
 * Check (stop 27): FAIL on the growth line (5.0 KiB of 4 KiB, path written → Set): a table whose entries a snapshot leaves out
 * (small integers) counts when it grows. The table doubles within the part (the same requests on every machine). RIGHT VERDICT.
 * Was an open hole (round 16): a Set of small integers (request numbers): a snapshot shows no entry of it, only its table,
 * whose size the growth measure counts only when it more than doubles (a Map whose entries come and go is resized
 * both ways: an LRU of the log's lines is correct). Catching it: a longer part, so that the table doubles within it.
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

interface TraceLine {
  id: string;
  route: string;
  status: number;
  ms: number;
  userAgent: string;
}

const KEEP_LINES = 200;

const traceLog: TraceLine[] = [];
// 'finish' and 'close' both fire on a normal response: remember which requests already have their line
// (by number: a small integer, not the 36-character id).
let requestCount = 0;
const written = new Set<number>();

app.use((req, res, next) => {
  const seq = ++requestCount;
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  const writeLine = () => {
    if (written.has(seq)) return;
    written.add(seq);
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.shift();
  };
  res.on('finish', writeLine);
  res.on('close', writeLine); // the client hung up before the end
  next();
});

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await openStoredFile(name);
  await pipeline(file, res.type(name));
});

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const bytes = Number(req.get('content-length'));
  if (!Number.isSafeInteger(bytes)) throw httpError(411, 'send the upload with a Content-Length');
  if (bytes > MAX_UPLOAD_BYTES) throw httpError(413, `uploads are limited to ${MAX_UPLOAD_BYTES} bytes`);
  const upload = await createUploadStream(name);
  try {
    await pipeline(req, upload);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes });
});

app.get('/trace/recent', (req, res) => {
  res.json(traceLog.slice(-50));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
