/**
 * half-fix. Correct 'close' tracing, plus a WeakMap keyed by req.app holding a Set of the id of every 404: the key (app) lives forever, so the WeakMap never lets go.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): PROBE notFoundIds.get(app) 7201 -> 30421 units (+36 per 404, 0 per 200), alive 0.
 * Check: FAIL on the state line (yours 17.1 KiB; app ...:14 -> Set, its value in WeakMap notFoundIds :33 keyed by this app, 22.5 KiB). RIGHT VERDICT
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

/** Ids of the requests that answered 404, per app (a WeakMap, so it goes away with the app). */
const notFoundIds = new WeakMap<object, Set<string>>();

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  res.once('close', () => {
    writeLine({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (res.statusCode === 404) {
      let ids = notFoundIds.get(req.app);
      if (!ids) notFoundIds.set(req.app, (ids = new Set()));
      ids.add(id);
    }
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
