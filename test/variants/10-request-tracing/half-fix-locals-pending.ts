/**
 * half-fix. The pending-by-id leak moved onto app.locals.pendingTraces: entries deleted on 'finish' only, so every client that hangs up leaves a record there forever.
 * Proof: /work/rt/d/focus.mjs abd 1000 x3: heap +0.50 / +1.08 / +1.52 MiB after 1k/2k/3k abandoned downloads (~520 B each, steady), vs control +0.20 / +0.50 / +0.61 MiB; 0 requests kept; every trace line present.
 * Check: PASS ('✓ memory your server's state gained over the traffic and 120 requests before it' yours 0 B and 248 B bar 4.0 KiB; earlier version 7.1 KiB bar 8.0 KiB 'Close to the bar'). WRONG VERDICT
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

// No more request or response kept (the heap snapshot blamed them): only what the line needs,
// kept where Express keeps application state, on app.locals.
interface Pending { route: string; userAgent: string; startedAt: number }
app.locals.pendingTraces = new Map<string, Pending>();
const traceLog: TraceLine[] = [];

function writeLine(pending: Map<string, Pending>, id: string, status: number): void {
  const trace = pending.get(id);
  if (!trace) return;
  traceLog.push({ id, route: trace.route, status, ms: Math.round(performance.now() - trace.startedAt), userAgent: trace.userAgent });
  if (traceLog.length > KEEP_LINES) traceLog.shift();
}

app.use((req, res, next) => {
  const pending: Map<string, Pending> = req.app.locals.pendingTraces;
  const id = randomUUID();
  pending.set(id, { route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now() });
  res.set('X-Request-Id', id);
  res.once('finish', () => {
    writeLine(pending, id, res.statusCode);
    pending.delete(id);
  });
  res.once('close', () => {
    // The client left before the end: trace it too.
    if (!res.writableFinished) writeLine(pending, id, res.statusCode);
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
