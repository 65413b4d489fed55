/**
 * half-fix. Correct 'close' tracing, plus app.locals.hitsByRoute[route]++ for a dashboard: one key per distinct path, so a crawler of dead links (404s, unmatched) grows it without bound.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): PROBE app.locals.hitsByRoute 5591 -> 56079 units over 1000 route-404s + 1000 unmatched GETs (+24 / +26 per distinct path), alive 0.
 * Check: FAIL on the state line (yours 12.0 KiB; app ...:14 -> app() -> .locals.hitsByRoute 24.2 KiB). RIGHT VERDICT
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

// Hits per route, for the on-call dashboard.
app.locals.hitsByRoute = {} as Record<string, number>;

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  const hits = app.locals.hitsByRoute as Record<string, number>;
  hits[route] = (hits[route] ?? 0) + 1;
  res.set('X-Request-Id', id);
  res.once('close', () => {
    writeLine({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
  });
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
