/**
 * INTENDED: req 'data' -> file.write(chunk), ignoring its return value.
 * ACTUALLY: LEAKS (transient) memory: every byte read sits in the write stream's buffer.
 * PROOF: uploads.mts: peak +34.6 MiB.
 * Check: FAIL (peak ~72.6 MiB). RIGHT. (First version crashed the check with an uncaught 'write after destroyed': COULD NOT CHECK, fair.)
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
  let received = 0;
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    file.destroy();
    void discardUpload(name);
    next(error);
  };
  file.on('error', fail);
  req.on('close', () => { if (!req.complete) fail(new Error('client hung up')); });
  if (req.destroyed) fail(new Error('client hung up'));
  // write each chunk straight to the file as it arrives: no buffering in memory
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) return fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    if (!failed) file.write(chunk);
  });
  req.on('end', () => {
    if (failed) return;
    file.end(() => commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next));
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
