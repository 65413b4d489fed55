/**
 * half-fix. Correct 'close' tracing, but the upload route records each upload in a module Map uploadsInProgress keyed by request id and deletes it only after commit: every upload whose client hangs up leaves a record (~100-150 B) forever.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): 300 uploads abandoned after 256 KiB -> PROBE uploadsInProgress 1 -> 20168 units (one record per abandoned upload, none for completed uploads); heapUsed +1465 B/upload vs +371 B for alternative-close-closure.
 * Check: PASS (state line yours 728 B, identical to fixed). WRONG VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on memory your server's state gained over the traffic. RIGHT VERDICT.
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
  res.set('X-Request-Id', id);
  res.once('close', () => {
    writeLine({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
  });
  next();
});

/** Uploads being written, by request id: dropped once committed. */
const uploadsInProgress = new Map<string, { name: string; bytes: number; startedAt: number }>();

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
  const uploadId = String(res.get('X-Request-Id'));
  uploadsInProgress.set(uploadId, { name, bytes, startedAt: Date.now() });
  try {
    await pipeline(req, upload);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  uploadsInProgress.delete(uploadId);
  res.status(201).json({ name, bytes });
});

app.get('/trace/recent', (req, res) => {
  res.json(traceLog.slice(-50));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
