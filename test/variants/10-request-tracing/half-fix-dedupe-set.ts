/**
 * half-fix. No Map of requests: a closure writes the line on 'finish' and on 'close', and a module-level Set of the ids already written makes sure only one line is written per request. The Set is never emptied: one id string (about 65-80 bytes with the Set slot) stays for every request ever served, unbounded.
 * Proof: /work/rt/c/drive10.mjs <file> 500 404 (10,000 sequential 404s): heap after gc grew 655 KiB over the last 8,000 requests, against 136 KiB for alternative-stream-finished.ts under the same traffic (the trace log itself is capped at 200 lines); every line present and correct, 0 requests alive.
 * Check: PASS (requests kept 0, memory kept 5.2 KiB, no contract line). WRONG VERDICT (a small, slow leak of strings: the check only weighs IncomingMessage/ServerResponse/Socket, and 45 requests are too few to see 80 B each)
 * Open hole (round 14): a Set of every id written, about 70 B per request; the trace log legitimately keeps up to 200 lines, and the check's traffic sends fewer requests than that, so one string per request cannot be told from the log's. Catching it needs more than 200 requests, or a growth measure: left for a later round.
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

interface Trace {
  id: string;
  route: string;
  userAgent: string;
  startedAt: number;
}

interface TraceLine {
  id: string;
  route: string;
  status: number;
  ms: number;
  userAgent: string;
}

const KEEP_LINES = 200;
const traceLog: TraceLine[] = [];
/** Ids whose line is already written: 'finish' and 'close' both fire on a normal response, one line is enough. */
const written = new Set<string>();

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  const writeLine = () => {
    if (written.has(id)) return;
    written.add(id);
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.shift();
  };
  res.on('finish', writeLine);
  res.on('close', writeLine);
  res.set('X-Request-Id', id);
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
