/**
 * half-fix. Writes the line and deletes the Map entry on res 'finish' only. Clients that hang up (video after 64 KiB, photo before the first byte, upload mid-body) never 'finish': their req/res stay in activeTraces and they get no trace line.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): 50 video64k / 50 photoEarly / 50 uploadAbort each left +50 live IncomingMessage (353 alive at the end, 0 for every completed kind); activeTraces probe 422k -> 746k units; no /trace/recent line for video64k, photoEarly, uploadAbort.
 * Check: FAIL on all four lines (8 requests kept, 213.5 KiB, state 805.1 KiB, 4 missing lines for hung-up clients). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on requests still kept after they ended; memory kept by requests that ended; memory your server's state gained over the traffic; the service must still do its job. RIGHT VERDICT.
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
  // every answered request ends with 'finish', whatever route (or no route) answered it
  res.on('finish', () => traceAnswered(req));
  next();
});

/** The request has been answered: write its trace line. */
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
