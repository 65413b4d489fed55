/**
 * half-fix. pipeline() closes files, and a WeakMap<Socket, {name, at}[]> keeps what each connection downloaded: a record per download stays for as long as the connection does, the very leak the README's 'records kept on a connection' line describes, moved off the socket's properties into a WeakMap keyed by it.
 * Proof: drv/drive-rec.mjs ka (1500 downloads over one kept-alive connection): heap +329 B per download vs +143 B for alternative-abortsignal-async-iterator; the array for that socket holds one record per download until it closes.
 * Check: PASS (records on the connection 0, collections 0: 8 entries < 17). WRONG VERDICT (by the README's own rule for per-connection records).
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
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
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';

const app = express();

/** What each connection downloaded, to spot players that re-request the same file. Weak: it goes with the connection. */
const history = new WeakMap<Socket, { name: string; at: number }[]>();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  let seen = history.get(req.socket);
  if (!seen) history.set(req.socket, (seen = []));
  seen.push({ name, at: Date.now() });
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
