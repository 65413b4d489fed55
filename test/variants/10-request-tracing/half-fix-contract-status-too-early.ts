/**
 * half-fix. No leak (Map emptied everywhere), but the line for a failed request is written in an error middleware and a catch-all before answerErrors / Express set the status: 404, 400, 413 are traced as 200.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): alive 0, activeTraces empty, but feature check: route404, bad400, unmatched GET/POST/DELETE, 413 and the kept-alive 404 all listed with status 200.
 * Check: FAIL on 'the service must still do its job' (lists GET /files/no-such-photo.jpg ... status 200; expected status 404); memory lines green. RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the service must still do its job. RIGHT VERDICT.
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
  res.once('close', () => traceAnswered(req)); // clients that hang up
  next();
});

/** The request is over: write its trace line. */
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

// A failed request is over as soon as it fails: trace it, then let the usual handler answer.
app.use(((error, req, _res, next) => {
  traceAnswered(req);
  next(error);
}) as typeof answerErrors);
// No route matched: Express would answer 404 itself; trace it first.
app.use((req, _res, next) => {
  traceAnswered(req);
  next();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
