/**
 * RED-TEAM VARIANT
 * half-fix (still leaks, small). Intent: clear the interval on req 'close'.
 * Actually: the timer is fixed, but a dropped upload's uploadProgress entry is never deleted: the progress endpoint answers
 * 'stuck at 33%' forever and the Map grows by one entry per dropped name.
 * Proof: after slow drop, GET /uploads/slow-drop-1.jpg/progress -> 200 {received:1048576,expected:3145728} (forever);
 * timers 2 (baseline), arrayBuffers 3.0 MiB (baseline). Check: PASS -> SLIPPED (README's 'stuck at 43%' symptom not checked).
 * Filed as a half fix; renamed half-fix-contract: what stays is a Map entry of a few dozen bytes per dropped name, which no
 * memory bar can tell from noise, and the stuck progress is a broken promise the contract reads (check: timers 0, upload
 * bytes 0, breach "GET /uploads/dropped-0.jpg/progress still reports…").
 * Renamed half-fix-both-: the check now also counts the progress entries kept after the uploads ended
 * (a heap measure, bar 0): the Map keeps one entry per dropped name, 8 here, as well as the stuck progress.
 * The same code (comments aside) was also written, blind, as half-fix-both-close-no-delete.ts; it is checked once, here. Its notes:
 *   INTENDED: stop the heartbeat whichever way the upload ends: on 'end' (complete) and on
 *   the request's 'close' (the phone dropped).
 *   ACTUALLY: the timer goes, but only the 'end' path deletes the progress entry. A dropped
 *   upload's last progress stays in `uploadProgress` for ever: the "stuck at 43%" bar,
 *   and one entry per distinct dropped name.
 *   PROOF: driver.mjs (real HTTP PUTs of 3 MiB: 8 complete + 4 on a kept-alive connection, 8 dropped after 2 MiB once progress was polled, a retry completing while its first attempt is open then the first drops, 2 disk-full- uploads (ENOSPC injected on fs.promises.writeFile / fs.createWriteStream), 2 hang-ups right after headers during a 300 ms slowed fs await, a 64 MiB 413, a 400; then 200 more drops after 256 KiB; readings after gc: Timeouts from process.getActiveResourcesInfo, arrayBuffers, /proc/self/fd entries under uploads/): timers 0, bytes 0, fds 0; but GET .../progress for all 8 dropped uploads still answers {received:2097152, expected:3145728} after the traffic (stuck progress, one Map entry per dropped name).
 *   Check: FAIL (dropped-0.jpg progress still reported). RIGHT.
 *   Renamed half-fix-both-: the check now also counts the progress entries kept after the uploads ended
 *   (a heap measure, bar 0): the Map keeps one entry per dropped name, 8 here, as well as the stuck progress.
 * The same code (comments aside) was also written, blind, as half-fix-both-interval-cleared-on-close.ts; it is checked once, here. Its notes:
 *   RED TEAM VARIANT: Clears the interval on req 'close', but deletes the progress entry only on 'end'.
 *   HALF FIX
 *   Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/h2-clear-timer-only.ts: 0 timers, but 9 dropped uploads still answer 200 with their last progress, 9 names alive.
 *   Check verdict: FAIL (progress entries kept; contract: progress of dropped-0 still reported) - RIGHT
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  const expected = Number(req.headers['content-length']);
  if (!Number.isSafeInteger(expected)) {
    res.status(411).json({ error: 'send the upload with a Content-Length' });
    return;
  }
  if (expected > MAX_UPLOAD_BYTES) {
    res.status(413).json({ error: `uploads are limited to ${MAX_UPLOAD_BYTES} bytes` });
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  req.on('close', () => clearInterval(heartbeat)); // a dropped upload stops its heartbeat too

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
    const photo = Buffer.concat(chunks);
    writeUpload(name, photo).then(
      () => res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') }),
      next,
    );
  });
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
