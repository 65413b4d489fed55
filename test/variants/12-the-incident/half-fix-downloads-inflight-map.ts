/**
 * VARIANT half-fix-downloads-inflight-map
 *
 * HALF FIX (small leak). Downloads use pipeline() (no fd leak), plus a gauge of downloads in
 * progress: a module-level Map<number, {startedAt, size}> entry added per download and deleted on
 * res 'finish' only, so every download whose client hangs up stays in it for ever (and the gauge
 * reports them as running). Proof: 3 000 aborted downloads -> Map size 3 000; 15 000 -> Map size
 * 15 000, 'in progress' 125 GB, heap 12.98 MiB vs 11.46 MiB for _base after the same traffic (~100
 * B per aborted download, unbounded). Check: PASS (the entries are numbers and plain objects: no
 * Buffer, string, function, listener or fd).
 * Check now: FAIL (PASS before): records your module-level variables gained 86 (bar 36), one per download that
 *   ended with a hang-up (Leak 2).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (downloads.ts)
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
/**
 * Downloads: GET /files/:name streams a shared file from disk.
 * Variant: the fd leak is fixed with pipeline(), and a gauge of the downloads in progress
 * (for a /health page and a graceful shutdown) is kept in a Map, emptied on 'finish' only.
 */

const downloads = express.Router();

/** Downloads in progress: when each started and how large it is. */
const active = new Map<number, { startedAt: number; size: number }>();
let lastId = 0;

/** How many downloads are running, and how many bytes they will send. */
export function downloadsInProgress(): { count: number; bytes: number } {
  let bytes = 0;
  for (const { size } of active.values()) bytes += size;
  return { count: active.size, bytes };
}

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  const id = ++lastId;
  active.set(id, { startedAt: Date.now(), size });
  res.on('finish', () => active.delete(id));
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  pipeline(file, res, (error) => {
    if (error && !res.destroyed && !res.headersSent) next(error);
  });
});

export default shareApp({ catalog, downloads, thumbnails });
