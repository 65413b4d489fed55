/**
 * RED TEAM VARIANT: stream.finished(req) attached before the await; manual backpressure (pause on write() false, resume on 'drain'); destroy + discard on every failure.
 * CORRECT
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/c3-manual-backpressure-finished.ts: peak 1.0 MiB, 0 fds, nothing left, retries 201.
 * Check verdict: PASS (1.1 MiB) - RIGHT
 * Stop 25: a half fix of the contract. For a client that hangs up while the handler awaits the file store, it
 * destroys the write stream and asks to remove the partial file in the same turn, before the stream has asked to
 * create it (a tick after it is made): the file is made after its removal and stays. It passed when the thread pool
 * happened to create the file first; the check's disk now does one file's creation and removal in the order asked,
 * and it fails every run (hung-up-early-1 and -2.mp4.partial, "made after the removal"). The fix: remove it once the
 * stream has closed.
 */
import express from 'express';
import { finished } from 'node:stream';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  // Watch the request from the start: finished() reports a client that leaves during the await below too.
  let clientGone: Error | undefined;
  let onGone = (_error: Error) => {};
  const stopWatching = finished(req, (error) => {
    if (error && !req.complete) {
      clientGone = error;
      onGone(error);
    }
  });
  req.pause();
  createUploadStream(name).then((out) => {
    let over = false;
    const fail = (error: unknown) => {
      if (over) return;
      over = true;
      stopWatching();
      req.removeListener('data', onData);
      out.destroy();
      discardUpload(name).then(() => next(error), next);
    };
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) return fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      if (!out.write(chunk)) req.pause(); // the disk is behind: stop reading until it drains
    };
    out.on('drain', () => req.resume());
    out.on('error', fail);
    onGone = fail;
    if (clientGone) return fail(clientGone);
    req.on('data', onData);
    req.once('end', () => {
      if (over) return;
      out.end(() => {
        if (over) return;
        over = true;
        stopWatching();
        commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
      });
    });
    req.resume();
  }, (error) => {
    stopWatching();
    next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
