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
  let gone = false;
  let file: Awaited<ReturnType<typeof openUploadedFile>> | undefined;
  res.once('close', () => {
    gone = true;
    file?.destroy();
  });
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  file = await openUploadedFile(name);
  if (gone) {
    file.destroy();
    return;
  }
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  pipeline(file, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});
