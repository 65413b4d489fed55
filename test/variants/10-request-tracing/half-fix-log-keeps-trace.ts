/**
 * The studio's media store: GET /files/:name streams a stored photo or video,
 * PUT /uploads/:name stores an upload. Every request is traced: it gets an id
 * (X-Request-Id), and once it is answered, a line in the trace log with its
 * route, status, duration and user agent; GET /trace/recent shows the latest
 * lines to whoever is on call.
 */
/**
 * half-fix. Intended: write the line on res 'close'; the log is bounded at 200 lines anyway.
 * Actually: the line pushed is the trace object itself (Object.assign(trace, …)), which still holds req and res, so the last 200 requests stay alive with their sockets.
 * Proof: trace10.mjs: every line present, but 16 of 16 IncomingMessage alive after GC.
 * Check: FAIL (28 requests, 351 KiB). Correct verdict.
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
  req: Request;
  res: Response;
}

interface TraceLine {
  id: string;
  route: string;
  status: number;
  ms: number;
  userAgent: string;
}

const KEEP_LINES = 200;
const activeTraces = new Map<Request, Trace>();
const traceLog: Array<TraceLine & Partial<Trace>> = [];

app.use((req, res, next) => {
  const id = randomUUID();
  const trace = { id, route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now(), req, res };
  res.set('X-Request-Id', id);
  // 'close' comes however the request ends: answered, failed, or the client gone.
  res.once('close', () => {
    const line = Object.assign(trace, { status: res.statusCode, ms: Math.round(performance.now() - trace.startedAt) });
    traceLog.push(line);
    if (traceLog.length > KEEP_LINES) traceLog.shift();
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
  res.json(traceLog.slice(-50).map(({ id, route, status, ms, userAgent }) => ({ id, route, status, ms, userAgent })));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
