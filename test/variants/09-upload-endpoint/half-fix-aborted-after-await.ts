/**
 * INTENDED: await createUploadStream, then req.pipe(file) with req 'aborted' -> destroy + discard.
 * ACTUALLY: LEAKS one fd and leaves <name>.partial in the uploads folder when the client hangs up before/while the handler awaits createUploadStream (mkdir): 'aborted' already fired, pipe() never ends the file.
 * PROOF: uploads.mts: mkdir held until the client (Content-Length 1 MiB, headers only) has hung up -> fd open on early.mp4.partial and the file left; mid-body hang-ups fine.
 * Check: FAIL (descriptors yours 2 x hung-up-early.mp4.partial): the traffic now hangs up before the first byte while the handler awaits mkdir (held) and once it waits for the body. RIGHT. (The partial file itself is gone by the contract: the clients that hang up after the await share its name, and their clean-up removes it, so no breach.) (Before: PASS, fds yours 0.)
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const file = await createUploadStream(name);
  req.pipe(file); // pipe() pauses the request while the disk catches up
  file.on('error', (error) => {
    if (over || !req.complete) return; // a write after we destroyed it, nothing to do
    void discardUpload(name).then(() => next(error), next); // the disk failing (full): the teacher is told
  });
  let received = 0;
  let over = false;
  // the teacher's app gave up halfway: drop the partial file
  req.on('aborted', () => {
    file.destroy();
    void discardUpload(name);
  });
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES && !over) {
      over = true;
      req.unpipe(file);
      file.destroy();
      void discardUpload(name).then(() => next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES)));
    }
  });
  file.on('finish', () => {
    if (over) return;
    commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
