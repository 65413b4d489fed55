/**
 * half-fix. 'finish' traces every answer; the 'close' listener for hang-ups is registered inside the routes, after `await openStoredFile()` / `await createUploadStream()`. A client that leaves during that await (before the first byte) has already fired 'close', so its req/res/socket stay in the Map forever with no line.
 * Proof: /work/rt/d/focus.mjs raw0 300 x3 (raw socket sends GET /files/video-1.mp4 then destroys at once): +44 / +88 / +121 live IncomingMessage after 300/600/900, heap +0.96 / +1.96 / +2.68 MiB; the correct close-listener fix: 0 kept, +0.08 / +0.25 / +0.27 MiB.
 * Check: PASS (all green; '✓ requests still kept' 0, '✓ memory your server's state gained...' 720 B bar 4.0 KiB): the check's clients only hang up after 1 MiB. WRONG VERDICT
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

interface Trace { id: string; route: string; userAgent: string; startedAt: number; req: Request; res: Response }
const activeTraces = new Map<Request, Trace>();
const traceLog: TraceLine[] = [];

app.use((req, res, next) => {
  const id = randomUUID();
  activeTraces.set(req, { id, route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now(), req, res });
  res.set('X-Request-Id', id);
  // Answers (successes, 400, 404, Express's own 404) all end with 'finish'.
  res.once('finish', () => traceAnswered(req));
  next();
});

/** The request has been answered: write its trace line. */
function traceAnswered(req: Request): void {
  const trace = activeTraces.get(req);
  if (!trace) return;
  activeTraces.delete(req);
  traceLog.push({ id: trace.id, route: trace.route, status: trace.res.statusCode, ms: Math.round(performance.now() - trace.startedAt), userAgent: trace.userAgent });
  if (traceLog.length > KEEP_LINES) traceLog.shift();
}

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await openStoredFile(name);
  // Only a transfer can be cut short: trace a client that leaves mid-download.
  res.once('close', () => traceAnswered(req));
  await pipeline(file, res.type(name));
});

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const bytes = Number(req.get('content-length'));
  if (!Number.isSafeInteger(bytes)) throw httpError(411, 'send the upload with a Content-Length');
  if (bytes > MAX_UPLOAD_BYTES) throw httpError(413, `uploads are limited to ${MAX_UPLOAD_BYTES} bytes`);
  const upload = await createUploadStream(name);
  // Only a transfer can be cut short: trace a client that leaves mid-upload.
  res.once('close', () => traceAnswered(req));
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
