/**
 * INTENDED: refuse a second upload of the same name while one is in progress; lock released on res 'finish'.
 * ACTUALLY: BROKEN: a hung-up upload never 'finish'es, so its name is locked forever (409).
 * PROOF: uploads.mts: re-upload after hang-up -> 409, 409.
 * Check: FAIL on the contract only (PUT /uploads/dropped-1.mp4 answered 409 instead of 201; every measure passes): half-fix-contract-*. RIGHT.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

// Two uploads of the same name at once would write the same .partial file:
// refuse the second one while the first is in progress.
const inProgress = new Set<string>();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  if (inProgress.has(name)) {
    res.status(409).json({ error: `"${name}" is already being uploaded` });
    return;
  }
  inProgress.add(name);
  res.on('finish', () => inProgress.delete(name));
  const file = await createUploadStream(name);
  let received = 0;
  pipeline(
    req,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        received += chunk.length;
        if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
        yield chunk;
      }
    },
    file,
    async (error) => {
      if (!error) return commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
      await discardUpload(name);
      if (!res.destroyed) {
        res.set('connection', 'close');
        next(error);
      }
    },
  );
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
