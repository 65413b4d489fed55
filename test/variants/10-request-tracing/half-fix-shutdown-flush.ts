/**
 * half-fix. Traces on 'close' and adds a per-request process.once('SIGTERM') to flush unfinished requests; the listener is never removed, and its closure shares the middleware scope that holds res, so every request stays alive.
 * Proof: /work/rt/d/drive.mjs: SIGTERM listeners 2585 after the run, 2610 live IncomingMessage, +26.4 MiB.
 * Check: FAIL ('✗ requests still kept after they ended' 33-513, path process ._events.SIGTERM -> closure scope -> res). RIGHT VERDICT
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

function writeLine(line: TraceLine): void {
  traceLog.push(line);
  if (traceLog.length > KEEP_LINES) traceLog.shift();
}

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  let traced = false;
  res.set('X-Request-Id', id);
  res.once('close', () => {
    traced = true;
    writeLine({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
  });
  // If the server is stopped mid-request, the request still gets its line (as a 503: it will not be answered).
  process.setMaxListeners(0);
  process.once('SIGTERM', () => {
    if (!traced) writeLine({ id, route, status: 503, ms: Math.round(performance.now() - startedAt), userAgent });
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
