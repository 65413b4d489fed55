/**
 * HALF FIX: pipeline() closes every file, and a small progress tracker keeps bytes sent per download id
 * in a Map of numbers. The Map is private to a closure (the tracker is built by a factory function), and
 * an entry is deleted on 'finish' only: every aborted download's entry stays for ever. Same leak as the
 * README's `bytesSent → Map`, but held through a closure context instead of a module-level variable.
 * Proof: drive.mts + hook.mts: 400 more aborted videos -> tracker.size() 43 -> 443. Check: PASS (wrong).
 * Check after round 12's fix of 07 and 11: FAIL on collections grown past the downloads in flight (tracker → Object → size() → scope: sent → Map: a factory's scope made at load and kept by module state is module state). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

function createProgressTracker() {
  const sent = new Map<number, number>();
  let nextId = 0;
  return {
    start: () => {
      const id = nextId++;
      sent.set(id, 0);
      return id;
    },
    add: (id: number, n: number) => sent.set(id, (sent.get(id) ?? 0) + n),
    done: (id: number) => sent.delete(id),
    size: () => sent.size,
  };
}
export const tracker = createProgressTracker();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  const id = tracker.start();
  file.on('data', (chunk) => tracker.add(id, chunk.length));
  res.on('finish', () => tracker.done(id));
  pipeline(file, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
