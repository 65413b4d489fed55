/**
 * half-fix. Spools each upload in a mkdtemp folder of its own under os.tmpdir() like the spool alternative, but the
 * finally block removes only the spooled file (rm(body)), never the folder: every upload, stored or dropped, leaves an
 * empty upload-XXXXXX folder in the temporary folder.
 * Proof: driver /work/rt/r15/09/driver.mjs (runs the file with --import /work/rt/r15/09/slowdisk.mjs: every fs.write/writev +4 ms, every open +30 ms, mkdir +300 ms, ENOSPC for names with 'diskfull'), traffic: 5 uploads at once (8-16 MiB, 2 chunked), 3 x 1.5 MiB, empty, bad name, 65 MiB announced, 66 MiB chunked, 3 halfway hang-ups, 2 hang-ups during the mkdir await, 2 while waiting for the body, 2 disk-full names twice, then every dropped name again: 21 empty upload-XXXXXX folders left in TMPDIR (one per upload, stored or not).
 * Check: FAIL on 'the service must still do its job' (14 folders, line 52). RIGHT VERDICT
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { checkFileName, uploadPath, UPLOADS_DIR } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

async function moveInto(from: string, to: string): Promise<void> {
  const landing = `${to}.${process.pid}.landing`;
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    try {
      await copyFile(from, landing);
      await rename(landing, to);
    } finally {
      await rm(landing, { force: true });
    }
  }
}

app.put('/uploads/:name', async (req, res, next) => {
  const gone = new AbortController();
  const onClose = () => { if (!req.complete) gone.abort(new Error('client went away')); };
  req.once('close', onClose);
  let spool: string | undefined;
  let body: string | undefined;
  let file: WriteStream | undefined;
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
      res.set('connection', 'close');
      throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    }
    if (req.destroyed && !req.complete) throw new Error('client went away');
    spool = await mkdtemp(path.join(os.tmpdir(), 'upload-'));
    gone.signal.throwIfAborted();
    body = path.join(spool, 'body');
    const handle = await open(body, 'w');
    file = createWriteStream(body, { fd: handle });
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > MAX_VIDEO_UPLOAD_BYTES) {
          res.set('connection', 'close');
          callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
        } else callback(null, chunk);
      },
    });
    await pipeline(req, limit, file, { signal: gone.signal });
    if (!file.closed) await once(file, 'close');
    await mkdir(UPLOADS_DIR, { recursive: true });
    await moveInto(body, uploadPath(name));
    res.status(201).json({ name, bytes });
  } catch (error) {
    next(error);
  } finally {
    req.off('close', onClose);
    if (file && !file.closed) {
      file.destroy();
      await once(file, 'close').catch(() => {});
    }
    if (body) await rm(body, { force: true });
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
