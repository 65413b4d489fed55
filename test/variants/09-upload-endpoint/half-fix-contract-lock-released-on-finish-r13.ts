/**
 * half-fix. a per-name lock (409 while uploading) released on the write stream's 'finish' only.
 * Proof: drv/d09.mjs: re-uploads of dropped names answer 409 or are cut, disk-full retry answers 409 (8 breaches).
 * Check: FAIL (409 on disk-full retry and on re-uploads). Correct verdict.
 */
import express from 'express';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, UPLOADS_DIR, uploadPath, writeUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Passes the upload through, and fails it once it runs over the limit (a chunked one can). */
function sizeLimit(onBytes: (total: number) => void = () => {}): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      onBytes(received);
      if (received > MAX_VIDEO_UPLOAD_BYTES) done(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else done(null, chunk);
    },
  });
}

/** Names being uploaded right now: a second upload of the same name waits its turn (409). */
const uploading = new Set<string>();

app.put('/uploads/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    if (uploading.has(name)) {
      res.status(409).json({ error: `${name} is already being uploaded` });
      return;
    }
    uploading.add(name);
    const out = await createUploadStream(name);
    out.on('finish', () => uploading.delete(name));
    let bytes = 0;
    try {
      await pipeline(req, sizeLimit((total) => (bytes = total)), out);
    } catch (error) {
      await discardUpload(name);
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
