/**
 * half-fix. Traces on 'close' but trims the log to 200 lines only when GET /trace/recent is read: if nobody on call looks, every line stays (~300 B per request).
 * Proof: /work/rt/d/focus.mjs nf 3000 x3 (no /trace/recent reads): heap +1.50 / +2.08 / +3.04 MiB after 3k/6k/9k; drive.mjs: the 90 /trace/recent reads then freed 518 KiB.
 * Check: FAIL ('✗ memory your server's state gained...' yours 41.0 KiB bar 4.0 KiB; earlier 63.3 KiB, path traceLog -> Array). RIGHT VERDICT
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

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  res.once('close', () => {
    // Appending is all the hot path does; the log is trimmed when someone reads it.
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
  });
  next();
});

function recentLines(): TraceLine[] {
  if (traceLog.length > KEEP_LINES) traceLog.splice(0, traceLog.length - KEEP_LINES);
  return traceLog.slice(-50);
}

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
  res.json(recentLines());
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
