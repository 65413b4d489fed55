/**
 * Alternative fix: the listener goes a little after the download ends (a
 * cleanup batched with others, 100 ms later), not at once. Correct: nothing
 * stays for good; the check gives a server's resources up to a second to be
 * let go of, and reads the heap again once they are (the first snapshot, taken
 * while the listeners were still there, would hold their closures).
 */
import express from 'express';
import { finished } from 'node:stream';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Listeners of downloads that ended, removed together a moment later. */
const toRemove = new Set<(changed: string) => void>();
let sweep: NodeJS.Timeout | null = null;

function removeSoon(listener: (changed: string) => void): void {
  toRemove.add(listener);
  sweep ??= setTimeout(() => {
    for (const done of toRemove) fileEvents.off('changed', done);
    toRemove.clear();
    sweep = null;
  }, 400);
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);
  finished(res, () => removeSoon(onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
