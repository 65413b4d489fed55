/**
 * half-fix. req.pipe(file) and, when the client hangs up or the limit is passed, removes the partial file but never destroys the write stream: each dropped upload keeps a descriptor open on a deleted file (and a partial may be recreated if the stream had not opened yet).
 * Proof: driver /work/rt/r15/09/driver.mjs (runs the file with --import /work/rt/r15/09/slowdisk.mjs: every fs.write/writev +4 ms, every open +30 ms, mkdir +300 ms, ENOSPC for names with 'diskfull'), traffic: 5 uploads at once (8-16 MiB, 2 chunked), 3 x 1.5 MiB, empty, bad name, 65 MiB announced, 66 MiB chunked, 3 halfway hang-ups, 2 hang-ups during the mkdir await, 2 while waiting for the body, 2 disk-full names twice, then every dropped name again: 8 descriptors open after the traffic (6 on '(deleted)' .partial files: over, half-0..2, late-0/1; 2 on early-0/1.partial which were recreated after the rm and stay on disk).
 * Check: FAIL on 'file descriptors' (yours 8, line 42) and 'the service must still do its job' (hung-up-early-1/2.mp4.partial). RIGHT VERDICT
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

app.put('/uploads/:name', (req, res, next) => {
  let name: string;
  try {
    name = checkFileName(req.params.name);
  } catch (error) { next(error); return; }
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    res.set('connection', 'close');
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  let aborted = false;
  req.on('close', () => {
    if (!req.complete) { aborted = true; void discardUpload(name); }
  });
  createUploadStream(name).then((file) => {
    let received = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES && !refused) {
        refused = true;
        req.unpipe(file);
        res.set('connection', 'close');
        void discardUpload(name).then(() => next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES)));
      }
    });
    file.on('error', (error) => { void discardUpload(name); next(error); });
    file.on('finish', () => {
      if (refused || aborted) return;
      commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
    });
    req.pipe(file);
  }, next);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
