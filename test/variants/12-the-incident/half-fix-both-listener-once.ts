/**
 * Half a fix of the thumbnails' leak: `once` instead of `on`. A listener now
 * goes away after the first change of any file, but until some file changes
 * every request still adds one, and a quiet day adds thousands. (The other
 * two modules are the solution's.) It must fail on memory.
 * Check after red team round 12: FAIL on memory (listeners) and now on the contract too: welcome.pdf's thumbnail
 *   stays the old version's once report-1.bin's new version has taken the once() listeners (renamed half-fix-both-*).
 */
import express from 'express';
import { checkFileName, fileEvents, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { downloads } from '../../../solutions/12-the-incident/downloads.ts';
import { shareApp } from './share-app.ts';

const made = new Map<string, Buffer>();
const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  fileEvents.once('changed', (changed: string) => {
    if (changed === name) made.delete(name);
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, thumbnails, downloads });
