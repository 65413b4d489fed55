/**
 * Downloads: GET /files/:name streams a shared file from disk, without
 * loading it into memory. Recordings are large, and people hang up all the
 * time: they close the tab, or their train enters a tunnel.
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';

export const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  // A client that hung up while the file was opening is gone already: newer Node versions refuse to pipe into its
  // closed response (pipeline throws ERR_STREAM_UNABLE_TO_PIPE) and would leave the file open.
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // pipeline, not pipe: when the client hangs up, it also destroys the file stream, which closes the file.
  pipeline(file, res, (error) => {
    // A client that hangs up is not a failure of ours; anything else is.
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') next(error);
  });
});
