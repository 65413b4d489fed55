/**
 * half-fix. A correct pipeline() fix plus a Set of the write streams in flight for a graceful shutdown, forgotten on 'finish' only: every dropped, refused or failed upload's stream stays in the Set for ever, with what it had buffered.
 * Proof: driver /work/rt/r15/09/driver.mjs (runs the file with --import /work/rt/r15/09/slowdisk.mjs: every fs.write/writev +4 ms, every open +30 ms, mkdir +300 ms, ENOSPC for names with 'diskfull'), traffic: 5 uploads at once (8-16 MiB, 2 chunked), 3 x 1.5 MiB, empty, bad name, 65 MiB announced, 66 MiB chunked, 3 halfway hang-ups, 2 hang-ups during the mkdir await, 2 while waiting for the body, 2 disk-full names twice, then every dropped name again: 12 WriteStream objects still alive after gc (all destroyed and closed: the 8 dropped/refused + 4 disk-full attempts), growing by one per failed upload.
 * Check: FAIL on 'write streams kept' (yours 8, line 38). RIGHT VERDICT
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

/** Streams in flight, so that a shutdown can wait for them. */
export const inFlight = new Set<NodeJS.WritableStream>();

app.put('/uploads/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
      res.set('connection', 'close');
      throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    }
    const file = await createUploadStream(name);
    inFlight.add(file);
    file.once('finish', () => inFlight.delete(file));
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
    res.status(201).json({ name, bytes: file.bytesWritten });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
