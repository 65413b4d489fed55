/**
 * alternative. The trace context lives in AsyncLocalStorage; the 'close' listener is bound with AsyncResource.bind to read it; the log is an LRUCache (max 200) by id, with a second LRU index of the last line per route (max 50).
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): alive 0 for every kind; traceLog 21301 -> 19621 and lastByRoute 5349 -> 5085 units (steady); all lines and statuses right.
 * Check: PASS (0 requests, 5.2 KiB, state 832 B). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: PASS. RIGHT VERDICT.
 */
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { LRUCache } from 'lru-cache';

const app = express();

interface TraceLine {
  id: string;
  route: string;
  status: number;
  ms: number;
  userAgent: string;
}

interface TraceContext {
  id: string;
  route: string;
  userAgent: string;
  startedAt: number;
}

/** The trace log: an LRU of the last 200 lines by id (never read with get(), so it stays in insertion order). */
const traceLog = new LRUCache<string, TraceLine>({ max: 200 });
/** A second index of the same lines: the last line of each of the 50 most recent routes. */
const lastByRoute = new LRUCache<string, TraceLine>({ max: 50 });
const currentTrace = new AsyncLocalStorage<TraceContext>();

function recentLines(count: number): TraceLine[] {
  const all = [...traceLog.rvalues()] as TraceLine[];
  return all.slice(-count);
}

app.use((req, res, next) => {
  const context: TraceContext = { id: randomUUID(), route: `${req.method} ${req.path}`, userAgent: req.get('user-agent') ?? '-', startedAt: performance.now() };
  res.set('X-Request-Id', context.id);
  currentTrace.run(context, () => {
    res.once(
      'close',
      AsyncResource.bind(() => {
        const trace = currentTrace.getStore()!;
        const line = { id: trace.id, route: trace.route, status: res.statusCode, ms: Math.round(performance.now() - trace.startedAt), userAgent: trace.userAgent };
        traceLog.set(line.id, line);
        lastByRoute.set(line.route, line);
      }),
    );
    next();
  });
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
  res.json(recentLines(50));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
