/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: destroys file and Gzip on res close (with a check for hang-ups during the awaits); a 2-minute stall guard per download is cleared only on finish, so each cancelled download leaves a timer holding its response, request, socket and ReadStream
 * Check: FAIL: timers still running after the downloads (yours 50)
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.closed) return void file.destroy();
  file.on('error', next);
  // a client that stalls for 2 minutes loses its download
  const stall = setTimeout(() => { res.destroy(); file.destroy(); }, 120_000);
  res.on('finish', () => clearTimeout(stall));
  res.once('close', () => file.destroy());
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    res.once('close', () => gzip.destroy());
    file.pipe(gzip).pipe(res);
  } else {
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
