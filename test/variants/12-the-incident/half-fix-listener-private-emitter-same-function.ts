/**
 * RED-TEAM VARIANT h10-private-emitter (scenario 12). Changed: thumbnails.ts.
 * Change: listeners moved to a private EventEmitter (one event per file name, setMaxListeners(0)), the SAME module function added per request.
 * HALF FIX (moved to a private emitter).
 * Proof by hand (redteam/12/drivers/): drive-views.mjs: +202 KiB then +185 KiB per 30 000 views (6.3 B/view, fixed 0.6), linear; every upload of a file calls dropThumbnail once per past view.
 * Check now: FAIL: Leak 3 (event listeners added during the traffic and never removed: 119, each a listener on your
 *   EventEmitter, with the line that added it). WRONG PASS before this round (listeners on fileEvents only; the same
 *   function, so no new function either).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (thumbnails.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { EventEmitter } from 'node:events';
import { checkFileName, fileEvents, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { downloads } from '../../../solutions/12-the-incident/downloads.ts';
import { shareApp } from './share-app.ts';

// ---- thumbnails.ts (the red team's) ----
const made = new Map<string, Buffer>();

// Each thumbnail watches its own file on a private emitter (one event per name), and no closure is made per request.
const staleness = new EventEmitter();
staleness.setMaxListeners(0);
function dropThumbnail(changed: string): void {
  made.delete(changed);
}
fileEvents.on('changed', (changed: string) => staleness.emit(changed, changed));

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  staleness.on(name, dropThumbnail);
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
