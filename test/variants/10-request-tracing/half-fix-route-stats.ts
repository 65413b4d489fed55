/**
 * half-fix. A correct 'close' trace plus per-route status counts for the on-call in app.locals.statusByRoute, keyed by method+path: a crawler walking thousands of distinct old links adds one entry per link, forever.
 * Proof: /work/rt/d/focus.mjs nf 3000 x3 (distinct 404 paths): heap +15.8 / +30.6 / +45.1 MiB after 3k/6k/9k (~5.3 KB per distinct link); same path repeated (nfsame): +0.5 / +0.6 / +0.7 MiB, like the control.
 * Check: PASS (all green, '✓ memory your server's state gained...' yours 616 B bar 4.0 KiB; earlier 0 B bar 8.0 KiB): the check's extra requests repeat the same paths. WRONG VERDICT
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
// For the on-call: how each route has been answered since start (served with the trace log's headers).
app.locals.statusByRoute = {} as Record<string, Record<number, number>>;

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  res.once('close', () => {
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.shift();
    const counts = (req.app.locals.statusByRoute[route] ??= {});
    counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
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
