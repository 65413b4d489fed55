/**
 * half-fix. Downloads fixed (close tracked from the start, pipeline), but every download cut short appends a line to a module-level string `hangUps` (dumped on SIGUSR2) that is never trimmed.
 * Proof: drv/extra12.mjs hangups: 40 downloads of a 32 MiB file cut after the first chunk, then SIGUSR2 printed 40 lines kept in memory: one per hang-up, for ever. drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): descriptors 0, listeners 1.
 * Check: PASS (3 of 3; strings 17 vs fixed 16: one growing string counts once). WRONG VERDICT.
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
 */
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

/** A line per download cut short, dumped on SIGUSR2 for the weekly network report. */
let hangUps = '';
process.on('SIGUSR2', () => console.log(hangUps));

downloads.get('/files/:name', async (req, res, next) => {
  let gone = false;
  let file: Awaited<ReturnType<typeof openUploadedFile>> | undefined;
  res.once('close', () => {
    gone = true;
    if (!res.writableFinished) hangUps += `${new Date().toISOString()} ${req.params.name} ${file?.bytesRead ?? 0}\n`;
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
