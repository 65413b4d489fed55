/**
 * half-fix. Same dedupe Set of every id, but kept on globalThis.__tracedRequestIds ('one registry for the process'): grows ~100 B per request forever.
 * Proof: /work/rt/d/focus.mjs nfsame 5000 x3: heap +1.11 / +1.69 / +1.81 MiB after 5k/10k/15k (control ~0.45 MiB).
 * Check: PASS on the current check ('✓ memory your server's state gained over the traffic and 120 requests before it' yours 0 B bar 4.0 KiB, twice); an earlier checker version FAILed it (23.8 KiB, path globalThis.__tracedRequestIds -> Set). WRONG VERDICT
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
// 'finish' and 'close' both fire on a normal response: remember which ids already have their line,
// in one registry for the whole process (other middlewares may trace too).
const registry = ((globalThis as any).__tracedRequestIds ??= new Set<string>()) as Set<string>;

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  const writeLine = () => {
    if (registry.has(id)) return;
    registry.add(id);
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.shift();
  };
  res.on('finish', writeLine);
  res.on('close', writeLine); // the client hung up before the end
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
