/**
 * half-fix. Writes the line on the request's 'close' instead of the response's. No leak, but on an upload the request closes as soon as its body is read, before the 201 is sent: uploads are traced 200; a request whose body is never sent (a 413 answered early) is only traced when the connection finally closes.
 * Proof: /work/rt/c/drive10.mjs, 3 rounds: 0 requests alive after the keep-alive connection closed; the 3 successful uploads traced with status 200 instead of 201, the 3 413s missing from the log while their clients kept the connection.
 * Check: FAIL on "the service must still do its job" ("lists PUT /uploads/contract.jpg as {... status 200 ...}; expected ... status 201"). RIGHT VERDICT
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
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  let written = false;
  const writeLine = () => {
    if (written) return;
    written = true;
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.shift();
  };
  // 'close' on the request fires however it ended, hang-ups included.
  req.on('close', writeLine);
  res.set('X-Request-Id', id);
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
