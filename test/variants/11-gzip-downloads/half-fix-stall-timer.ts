/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: pipeline() closes every file; a 2-minute stall guard per download is cleared only on finish, so each cancelled download leaves a timer holding its response and file
 * Check: FAIL: compressors kept after their downloads were cancelled (yours 60); timers still running after the downloads (yours 70)
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const done = (err?: Error | null) => { if (err && !res.headersSent) next(err); };
  // a client that stalls for 2 minutes loses its download
  const stall = setTimeout(() => { res.destroy(); file.destroy(); }, 120_000);
  res.on('finish', () => clearTimeout(stall));
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
