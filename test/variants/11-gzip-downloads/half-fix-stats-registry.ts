/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: pipeline() closes every file; a Map of downloads in flight (plain records, for a status page / ratio log) is cleaned only on finish, so every cancelled download stays in it
 * Check: FAIL: records of downloads kept after they ended (yours 70)
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

interface DownloadRecord { name: string; size: number; encoding: string; userAgent?: string; startedAt: number; bytesRead: number }
// downloads in flight, for GET /status
export const downloads = new Map<number, DownloadRecord>();
let nextId = 0;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const done = (err?: Error | null) => { if (err && !res.headersSent) next(err); };
  const id = ++nextId;
  const record: DownloadRecord = { name, size, encoding: 'identity', userAgent: req.headers['user-agent'], startedAt: Date.now(), bytesRead: 0 };
  downloads.set(id, record);
  res.on('finish', () => {
    downloads.delete(id);
  });
  file.on('data', (chunk) => { record.bytesRead += chunk.length; });
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    record.encoding = 'gzip';
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.get('/status', (_req, res) => { res.json([...downloads.values()]); });

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
