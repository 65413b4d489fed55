/**
 * half-fix. Correct 'close' tracing, plus one module string that grows by concatenation with every id written ('writtenIds.includes(id)' dedupe): 37 chars per request, forever.
 * Proof: /work/rt/h/drive.mjs (node --expose-gc --import tsx, app on port 0, FinalizationRegistry count of live IncomingMessage, PROBE= reads module variables): PROBE writtenIds length 14800 -> 65823 chars (+37 per request, every kind), alive 0, all lines present.
 * Check: FAIL on the state line (yours 6.2 KiB; path writtenIds ...:33 -> concatenated string 16.2 KiB). RIGHT VERDICT
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

// Ids already written, so that no request gets two lines.
let writtenIds = '';

app.use((req, res, next) => {
  const id = randomUUID();
  const route = `${req.method} ${req.path}`;
  const userAgent = req.get('user-agent') ?? '-';
  const startedAt = performance.now();
  res.set('X-Request-Id', id);
  res.on('close', () => {
    if (writtenIds.includes(id)) return;
    writtenIds += id + ' ';
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
