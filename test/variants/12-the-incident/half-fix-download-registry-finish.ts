/**
 * RED-TEAM VARIANT h17-registry-finish (scenario 12). Changed: downloads.ts.
 * Change: pipeline closes the file, but a module Set of in-progress streams is cleaned on res 'finish' only: every abandoned download stays in it (~20 KiB each with res/socket).
 * HALF FIX (moved elsewhere).
 * Proof by hand (redteam/12/drivers/): drive.mjs: heap +2.1 MiB vs +0.9 fixed after 60 hang-ups (~20 KiB each).
 * Check now: FAIL, but under Leak 3 (functions your code made during the traffic and still alive after it: the
 *   'finish' listeners of the responses the Set keeps, path sending in downloads.ts), though the leak is the
 *   downloads'. RIGHT verdict, misleading leak number, as before.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (downloads.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads.ts (the red team's) ----
const downloads = express.Router();

/** The downloads in progress. */
const sending = new Set<NodeJS.ReadableStream>();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // Keep track of the files being sent, so none is forgotten; pipeline closes the file either way.
  sending.add(file);
  res.on('finish', () => sending.delete(file));
  pipeline(file, res, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') next(error);
  });
});

export default shareApp({ catalog, downloads, thumbnails });
