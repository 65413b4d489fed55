/**
 * Scenario 02, fixed another way: stream.finished() removes the listener when
 * the response ends or fails, whichever comes first. Must pass.
 */
import express from 'express';
import { finished } from 'node:stream';
import { fileEvents, readStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

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
  finished(res, () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;
