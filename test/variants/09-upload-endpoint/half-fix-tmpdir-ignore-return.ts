/**
 * half-fix (red team, round 10). Writes each upload to a temporary file in os.tmpdir() with out.write() ignoring its
 * return value (no backpressure), then moves it into the uploads folder; drops and overruns are cleaned up.
 * Hand proof (drive09, every write slowed 15 ms, in every folder): peak 50.6 MiB.
 * Check was: FAIL (peak 6.4 MiB) by luck only: the slow disk covered the uploads folder, not os.tmpdir().
 * Now the check gives the server a temporary folder of its own and the slow disk covers it: FAIL, peak memory:
 * yours 72.6 MiB (bar 4.0 MiB), read when the server was steady while the disk made it wait.
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

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const tmp = join(tmpdir(), `upload-${randomUUID()}`);
  const out = createWriteStream(tmp);
  let received = 0;
  let failed = false;
  const fail = (error?: Error) => {
    if (failed) return;
    failed = true;
    out.destroy();
    rm(tmp, { force: true }).catch(() => {});
    if (error) next(error);
  };
  out.on('error', fail);
  req.on('close', () => { if (!req.complete) fail(); });
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) {
      req.pause();
      fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      return;
    }
    if (!failed) out.write(chunk);
  });
  req.on('end', () => {
    if (failed) return;
    out.end(() => {
      moveIntoPlace(tmp, name).then(() => res.status(201).json({ name, bytes: received }), next);
    });
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
