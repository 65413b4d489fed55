/**
 * KIND: half-fix. Intended: "activeTraces grows without bound: cap it at 1000 and evict the oldest".
 * Actually: bounded, but 1000 dead req/res/socket triples stay alive in steady state (~20 KiB each) and every
 * failed or abandoned request is still missing from the trace log.
 * PROOF (by hand, variants/_hand/h10*.ts): +4 kept for every failed/abandoned/unmatched kind (up to 1000); trace log only 200/201.
 */
/**
 * The studio's media store: GET /files/:name streams a stored photo or video,
 * PUT /uploads/:name stores an upload. Every request is traced: it gets an id
 * (X-Request-Id), and once it is answered, a line in the trace log with its
 * route, status, duration and user agent; GET /trace/recent shows the latest
 * lines to whoever is on call.
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
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
const traceLog: TraceLine[] = [];

const MAX_ACTIVE = 1000;

app.use((req, res, next) => {
  // Never keep more than MAX_ACTIVE traces: drop the oldest, which are long over anyway.
  if (activeTraces.size >= MAX_ACTIVE) activeTraces.delete(activeTraces.keys().next().value!);
  const id = randomUUID();
  activeTraces.set(req, { id, route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now(), req, res });
  res.set('X-Request-Id', id);
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
  await pipeline(file, res.type(name));
  traceAnswered(req);
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
  traceAnswered(req);
});

app.get('/trace/recent', (req, res) => {
  res.json(traceLog.slice(-50));
  traceAnswered(req);
});

app.use(answerErrors);

export default app;

