/**
 * The thumbnails' leak "fixed" by dropping what the listener was for: the
 * thumbnails are still made once and kept, but never made again when a new
 * version of a file arrives, so people see the old picture. The other two
 * modules are the solution's: nothing leaks, and the contract alone must
 * catch it.
 */
import express from 'express';
import { checkFileName, readUploadedFile } from '#service/storage';
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
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, thumbnails, downloads });
