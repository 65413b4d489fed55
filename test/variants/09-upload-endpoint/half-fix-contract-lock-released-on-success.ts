/**
 * half-fix. A correct pipeline() fix plus a per-name lock (409 while the same name is being uploaded), released only after a successful commit: after a dropped, refused or disk-full upload the name answers 409 for ever.
 * Proof: driver /work/rt/r15/09/driver.mjs (runs the file with --import /work/rt/r15/09/slowdisk.mjs: every fs.write/writev +4 ms, every open +30 ms, mkdir +300 ms, ENOSPC for names with 'diskfull'), traffic: 5 uploads at once (8-16 MiB, 2 chunked), 3 x 1.5 MiB, empty, bad name, 65 MiB announced, 66 MiB chunked, 3 halfway hang-ups, 2 hang-ups during the mkdir await, 2 while waiting for the body, 2 disk-full names twice, then every dropped name again: second disk-full attempt 409/409 instead of 5xx; every re-upload of a dropped or refused name answered 409 and nothing was stored.
 * Check: FAIL on 'the service must still do its job' (409 instead of 201 for streamed-too-long, dropped-1..3, hung-up-early-1, ...). RIGHT VERDICT
 */
import { once } from 'node:events';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload, uploadPath, writeUpload, UPLOADS_DIR } from '#service/storage';
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
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
      res.set('connection', 'close');
      throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    }
    if (uploading.has(name)) {
      res.status(409).json({ error: `"${name}" is already being uploaded` });
      return;
    }
    uploading.add(name);
    const file = await createUploadStream(name);
    try {
      await pipeline(req, limitTo(MAX_VIDEO_UPLOAD_BYTES), file);
    } catch (error) {
      file.destroy();
      if (!file.closed) await once(file, 'close').catch(() => {});
      await discardUpload(name);
      if (error instanceof UploadTooLargeError) res.set('connection', 'close');
      throw error;
    }
    await commitUpload(name);
    uploading.delete(name);
    res.status(201).json({ name, bytes: file.bytesWritten });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
