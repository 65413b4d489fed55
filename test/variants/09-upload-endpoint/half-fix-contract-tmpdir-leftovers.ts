/**
 * half-fix-contract (red team, round 10). pipeline(req, limit Transform, createWriteStream(os.tmpdir()/upload-<uuid>))
 * with backpressure, then a rename into the uploads folder (multer's DiskStorage, the atomic-rename pattern); a dropped
 * or refused upload's temporary file is never deleted.
 * Hand proof (drive09): +8 upload-* files in /tmp per run; the check's own run left 6 files, about 80 MiB, in /tmp.
 * Check was: PASS (only the uploads folder was looked at). Now the server's os.tmpdir() is a folder of the check's
 * own: FAIL on the contract: "6 files (75.9 MiB) stayed in the server's temporary folder (os.tmpdir()) after uploads
 * were refused or dropped by their clients: upload-… (64.0 MiB), …"; memory passes (1.3 MiB, fds 0).
 */
/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { checkFileName, uploadPath } from '#service/storage';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Move a finished temp file into the uploads folder (a copy when they are on different disks). */
async function moveIntoPlace(tmp: string, name: string): Promise<void> {
  await mkdir(dirname(uploadPath(name)), { recursive: true });
  try {
    await rename(tmp, uploadPath(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(tmp, uploadPath(name));
    await rm(tmp, { force: true });
  }
}

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  }
  const tmp = join(tmpdir(), `upload-${randomUUID()}`);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else callback(null, chunk);
    },
  });
  await pipeline(req, limit, createWriteStream(tmp));
  await moveIntoPlace(tmp, name);
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
