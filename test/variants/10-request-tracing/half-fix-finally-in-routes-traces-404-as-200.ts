/**
 * Scenario 10, half fixed: each handler writes the trace line in a `finally`,
 * so a request that fails or whose client hangs up leaves the Map too. But the
 * `finally` runs before Express's error handler answers: a missing file is
 * traced with the status the response had then, 200, and on call reads a
 * 404 as a success. And a request no route matches (GET /favicon.ico,
 * POST /files/x) never reaches a handler's `finally`: Express answers it 404
 * itself, and its trace, with the request, response and socket, stays.
 * Fails on memory (4 requests kept after the check's 4 unmatched ones, bar 2)
 * and on the contract. (It was half-fix-contract-…, from before the check sent
 * requests no route matches.)
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
  try {
    const name = checkFileName(req.params.name);
    const file = await openStoredFile(name);
    await pipeline(file, res.type(name));
  } finally {
    traceAnswered(req);
  }
});

app.put('/uploads/:name', async (req, res) => {
  try {
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
  } finally {
    traceAnswered(req);
  }
});

app.get('/trace/recent', (req, res) => {
  res.json(traceLog.slice(-50));
  traceAnswered(req);
});

app.use(answerErrors);

export default app;
