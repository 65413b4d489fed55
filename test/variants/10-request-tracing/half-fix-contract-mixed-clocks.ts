/**
 * half-fix. A correct leak fix (line written on res 'close', no Map), but startedAt is taken with Date.now() and the duration with performance.now(): every line's "ms" is about -1.8e12. The README promises each line's duration (ms); this one is garbage.
 * Proof: /work/rt/c/drive10.mjs, 3 rounds: 0 requests alive after the keep-alive connection closed, every line present with the right status, and every ms about -1796623766000 (e.g. {"route":"GET /files/nope.jpg","status":404,"ms":-1796623766048}).
 * Check: PASS (both leak lines green, no contract line about the duration although the contract messages say "expected its route, status, duration (ms) and user agent"). WRONG VERDICT (a promise broken, not a leak)
 * Round 14: the check was changed for it: a trace line's duration must lie between 0 and the time the contract has run. FAIL (the contract) now.
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

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = Date.now();
  let written = false;
  const writeLine = () => {
    if (written) return;
    written = true;
    traceLog.push({ id, route, status: res.statusCode, ms: Math.round(performance.now() - startedAt), userAgent });
    if (traceLog.length > KEEP_LINES) traceLog.shift();
  };
  res.on('close', writeLine);
  res.set('X-Request-Id', id);
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
