/**
 * half-fix. Map keyed by id holding only {route, userAgent, startedAt} (no req/res); the line is written on 'finish' or 'close', but the entry is deleted on 'finish' only, so each hung-up client leaves a ~300 B record forever.
 * Proof: /work/rt/d/focus.mjs abd 1000 x3 (downloads dropped after 64 KiB): heap +0.80 / +1.40 / +1.78 MiB after 1k/2k/3k, 0 requests kept; control (close-listener) +0.20 / +0.50 / +0.61 MiB.
 * Check: FAIL ('✗ memory your server's state gained...' yours 7.2 KiB bar 4.0 KiB; earlier 14.6 KiB bar 8.0 KiB, path pending module variable -> Map -> Object). RIGHT VERDICT
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

// No more request or response in the map (the heap snapshot blamed them): only what the line needs.
interface Pending { route: string; userAgent: string; startedAt: number }
const pending = new Map<string, Pending>();
const traceLog: TraceLine[] = [];

function writeLine(id: string, status: number): void {
  const trace = pending.get(id);
  if (!trace) return;
  traceLog.push({ id, route: trace.route, status, ms: Math.round(performance.now() - trace.startedAt), userAgent: trace.userAgent });
  if (traceLog.length > KEEP_LINES) traceLog.shift();
}

app.use((req, res, next) => {
  const id = randomUUID();
  pending.set(id, { route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now() });
  res.set('X-Request-Id', id);
  res.once('finish', () => {
    writeLine(id, res.statusCode);
    pending.delete(id);
  });
  res.once('close', () => {
    // The client left before the end: trace it too.
    if (!res.writableFinished) writeLine(id, res.statusCode);
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
