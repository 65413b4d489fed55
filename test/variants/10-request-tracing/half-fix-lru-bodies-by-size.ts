/**
 * alternative. Trace line written from `stream.finished(res)` (answered or closed early), log trimmed with splice;
 * successful uploads are kept whole, by name, in an lru-cache bounded by bytes (maxSize 24 MiB, sizeCalculation = length),
 * collected by a pass-through Transform in the upload's pipeline (an abandoned upload's chunks go with its closure).
 * Proof: /work/rt/j/drive.mjs: arrayBuffers +10348 KiB after 1 round, +20696 KiB after 4 (capped by maxSize 24 MiB), 0 live requests, all trace lines and statuses right. (A first version with a hand-written tee Writable crashed the check: fixed.)
 * Check: PASS on every line (state 728 B). RIGHT VERDICT
 * Blind round 19 (stop 28).
 * Stop 28: written as a correct fix, but the README keeps the trace log's last 200 lines and nothing more: up to
 *   24 MiB of upload bodies is memory the service does not need. FAIL on the new bytes line (12.0 MiB of 128 KiB). RIGHT VERDICT
 */
import express from 'express';
import { randomUUID } from 'node:crypto';
import { finished, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LRUCache } from 'lru-cache';
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

/** Recent uploads, whole, for a quick re-download: at most 24 MiB of bodies, least recently used go first. */
const recentUploads = new LRUCache<string, Buffer>({ maxSize: 24 * 1024 * 1024, sizeCalculation: (body) => Math.max(body.length, 1) });

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  // stream.finished calls back once: when the response finishes, or when it is closed early.
  const stop = finished(res, () => {
    stop();
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.splice(0, traceLog.length - KEEP_LINES);
  });
  next();
});

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
  const chunks: Buffer[] = [];
  // A pass-through that remembers each chunk on its way to the file.
  const remember = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, remember, upload);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  recentUploads.set(name, Buffer.concat(chunks));
  res.status(201).json({ name, bytes });
});

app.get('/uploads/:name', (req, res) => {
  const body = recentUploads.get(checkFileName(req.params.name));
  if (!body) throw httpError(404, 'not among the recent uploads');
  res.type(req.params.name).send(body);
});

app.get('/trace/recent', (_req, res) => {
  res.json(traceLog.slice(-50));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
