/**
 * half-fix. Keeps the Map and also calls traceAnswered from a wrapped error handler, so 404/400/413 and aborted transfers are cleaned; requests no route matches (Express's own 404: favicon, old links, POST, DELETE) never reach it and stay in the Map without a line.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): 150 unmatched GET / POST / DELETE each left +150 live requests (553 alive at the end); route 404/400/413/aborted: 0; no line for unmatchedGet, post, del. (Aborted transfers get status 500 lines.)
 * Check: FAIL on all four lines (4 requests kept, 36.0 KiB, state 680.2 KiB, missing lines). RIGHT VERDICT
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
  traceAnswered(req);
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
  traceAnswered(req);
});

app.get('/trace/recent', (req, res) => {
  res.json(traceLog.slice(-50));
  traceAnswered(req);
});

// Failed requests (404, 400, 413, clients that hung up) all come through here: trace them too.
app.use(((error, req, res, next) => {
  answerErrors(error, req, res, next);
  traceAnswered(req);
}) as typeof answerErrors);


export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
