/**
 * alternative. 'close' listener per request; the log is trimmed back to the last 200 lines in one go when it reaches 400 (never more than 400 lines, ~120 KiB), instead of a shift() per request.
 * Proof: /work/rt/d/focus.mjs nf 3000 x3: heap +0.76 / +0.63 / +0.66 MiB after 3k/6k/9k (flat, same as the control's +0.46 / +0.64 / +0.67); drive.mjs: 0 live requests, all audit lines present.
 * Check: FAIL ('✗ memory your server's state gained...' yours 40.9 KiB bar 4.0 KiB; earlier 12.5 KiB bar 8.0 KiB, path traceLog -> Array; advice 'The trace log may keep its last 200 lines, and nothing more'). WRONG VERDICT (false FAIL, arguable: bounded at 400 lines, which the README never forbids)
 * Round 16 (written as alternative-batch-trim): arguable. Bounded, at 400 lines, twice the 200 the service keeps
 * (KEEP_LINES), which the README asks to keep: a half fix of the log by that reading. The growth measure weighs the
 * log at its checkpoint and after the traffic, and where the trim falls decides: on Node 20 the log ends longer than
 * at the checkpoint (40.9 KiB of lines, over the 4 KiB bar: FAIL), on Node 24 it passed (VERDICT_FROM_NODE).
 * Since stop 27 (the crawler's parts hold uploads refused and abandoned): FAIL on both, 16.9 KiB, the same requests
 * on every Node, so where its trim falls is the same too.
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

// The trace log keeps at least its last KEEP_LINES lines; it is trimmed back to KEEP_LINES in one go
// each time it reaches twice that, so the hot path never shifts a 200-element array. Never more than 400 lines.
let traceLog: TraceLine[] = [];

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  res.once('close', () => {
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length >= 2 * KEEP_LINES) traceLog = traceLog.slice(-KEEP_LINES);
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
