/**
 * KIND: half-fix. Intended: "404s, 400s and cancelled requests never reached traceAnswered: trace them in the
 * error handler too". Express 5 forwards the rejected pipeline() of an abandoned download/upload to the error
 * handler, so those are cleaned as well.
 * Actually: a request that matches no route (GET /favicon.ico, POST /files/x, GET /old/link) is answered 404 by
 * Express's final handler, which is not an error middleware: its trace, with req/res/socket, stays forever,
 * and is never logged. That is exactly the crawler of the README if its old links are outside /files/.
 * PROOF (by hand, variants/_hand/h10*.ts): 0 kept for ok/404/400/aborted downloads/aborted uploads; +4 for 4 GET /favicon.ico, +4 for 4 POST /files/photo-1.jpg (Express's final 404 handler is not an error middleware); those never appear in /trace/recent.
 */
/**
 * The studio's media store: GET /files/:name streams a stored photo or video,
 * PUT /uploads/:name stores an upload. Every request is traced: it gets an id
 * (X-Request-Id), and once it is answered, a line in the trace log with its
 * route, status, duration and user agent; GET /trace/recent shows the latest
 * lines to whoever is on call.
 */
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
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

app.use((req, res, next) => {
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

// Failed requests never reached traceAnswered: answer them, then trace them.
app.use(((error, req, res, next) => {
  answerErrors(error, req, res, next);
  traceAnswered(req);
}) as ErrorRequestHandler);

export default app;

