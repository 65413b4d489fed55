/**
 * RED TEAM VARIANT: Streams Content-Length uploads, collects chunked ones in memory (Buffer.concat).
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h7-chunked-collected.ts: peak 49 MiB (2 x the chunked 24 MiB upload).
 * Check verdict: FAIL (peak 62.5 MiB) - RIGHT
 */
import { writeUpload } from '#service/storage';
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
    if (req.headers['content-length'] !== undefined) {
      // size known and under the limit: stream it to disk
      const out = await createUploadStream(name);
      try {
        await pipeline(req, sizeLimit(MAX_VIDEO_UPLOAD_BYTES), out);
      } catch (error) {
        await discardUpload(name);
        throw error;
      }
      await commitUpload(name);
      res.status(201).json({ name, bytes: out.bytesWritten });
      return;
    }
    // chunked: we cannot know the size before the end, so read it first and check it
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of req) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
      chunks.push(chunk);
    }
    await writeUpload(name, Buffer.concat(chunks));
    res.status(201).json({ name, bytes: received });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
