/**
 * INTENDED: Subscribe before the read (so a change during the read counts too), then after the read use finished(res) to remove the listener; finished() even calls back at once if the client already hung up.
 * ACTUALLY: LEAKS. If readStoredFile throws (404 missing document, 400 bad name, 500 read error) the handler never reaches finished(): the listener, its closure, the ServerResponse, the IncomingMessage and the Socket stay forever, one set per failed request. Anyone who requests missing names grows the process.
 * PROOF: 404 x20 + errors x6 -> listeners +26, ServerResponse +26, IncomingMessage +26, Socket +26 (all other traffic: 0). MaxListenersExceededWarning comes back. Volume: 2,000 404s -> listeners +2000, ServerResponse +2000, heapUsed +13.6 MiB (~7 KB per 404). Feature F1-F6 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: PASS (listeners 0, bytes 0 B, responses 0). WRONG: the measured traffic has no 404s or failed reads, so a leak on the error path passes.
 * Now caught: the traffic asks for 24 missing documents and a refused name (FAIL, 25 listeners, 25 responses).
 */
import express from 'express';
import { finished } from 'node:stream';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;

  // subscribe before reading, so a change while the file is read counts too
  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.on('changed', onFileChanged);

  const file = await readStoredFile(name);
  // finished() also calls back at once if the client is already gone
  finished(res, () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
