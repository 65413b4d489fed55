/**
 * half-fix. Cleans up on res 'finish' and, for clients that hang up, on req.socket.once('close'): on a kept-alive connection every request adds a socket listener whose closure holds req until the connection closes.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): keepalive(open) 50 requests -> +50 live IncomingMessage (+16.9 KB/request), 0 once the connection is closed; one-shot kinds 0.
 * Check: FAIL on 'requests still kept' (5) and 'memory kept by requests' (74.9 KiB), path Socket ._events.close[3] -> closure -> req. RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on requests still kept after they ended; memory kept by requests that ended. RIGHT VERDICT.
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
  req: Request;
  res: Response;
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

function writeLine(line: TraceLine): void {
  traceLog.push(line);
  if (traceLog.length > KEEP_LINES) traceLog.shift();
}

const activeTraces = new Map<Request, Trace>();

app.use((req, res, next) => {
  const id = randomUUID();
  activeTraces.set(req, { id, route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now(), req, res });
  res.set('X-Request-Id', id);
  res.once('finish', () => traceAnswered(req));
  // A client that hangs up closes its connection: trace the request then.
  req.socket.once('close', () => traceAnswered(req));
  next();
});

function traceAnswered(req: Request): void {
  const trace = activeTraces.get(req);
  if (!trace) return;
  activeTraces.delete(req);
  writeLine({ id: trace.id, route: trace.route, status: trace.res.statusCode, ms: Math.round(performance.now() - trace.startedAt), userAgent: trace.userAgent });
}

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
