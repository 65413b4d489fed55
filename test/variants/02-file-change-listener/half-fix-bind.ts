/**
 * INTENDED: on(..., cutOff.bind(ctx)) and off(..., cutOff.bind(ctx)) on res 'close'.
 * ACTUALLY: LEAKS every download: each .bind() creates a new function, so off() removes nothing.
 * PROOF: complete x24 -> listeners +24, ServerResponse +24; +44 after all traffic.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (listeners 28, bytes 0 B, responses 28). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

function cutOff(this: { name: string; res: express.Response }, changed: string) {
  if (changed === this.name && !this.res.writableFinished) this.res.destroy();
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  fileEvents.on('changed', cutOff.bind({ name, res }));
  res.once('close', () => fileEvents.off('changed', cutOff.bind({ name, res })));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
