/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: closes the file on res 'close' (and after hang-ups during the awaits); a Map of downloads in flight (plain records for a status page) is cleaned only on 'finish', so every aborted download's record stays for ever
 * Check: FAIL: records of downloads kept after they ended (yours 50)
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

interface DownloadRecord { name: string; size: number; range?: string; userAgent?: string; startedAt: number; bytesSent: number }
// downloads in flight, for GET /status (which files are being read, by whom, how far)
export const downloads = new Map<number, DownloadRecord>();
let nextId = 0;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.closed) return void file.destroy();
  const id = ++nextId;
  const record: DownloadRecord = { name, size, range: req.headers.range, userAgent: req.headers['user-agent'], startedAt: Date.now(), bytesSent: 0 };
  downloads.set(id, record);
  res.on('finish', () => downloads.delete(id));
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.on('data', (chunk) => { record.bytesSent += chunk.length; });
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.get('/status', (_req, res) => {
  res.json({ downloads: downloads.size, open: [...downloads.values()] });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
