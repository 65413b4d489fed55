/**
 * half-fix. Drops the Map and writes the trace line in the middleware as soon as the request arrives. Nothing leaks, but the line carries status 200 and 0 ms for everything: 404, 400, 413, 201 uploads are all traced as 200.
 * Proof: /work/rt/c/drive10.mjs, 3 rounds: 0 requests alive, 20 of 40 lines with the wrong status (e.g. GET /files/no-such-1.jpg traced 200, PUT upload traced 200 instead of 201), every ms 0.
 * Check: FAIL on "the service must still do its job" ("lists PUT /uploads/contract.jpg as {...status 200, ms 0...}; expected ... status 201"). RIGHT VERDICT
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
  const id = randomUUID();
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  // No more Map: the line is written as soon as the request comes in, nothing is kept.
  traceLog.push({ id, route: `${req.method} ${req.path}`, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent: req.get('user-agent') ?? '-' });
  if (traceLog.length > KEEP_LINES) traceLog.shift();
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
