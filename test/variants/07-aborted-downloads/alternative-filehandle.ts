/**
 * Blind red team, round 10 (a correct fix, proven by hand with the team's own driver): correct fix: opens the file as an fs.promises FileHandle (autoClose off) and closes it in a finally once the response has closed, however it ended
 * Check: PASS: every measure and the contract pass
 */
import express from 'express';
import path from 'node:path';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { FILES_DIR, checkFileName, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name); // 404 for an unknown name
  const closed = res.closed ? Promise.resolve() : once(res, 'close');
  const handle = await open(path.join(FILES_DIR, name), 'r');
  try {
    if (res.closed) return;
    res.type(path.extname(name));
    res.setHeader('content-length', size);
    res.setHeader('cache-control', 'private, max-age=3600');
    const file = handle.createReadStream({ autoClose: false });
    file.on('error', next);
    res.once('close', () => file.destroy());
    file.pipe(res);
    await closed;
  } finally {
    await handle.close();
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
