/**
 * RED TEAM VARIANT: Collects uploads announced at 16 MiB or less in memory (writeUpload), streams only larger or chunked ones.
 * HALF FIX
 * Proof (by hand): SIZE_MIB=12 node --import tsx redteam/09/drivers/drive.ts redteam/09/h11-small-in-memory.ts: peak 48.7 MiB above baseline for 3 parallel 12 MiB uploads (c1 same traffic: 1.1 MiB); with 24 MiB uploads 1.6 MiB.
 * Check verdict: FAIL (peak 35.0 MiB: the check's uploads now range from 5 to 48 MiB, three of them announced, so the 5 and 12 MiB ones are collected) - RIGHT
 */
import { MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import express from 'express';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Passes an upload through, and fails it with 413 once it runs over the limit. */
function sizeLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new UploadTooLargeError(limit));
      else done(null, chunk);
    },
  });
}

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  try {
    const announced = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (announced !== undefined && announced <= MAX_UPLOAD_BYTES) {
      // small recordings (16 MiB or less, a photo's limit): one writeFile is faster than a stream
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk);
      await writeUpload(name, Buffer.concat(chunks));
      res.status(201).json({ name, bytes: announced });
      return;
    }
    // large or of unknown size: stream it to disk
    const out = await createUploadStream(name);
    try {
      await pipeline(req, sizeLimit(MAX_VIDEO_UPLOAD_BYTES), out);
    } catch (error) {
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
