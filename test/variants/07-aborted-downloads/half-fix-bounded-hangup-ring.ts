/**
 * half-fix (the red team filed it as an alternative, debatable). pipeline() closes every file, and a dashboard keeps only the last 100 hang-ups in a module-level ring (push, then shift past 100): bounded by construction, not a record per download for ever.
 * Proof: drv/drive07.mjs-style hang-ups: 0 descriptors left; drv/drive-rec.mjs abort 1500: heap +267 B per aborted download against +173 B for alternative-abortsignal-async-iterator (noise level; the ring holds at most 100 records of ~100 B, 10 KiB in all, by construction).
 * Check: FAIL (records 95, collections 1: the ring grew to 95 entries, more than 17). Arguable verdict: the check's 95 hang-ups never fill a ring of 100, so no run of this traffic can tell it from an unbounded list; the README's rule (room for more than 17) treats it as a leak. Not counted as a WRONG VERDICT in the report.
 * Round 13: kept as a half fix: the README counts a collection that grew past room for 17 downloads that were over.
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

interface AbortedDownload {
  name: string;
  bytesSent: number;
  at: number;
}
/** The last hang-ups, for the operations dashboard: a ring of at most RECENT entries, the oldest dropped first. */
const RECENT = 100;
const recentHangUps: AbortedDownload[] = [];
export function hangUpsForDashboard(): readonly AbortedDownload[] {
  return recentHangUps;
}

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    if (error && !res.writableFinished) {
      recentHangUps.push({ name, bytesSent: file.bytesRead, at: Date.now() });
      if (recentHangUps.length > RECENT) recentHangUps.shift();
    }
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
