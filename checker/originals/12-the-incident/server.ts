/**
 * Share, the team's file-sharing service. People upload files of up to
 * 64 MiB (recordings of meetings, scans, photos), find them in the list,
 * download them, and see a thumbnail of each.
 *
 *   PUT /files/:name             upload; a new version under the same name replaces the old
 *   GET /files                   the list: name, size, type, when it was uploaded
 *   GET /files/:name             download
 *   GET /files/:name/thumbnail   a 64 × 64 thumbnail (PGM)
 *   GET /export.csv              the list as CSV, for the monthly storage report
 *
 * Each part lives in its own module: catalog.ts, downloads.ts, thumbnails.ts.
 */
import express from 'express';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { catalog } from './catalog.ts';
import { downloads } from './downloads.ts';
import { thumbnails } from './thumbnails.ts';

const app = express();

app.use(catalog);
app.use(thumbnails);
app.use(downloads);
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files');
