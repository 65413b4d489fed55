/**
 * half-fix. The log is trimmed to 200 lines, but each line is a class instance with a private #previous field pointing at the line before: the trimmed lines stay reachable through the chain, invisible in the JSON.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): 4000 route-404s: heapUsed +525 B/request vs +196 B/request for alternative-close-closure (growth since warm-up 2.04 MB vs 0.64 MB), i.e. ~330 B per line never freed.
 * Check: FAIL on the state line (yours 61.0 KiB; traceLog ...:35 -> Array -> TraceLine [0] 65.9 KiB). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on memory your server's state gained over the traffic. RIGHT VERDICT.
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';


const app = express();

class TraceLine {
  /** The line before this one, to tell the gap between requests. */
  #previous: TraceLine | undefined;
  constructor(
    readonly id: string,
    readonly route: string,
    readonly status: number,
    readonly ms: number,
    readonly userAgent: string,
    previous: TraceLine | undefined,
  ) {
    this.#previous = previous;
  }
  get previousId(): string | undefined {
    return this.#previous?.id;
  }
}

const KEEP_LINES = 200;
const traceLog: TraceLine[] = [];
let lastLine: TraceLine | undefined;

function writeLine(id: string, route: string, status: number, ms: number, userAgent: string): void {
  lastLine = new TraceLine(id, route, status, ms, userAgent, lastLine);
  traceLog.push(lastLine);
  if (traceLog.length > KEEP_LINES) traceLog.shift();
}

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  res.once('close', () => writeLine(id, route, res.statusCode, Math.round(performance.now() - startedAt), userAgent));
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
