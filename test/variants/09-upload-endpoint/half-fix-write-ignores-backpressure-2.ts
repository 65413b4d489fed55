/**
 * half fix: streams each upload to disk instead of collecting it, with
 * `req.on('data', chunk => out.write(chunk))`, ignoring write()'s return
 * value; the limit is counted on the way; a dropped or refused upload's stream
 * is destroyed (after it closes, the partial is discarded). On a disk slower
 * than the network every chunk read waits in the WriteStream's buffer: memory
 * rises to the size of the uploads in flight.
 * Proof: /tmp/rt-09-scratch/drive09.mjs SLOW=20 (each file write 20 ms late):
 * peak +27.7 MiB for 4 x 16 MiB vs 1.4 MiB for the pipeline alternative.
 * Check verdict after round 12's fixes: FAIL (right).
 */
import express from 'express';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  let out: WriteStream | undefined;
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    out = await createUploadStream(name);
    const file = out;
    let received = 0;
    const failed = await new Promise<Error | undefined>((resolve) => {
      if (req.destroyed) return resolve(new Error('client gone'));
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_VIDEO_UPLOAD_BYTES) {
          req.destroy();
          resolve(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
          return;
        }
        file.write(chunk);
      });
      req.on('end', () => file.end());
      req.on('close', () => { if (!req.complete) resolve(new Error('client gone')); });
      file.on('error', resolve);
      file.on('finish', () => resolve(undefined));
    });
    if (failed) {
      file.destroy();
      if (!file.closed) await once(file, 'close').catch(() => {});
      await discardUpload(name);
      throw failed;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: received });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
