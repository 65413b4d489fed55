/**
 * alternative. Readable.toWeb(req) read with a reader and written through Writable.toWeb(out)'s writer (await ready/write), destroying the request itself on over-limit (Node 20's adapter throws on data after cancel).
 * Proof: drv/d09.mjs PEAK_GC=1 SLOW_MS=20: GC'd peak 2.6 MiB / 2.0 MiB; open files 0, leftovers 0, byte-exact, disk-full 5xx, 0 breaches.
 * Check: PASS. Correct verdict.
 * Stop 25 (after round 14): a half fix of the contract after all. A client that hangs up before its first byte has
 * the handler destroy the write stream and rm the partial file before the stream has even asked to create it (its
 * open comes a tick later): the rm finds nothing and the file is made after it. On a quiet machine the thread pool
 * usually ran the open first and the check passed it; the suite under load failed it once (hung-up-early-2.mp4.partial
 * left), and with file creation made 50 ms slower by hand every run leaves hung-up-early-1 and -2. The check's disk now
 * does one file's creation and removal in the order asked: FAIL on the contract every time, memory passes. The fix:
 * remove the partial file once the stream has closed.
 */
import express from 'express';
import { randomUUID } from 'node:crypto';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import type { ReadableStream, WritableStream } from 'node:stream/web';
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

app.put('/uploads/:name', async (req, res, next) => {
  let name: string;
  try {
    name = checkFileName(req.params.name);
  } catch (error) {
    next(error);
    return;
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  let out: WriteStream | undefined;
  let received = 0;
  try {
    out = await createUploadStream(name);
    // a pull-based reader: the next chunk is read only once the file has taken the last one
    const reader = (Readable.toWeb(req) as ReadableStream<Uint8Array>).getReader();
    const writer = (Writable.toWeb(out) as WritableStream<Uint8Array>).getWriter();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
        await writer.ready;
        await writer.write(value);
      }
      if (!req.complete) throw new Error('the client went away before the end of its upload');
      await writer.close();
    } catch (error) {
      // Node 20's toWeb adapter throws if data comes after a cancel: stop the request itself instead,
      // at once when it runs over the limit, after the error answer otherwise (a full disk gets its 5xx)
      if (error instanceof UploadTooLargeError) req.destroy();
      else res.once('finish', () => req.destroy());
      reader.releaseLock();
      await writer.abort(error).catch(() => {});
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: received });
  } catch (error) {
    out?.destroy();
    await discardUpload(name).catch(() => {});
    if (error instanceof UploadTooLargeError) res.set('connection', 'close');
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
