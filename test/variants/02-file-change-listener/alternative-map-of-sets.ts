/**
 * alternative. One listener on fileEvents and a Map from name to a Set of responses in flight; each response leaves via stream/promises finished(res) (rejections for hang-ups swallowed), and a name leaves with its last download; early hang-ups are skipped before tracking.
 * Proof: /work/rt/c/drive02.mjs, 3 rounds: 0 listeners, 0 responses, 0 MiB; 2,400 distinct 404s: no name kept (heap +1,747 KiB, the baseline); every contract case right.
 * Check: PASS (all four lines green). RIGHT VERDICT
 */
import express from 'express';
import { finished } from 'node:stream/promises';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** The responses in flight, by document name; a name leaves with its last download. */
const inFlight = new Map<string, Set<express.Response>>();

fileEvents.on('changed', (changed: string) => {
  for (const res of inFlight.get(changed) ?? []) {
    if (res.writableFinished) continue;
    console.warn(`${changed} changed during a download; cutting it off`);
    res.destroy();
  }
});

function track(name: string, res: express.Response): void {
  let downloads = inFlight.get(name);
  if (!downloads) inFlight.set(name, (downloads = new Set()));
  downloads.add(res);
  finished(res)
    .catch(() => {}) // a client that hung up: over all the same
    .finally(() => {
      downloads.delete(res);
      if (downloads.size === 0 && inFlight.get(name) === downloads) inFlight.delete(name);
    });
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  if (res.destroyed || req.destroyed) return; // the client hung up while the file was read
  track(name, res);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
