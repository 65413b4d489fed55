/** A server that listens on a fixed port as soon as it is loaded. */
import express from 'express';
import { readStoredFile } from '#service/storage';

const app = express();

app.get('/files/:name', async (req, res) => {
  res.send(await readStoredFile(req.params.name));
});

app.listen(3000, () => console.log('listening on 3000'));

export default app;
