/**
 * Scenario 09 fixed another way: `pipeline` from stream/promises, awaited,
 * with the size limit as an async generator between the request and the
 * file, and the partial file removed on any failure.
 */
import express from 'express';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  let received = 0;
  async function* limited(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
      yield chunk;
    }
  }
  try {
    await pipeline(req, limited, await createUploadStream(name));
    await commitUpload(name);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;
