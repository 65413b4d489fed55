/**
 * half-fix. Trace fixed (closure + res 'close'), but keeps an 8-byte `subarray` of each upload's first chunk in a
 * module Map by request id, never removed: a few dozen bytes of state per upload that each pin the whole chunk's memory.
 * Proof: /work/rt/j/drive.mjs: arrayBuffers +2555 KiB after 1 round, +10220 KiB after 4: each 8-byte subarray pins its 64 KiB chunk.
 * Check: FAIL on the state line (2.6 MiB, uploadSignatures Map). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
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

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

/** A pass-through that shows each chunk of the upload to `onChunk`. */
function tap(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({ transform(chunk: Buffer, _encoding, done) { onChunk(chunk); done(null, chunk); } });
}

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  // 'close' fires for every response: answered, failed, or cut short by the client.
  res.once('close', () => writeLine({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent }));
  next();
});

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await openStoredFile(name);
  await pipeline(file, res.type(name));
});

/** The first bytes of each upload, by request id: which file types people really send (an audit for on call). */
const uploadSignatures = new Map<string, Buffer>();

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const bytes = Number(req.get('content-length'));
  if (!Number.isSafeInteger(bytes)) throw httpError(411, 'send the upload with a Content-Length');
  if (bytes > MAX_UPLOAD_BYTES) throw httpError(413, `uploads are limited to ${MAX_UPLOAD_BYTES} bytes`);
  const id = String(res.get('X-Request-Id'));
  const upload = await createUploadStream(name);
  try {
    await pipeline(req, tap((chunk) => { if (!uploadSignatures.has(id)) uploadSignatures.set(id, chunk.subarray(0, 8)); }), upload);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes });
});

app.get('/trace/recent', (_req, res) => {
  res.json(traceLog.slice(-50));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
