/**
 * half-fix. Writes the trace line from both 'finish' and 'close' and dedupes with a module-level Set of every request id ever traced, never pruned: ~100 B (a 36-char string + Set slot) per request, forever.
 * Proof: /work/rt/d/focus.mjs nfsame 5000 x3 rounds (same 404 path over keep-alive): heap after GC +1.24 / +1.51 / +1.83 MiB after 5k/10k/15k requests; the correct close-listener fix stays at ~0.45 MiB; 0 requests kept. /work/rt/d/drive.mjs: every line present.
 * Check: FAIL (latest run: '✗ memory your server's state gained over the traffic and 120 requests before it' yours 13.6 KiB bar 4.0 KiB, path written module variable -> Set; an earlier run: 23.8 KiB vs 8.0 KiB). RIGHT VERDICT
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
// 'finish' and 'close' both fire on a normal response: remember which ids already have their line.
const written = new Set<string>();

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  const writeLine = () => {
    if (written.has(id)) return;
    written.add(id);
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
