/**
 * alternative. Plain closure per request: res.once('close') writes the line with res.statusCode; no Map at all. (The 'obvious' fix, kept as the control.)
 * Proof: /work/rt/d/drive.mjs: 0 live requests in every phase (incl. raw0/before-first-byte and keep-alive), heap +0.49 MiB overall (noise); every audit line present with its status (404, 400, 404 unmatched, 200 cancelled, 413), download byte-exact, upload stored. focus.mjs nfsame 30000 x3: +0.48 / +0.42 / +0.46 MiB (flat).
 * Check: PASS in 6 of 7 runs (latest '✓ memory your server's state gained...' 0-200 B bar 4.0 KiB; one earlier run 7.1 KiB bar 8.0 KiB 'Close to the bar'); 1 run FAILed: '✗ memory your server's state gained over the traffic and 120 requests before it' 40.6 KiB bar 4.0 KiB, path process -> getBuiltinModule -> ModuleLoader -> loadCache -> ModuleWrap -> SourceMap (Node's own module loader, not this file). RIGHT VERDICT except that one flaky WRONG (false FAIL)
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

// Each request carries its own trace in this closure: nothing outlives the response.
app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  // 'close' fires once the response is done or its connection is gone, whichever comes first.
  res.once('close', () => {
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

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
