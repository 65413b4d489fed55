/**
 * half-fix. Trace fixed (closure + res 'close'), plus a WeakMap from the socket to that connection's lines, never trimmed:
 * a kept-alive connection (the studio app's) lives for hours, so its list grows by a line per request.
 * Proof: /work/rt/j/keepalive.mjs, N requests over one kept-alive connection: +1024 KiB for 2000, +5588 KiB for 20000 (~250 B a request; control +746/+496), back down when the connection closes.
 * Check: PASS on every line (state 728 B). WRONG VERDICT (the check's kept-alive connection carries only 5 requests)
 * Blind round 19 (stop 28).
 * Open hole (round 19): a WeakMap keyed by the socket holds its lines, but the socket (Node's server keeps it) is
 *   the shortest way to them, and what two places keep is weighed at what keeps both, Node's server: the state line
 *   reads 728 B with 53 requests on the open connection. 01's open-hole-per-connection-history is the same hole.
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

/** Each connection's own trace lines, for a per-connection view; goes away with the socket (WeakMap). */
const linesBySocket = new WeakMap<object, TraceLine[]>();

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  const socket = req.socket;
  res.set('X-Request-Id', id);
  res.once('close', () => {
    const line = { id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent };
    writeLine(line);
    const mine = linesBySocket.get(socket) ?? [];
    mine.push(line);
    linesBySocket.set(socket, mine);
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
  try {
    await pipeline(req, upload);
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
