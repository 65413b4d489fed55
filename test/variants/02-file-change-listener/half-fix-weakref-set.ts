/**
 * INTENDED: One shared listener and a Set of {name, WeakRef(res)}; the registry 'cannot keep a response alive', and dead entries are pruned in the listener.
 * ACTUALLY: LEAKS (slowly). Pruning only happens when a 'changed' event fires; between changes every download adds one {name, WeakRef} entry that is never removed. Responses themselves are collected, so nothing the check counts stays; the Set grows by one entry per download for as long as no document changes (hours/days in practice).
 * PROOF: After the traffic: WeakRef +44, listeners 0, ServerResponse 0. Volume: 5,000 HEAD -> WeakRef +5000, heapUsed +1.23 MiB vs +0.58 MiB for the correct registry (~130 B/download more); drops to 0 only after a 'changed' event. Feature F1-F6 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL: a check keeps WeakRefs to responses full (whether the collector
 *   ever empties one is its own business), so the Set's entries hold every
 *   response they name, and the check follows them to `inFlight`. RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// one listener; the downloads in flight held weakly, so the registry cannot keep a response alive
const inFlight = new Set<{ name: string; ref: WeakRef<express.Response> }>();
fileEvents.on('changed', (changed: string) => {
  for (const d of inFlight) {
    const res = d.ref.deref();
    if (!res || res.writableFinished) { inFlight.delete(d); continue; } // prune the dead ones
    if (d.name === changed) res.destroy();
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  inFlight.add({ name, ref: new WeakRef(res) });
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
