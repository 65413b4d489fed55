/**
 * INTENDED: the textbook fix: remove the listener on the response's 'close' (which comes
 *   after 'finish' and also when the client hangs up).
 * ACTUALLY: the listener and its 'close' handler are registered after `await
 *   readStoredFile(name)`. A client that hangs up while the file is being read has already
 *   fired 'close' (it never comes again), so that download's listener, response and whole
 *   file stay on fileEvents for ever. The slower the disk, the more of them.
 * PROOF: driver.mjs (real HTTP; 16 complete downloads + 8 on one kept-alive connection, 2 video hang-ups after 1 MiB, 2 hang-ups during a 400 ms slowed read, 24 missing + .env, then 20k distinct missing names, then paused-client feature tests with fileEvents.emit via IPC): listener delta 0 after complete and mid-transfer aborts, 2 after the 2 hang-ups during the slowed read, still 2 at the end; features intact.
 * Check: FAIL (2 listeners, 2 responses, line 25). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.on('changed', onFileChanged);
  res.on('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
