/**
 * alternative. Trace line written on res 'close' from a closure (no Map); the last 4 successful uploads are kept whole in a
 * ring (`replay`) for replay at GET /replay/:n: bounded large bodies, abandoned/refused uploads keep nothing.
 * Proof: /work/rt/j/drive.mjs (warm 200 mixed hang-ups/404/413, checkpoint, then rounds of 200 more + main traffic of 4 photos, 4 uploads of 10 B..8 MiB, 4x404, 4x400, 4 unmatched, 4+4 hang-ups after 1 MiB, 5 over keep-alive): arrayBuffers +10340 KiB after 1 round and +10348 KiB after 4 rounds (the 4 kept bodies), heap flat vs control, 0 live requests, every trace line present with its status; keepalive.mjs 2000/20000 reqs on one connection: +746/+496 KiB (flat).
 * Check: PASS on every line (state 728 B). RIGHT VERDICT
 * Blind round 19 (stop 28).
 * Stop 28: written as a correct fix, but the README keeps the trace log's last 200 lines and nothing more: 12 MiB of
 *   upload bodies kept for a replay no one asked for is memory the service does not need. FAIL on the new bytes line
 *   (upload and file bytes kept after the traffic, 12.0 MiB of 128 KiB). RIGHT VERDICT
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

/** The last few uploads, kept whole so that on call can replay them. Bounded: REPLAY_KEEP bodies at most. */
const REPLAY_KEEP = 4;
const replay: { name: string; body: Buffer }[] = [];

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const bytes = Number(req.get('content-length'));
  if (!Number.isSafeInteger(bytes)) throw httpError(411, 'send the upload with a Content-Length');
  if (bytes > MAX_UPLOAD_BYTES) throw httpError(413, `uploads are limited to ${MAX_UPLOAD_BYTES} bytes`);
  const upload = await createUploadStream(name);
  const chunks: Buffer[] = [];
  try {
    await pipeline(req, tap((chunk) => chunks.push(chunk)), upload);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  replay.push({ name, body: Buffer.concat(chunks) });
  if (replay.length > REPLAY_KEEP) replay.shift();
  res.status(201).json({ name, bytes });
});

app.get('/replay/:n', (req, res) => {
  const entry = replay[Number(req.params.n)];
  if (!entry) throw httpError(404, 'no such replay');
  res.type(entry.name).send(entry.body);
});

app.get('/trace/recent', (_req, res) => {
  res.json(traceLog.slice(-50));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
