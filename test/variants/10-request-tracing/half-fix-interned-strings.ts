/**
 * half-fix. A correct 'close' trace that 'interns' route and user-agent strings in a module-level Map, never pruned: one entry per distinct path or user agent (a crawler's old links), forever.
 * Proof: /work/rt/d/focus.mjs nf 3000 x3 (distinct 404 paths): heap +0.98 / +1.50 / +2.03 MiB after 3k/6k/9k, vs control +0.46 / +0.64 / +0.67 MiB.
 * Check: FAIL ('✗ memory your server's state gained...' yours 18.9 KiB bar 4.0 KiB; earlier 25.8 KiB, path interned -> Map -> concatenated string). RIGHT VERDICT
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
// Most lines repeat the same few routes and user agents: keep one copy of each string and share it.
const interned = new Map<string, string>();
function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  interned.set(text, text);
  return text;
}

app.use((req, res, next) => {
  const id = randomUUID();
  const route = intern(`${req.method} ${req.path}`);
  const userAgent = intern(req.get('user-agent') ?? '-');
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  res.once('close', () => {
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.shift();
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
