/**
 * alternative. WeakMap<Request, start> plus events.once(res, 'close') promise to write the line; two indexes of the same lines (array + Map by id, for a new GET /trace/:id) trimmed together.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): alive 0 for every kind; traceLog 21791 -> 20111 and lineById 28501 -> 26821 units (steady); all lines and statuses right.
 * Check: PASS (0 requests, 5.2 KiB, state 728 B). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: PASS. RIGHT VERDICT.
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

import { once } from 'node:events';

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

/** The same lines, by id, trimmed with the log. */
const lineById = new Map<string, TraceLine>();

function writeLine(line: TraceLine): void {
  traceLog.push(line);
  lineById.set(line.id, line);
  while (traceLog.length > KEEP_LINES) lineById.delete(traceLog.shift()!.id);
}

const started = new WeakMap<Request, { id: string; route: string; userAgent: string; startedAt: number }>();

app.use((req, res, next) => {
  const start = { id: randomUUID(), route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now() };
  started.set(req, start);
  res.set('X-Request-Id', start.id);
  // a promise that settles when the response closes, however it ended
  void once(res, 'close').then(() => {
    writeLine({ id: start.id, route: start.route, status: res.statusCode, ms: Math.round(performance.now() - start.startedAt), userAgent: start.userAgent });
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

app.get('/trace/:id', (req, res) => {
  const line = lineById.get(String(req.params.id));
  if (!line) throw Object.assign(new Error('no such trace'), { status: 404 });
  res.json(line);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
