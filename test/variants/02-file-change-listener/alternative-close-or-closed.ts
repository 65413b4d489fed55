/**
 * Scenario 02, fixed another way: the listener goes on the response's
 * 'close', or at once if the response closed already, while the file was
 * read. Must pass.
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
  // The client may have left while the file was read: then 'close' has come and gone.
  if (res.closed) fileEvents.off('changed', onFileChanged);

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;
