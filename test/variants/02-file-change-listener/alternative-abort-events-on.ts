/**
 * INTENDED/ACTUAL: correct fix with AbortController + events.on(): an AbortController per download, aborted
 *   by stream.finished(res) whenever the response ends in any way (finished() also settles for a response
 *   that is already closed). The `changed` listener is an async iterator on fileEvents that the signal
 *   removes. Everything is set up before the read, and nothing closes over the file's bytes.
 * PROOF: 0 listeners in every phase; both video downloads cut, photo-1 complete. Check: PASS quiet and loaded.
 */
import express from 'express';
import { on } from 'node:events';
import { finished } from 'node:stream/promises';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

async function cutOffWhenChanged(name: string, destroy: () => void, signal: AbortSignal): Promise<void> {
  for await (const [changed] of on(fileEvents, 'changed', { signal })) {
    if (changed === name) {
      console.warn(`${name} changed during a download; cutting it off`);
      destroy();
      return;
    }
  }
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const done = new AbortController();
  finished(res).catch(() => {}).finally(() => done.abort());
  cutOffWhenChanged(name, () => res.destroy(), done.signal).catch(() => {});

  const file = await readStoredFile(name);
  if (res.destroyed) return;
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
