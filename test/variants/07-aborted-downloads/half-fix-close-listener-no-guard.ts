/**
 * VARIANT h2-close-after-awaits.ts: res.on('close', () => file.destroy()) added after the two awaits, no check that the client is already gone.
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): drive07.mjs: mid-transfer and Range hang-ups 0 fds; hang-ups before the first byte with a 150 ms disk: 10 of 20 fds left (the ones during the awaits).
 * Check's verdict: FAIL: file descriptors left open (hang-ups during the awaits, photos' too). RIGHT.
 * The same code (comments aside) was also written, blind, as half-fix-close-after-await-2.ts; it is checked once, here. Its notes:
 *   HALF FIX: adds the classic `res.on('close', () => file.destroy())` from nodejs/node#1834, but only
 *   once both awaits are over. A client that hangs up while the handler still awaits the file store has
 *   already fired 'close', so the listener never runs and the stream (opened a moment later) keeps its
 *   descriptor. Proof: drive.mts, 3 rounds: 12 descriptors left (6 video, 6 photo), all from hang-ups
 *   during the awaits; mid-transfer aborts close fine. Check: FAIL, 33.
 *   Check after round 12's fix of 07 and 11: FAIL (unchanged). RIGHT.
 * The same code (comments aside) was also written, blind, as half-fix-close-after-awaits-2.ts; it is checked once, here. Its notes:
 *   Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: res.on('close', () => file.destroy()) added after the awaits (the nodejs#1834 fix); a hang-up during an await is missed
 *   Check: FAIL: file descriptors left open after the aborted downloads (yours 21)
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
