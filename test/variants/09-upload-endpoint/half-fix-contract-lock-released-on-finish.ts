/**
 * half fix (breaks a feature): a correct pipeline upload guarded by a lock
 * per name (a Set of names being uploaded; a second upload of a name in
 * flight is answered 409). The lock is released on the response's 'finish':
 * a dropped upload's response never finishes (it only closes), so its name
 * stays locked for ever and the teacher's retry is answered 409, and the Set
 * keeps one name per dropped upload.
 * Proof: /tmp/rt-09-scratch/drive09.mjs: 10 of 18 retries answer 409.
 * Check verdict after round 12's fixes: FAIL on the contract (right).
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

function limitTo(limit: number): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limit) callback(new UploadTooLargeError(limit));
      else callback(null, chunk);
    },
  });
}

const uploading = new Set<string>();

app.put('/uploads/:name', async (req, res, next) => {
  let out: WriteStream | undefined;
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    if (uploading.has(name)) {
      res.status(409).json({ error: `${name} is already being uploaded` });
      return;
    }
    uploading.add(name);
    res.on('finish', () => uploading.delete(name));
    out = await createUploadStream(name);
    try {
      await pipeline(req, limitTo(MAX_VIDEO_UPLOAD_BYTES), out);
    } catch (error) {
      if (!out.closed) await once(out, 'close').catch(() => {});
      await discardUpload(name);
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: out.bytesWritten });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
