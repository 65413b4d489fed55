/**
 * INTENDED: One shared listener and a Map name -> Set of responses; the bucket is created before the read, each response leaves its Set on 'close'.
 * ACTUALLY: LEAKS. Empty buckets are never deleted: every distinct name ever requested (each 404 and bad name too) leaves a Map entry with an empty Set. Responses are released, so nothing the check counts stays; a crawler or an attacker requesting random names grows the Map without bound.
 * PROOF: After the traffic: Set +34 (one per distinct name incl. 20 404 names and 6 error names), listeners 0, ServerResponse 0. Volume: 20,000 distinct 404s -> Set +20000, heapUsed +5.5 MiB vs +0.35 MiB for the correct registry (~260 B per name). Feature F1-F6 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: PASS (0 / 0 B / 0). WRONG: a registry that grows per name (not per response) is invisible to the three measures, and the traffic has no 404s anyway.
 * Now caught: a guard measure counts the names of missing documents kept (FAIL, 24 of 24).
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// one listener for the whole service; the downloads in flight, by document
const inFlight = new Map<string, Set<express.Response>>();
fileEvents.on('changed', (changed: string) => {
  for (const res of inFlight.get(changed) ?? []) if (!res.writableFinished) res.destroy();
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let downloads = inFlight.get(name);
  if (!downloads) inFlight.set(name, (downloads = new Set()));

  downloads.add(res);
  res.once('close', () => downloads.delete(res)); // finished, hung up or failed: it leaves

  const file = await readStoredFile(name);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
