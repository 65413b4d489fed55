/**
 * Scenario 02, half fixed: the download takes its listener back on the
 * response's 'close'. But both are added after `await readStoredFile(…)`: a
 * client that hangs up while the file is read has closed the response
 * already, 'close' never comes again, and the listener stays with the whole
 * file in its closure. Must fail on memory.
 */
import express from 'express';
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
  res.on('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;
