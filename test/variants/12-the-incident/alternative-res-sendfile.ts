/**
 * RED-TEAM VARIANT c04-sendfile (scenario 12). Changed: downloads.ts.
 * Change: downloads through res.attachment + res.sendFile (send/on-finished close the file); others as fixed-base.
 * CORRECT (alternative).
 * Proof by hand (redteam/12/drivers/): drive.mjs +1.0 MiB, 0 fds, features ok (byte-exact, 404, 400); drive-h19 0 fds after 5 s; drive-slow 11->11 MiB.
 * Check now: PASS (3 of 3 leaks fixed). RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (downloads.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { checkFileName, FileNotFoundError, uploadPath } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads.ts (the red team's) ----
const downloads = express.Router();

downloads.get('/files/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  res.attachment(name);
  res.sendFile(uploadPath(name), { dotfiles: 'deny', etag: false, lastModified: false }, (error?: NodeJS.ErrnoException & { status?: number }) => {
    if (!error) return;
    if (error.code === 'ECONNABORTED' || res.headersSent) return; // the client left: send has closed the file
    next(error.status === 404 || error.code === 'ENOENT' ? new FileNotFoundError(name) : error);
  });
});

export default shareApp({ catalog, downloads, thumbnails });
