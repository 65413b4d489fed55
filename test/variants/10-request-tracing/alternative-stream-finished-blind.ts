/**
 * KIND: alternative. Correct fix in another style: no Map keyed by requests; each trace is closed over by a
 * stream.finished(res) callback, which fires for finished, failed and abandoned responses alike (and for
 * routes that match nothing), then unregisters itself.
 * PROOF (by hand, variants/_hand/h10*.ts): 0 kept for every kind incl. unmatched routes; /trace/recent: 37 lines, statuses 200,201,400,404,413; every response has X-Request-Id.
 */
/**
 * The studio's media store: GET /files/:name streams a stored photo or video,
 * PUT /uploads/:name stores an upload. Every request is traced: it gets an id
 * (X-Request-Id), and once it is answered, a line in the trace log with its
 * route, status, duration and user agent; GET /trace/recent shows the latest
 * lines to whoever is on call.
 */
import express from 'express';
import { randomUUID } from 'node:crypto';
import { finished } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
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

// No map of live requests at all: the trace lives in this closure, and stream.finished() calls back once the
// response is done, whether it finished, errored or its connection closed early; it then removes its listeners.
app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  const cleanup = finished(res, () => {
    cleanup();
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
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
  res.json(traceLog.slice(-50));
});

app.use(answerErrors);

export default app;

