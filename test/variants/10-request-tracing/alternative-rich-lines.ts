/**
 * alternative. Closure + 'close' tracing where each of the 200 lines is much richer (copy of all request headers, full URL, bytes written) and the log is trimmed with splice: bounded state whose lines differ in size from request to request.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): alive 0 for every kind; traceLog 42491 -> 39381 units (steady, varies with header sizes); all lines and statuses right.
 * Check: PASS (0 requests, 5.2 KiB, state 736 B). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: PASS. RIGHT VERDICT.
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
  url: string;
  bytesOut: number;
  headers: Record<string, string | string[] | undefined>;
}

const KEEP_LINES = 200;
const traceLog: TraceLine[] = [];

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const startedAt = performance.now();
  // the request headers as they came, copied: the on-call wants to see what the client sent
  const headers = { ...req.headers };
  const url = req.originalUrl;
  const written0 = req.socket.bytesWritten;
  res.set('X-Request-Id', id);
  res.once('close', () => {
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent: String(headers['user-agent'] ?? '-'), url, bytesOut: req.socket.bytesWritten - written0, headers });
    if (traceLog.length > KEEP_LINES) traceLog.splice(0, traceLog.length - KEEP_LINES);
  });
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
