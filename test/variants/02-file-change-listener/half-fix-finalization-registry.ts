/**
 * INTENDED: never let the listener hold the response or the document: it
 *   reaches the response through a WeakRef, and a FinalizationRegistry takes
 *   the listener off fileEvents once the response has been collected.
 * ACTUALLY: LEAKS until a major GC: the Buffers and responses go, but one
 *   listener per download (every path) stays on fileEvents until V8 happens
 *   to collect that response and then runs the finalizer. A busy server with
 *   a calm old generation can go minutes without one; the listener list grows
 *   by one per download, the MaxListeners warning fires, and every `changed`
 *   calls them all.
 * PROOF: drive02.mts with no forced GC: 2 listeners at t+2 s, 0 at t+10 s
 *   (the traffic's 32 MiB Buffers make V8 collect often in a 10 MiB heap).
 *   steady02b.mts with a production-sized heap (1 M live objects, ~150 MiB)
 *   and no forced GC: 800 downloads leave 800 listeners, still 800 at t+5 s,
 *   MaxListenersExceededWarning fires; 0 only at t+30 s. With ~580 MiB of
 *   live heap: still 800 at t+30 s. Feature kept (cut on own file, not on another).
 * Check: passed (3 runs) while it ran the registry's callbacks: the server's heap is tiny and the check
 *   collects before it counts, so the finalizer had run first. The check withholds them now: FAIL, and the
 *   failing measure names the line that registered the clean-up.
 */
import express, { type Response } from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const unwatch = new FinalizationRegistry<(changed: string) => void>((listener) => {
  fileEvents.off('changed', listener);
});

function watch(name: string, res: Response): void {
  const response = new WeakRef(res);
  const onFileChanged = (changed: string) => {
    const live = response.deref();
    if (changed === name && live && !live.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off`);
      live.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);
  unwatch.register(res, onFileChanged);
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  watch(name, res);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
