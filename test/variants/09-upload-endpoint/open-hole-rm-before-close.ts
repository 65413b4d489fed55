/**
 * half-fix. pipeline() into createUploadStream, but on failure it removes the .partial file at once instead of after the write stream has closed: for a client gone before the stream opened its file, rm runs first and the file is created afterwards, so an empty partial stays.
 * Proof: driver /work/rt/r15/09/driver.mjs (runs the file with --import /work/rt/r15/09/slowdisk.mjs: every fs.write/writev +4 ms, every open +30 ms, mkdir +300 ms, ENOSPC for names with 'diskfull'), traffic: 5 uploads at once (8-16 MiB, 2 chunked), 3 x 1.5 MiB, empty, bad name, 65 MiB announced, 66 MiB chunked, 3 halfway hang-ups, 2 hang-ups during the mkdir await, 2 while waiting for the body, 2 disk-full names twice, then every dropped name again: 'strayFiles' early-0.mp4.partial and early-1.mp4.partial (0 bytes) left in the uploads folder. /work/rt/r15/09/early.mjs with 20 clients hanging up during the mkdir await: open +30 ms -> 20/20 partials left, open +5 ms -> 18/20, open +1 ms or unwrapped -> 0/20 (the alternatives: 0/20 at +30 ms).
 * Check: PASS on every line, 3 runs out of 3 (also --json, 'passed': true); nothing about partial files. WRONG VERDICT
 * Known hole, left open (stop 25). The stream asks to create its file before the handler asks to remove it, and the
 * check's disk does one file's creation and removal in the order asked, as a local disk does: the removal finds the
 * file and the variant passes, on every machine. On a disk that lets a removal asked later overtake a creation (a
 * network volume, as the slowdisk wrapper above models), it leaves the file. A check whose disk creates files late
 * was tried: it catches this, and with it eight of this folder's valid fixes in the first 62 servers benched (pipeline,
 * stream/promises, manual drain, web streams), the kit's own solution and the WHY's `stream/promises` alternative
 * (pipeline's rejection comes before the file stream has closed). Holding
 * learners to that is a change of what the scenario teaches, for the README and the hints first: not made here.
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

app.put('/uploads/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
      res.set('connection', 'close');
      throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    }
    const file = await createUploadStream(name);
    try {
      await pipeline(req, limitTo(MAX_VIDEO_UPLOAD_BYTES), file);
    } catch (error) {
      await discardUpload(name);
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
