/**
 * A server whose crash starts inside Node: a ping to a metrics agent that is not
 * running, with no 'error' listener. The error is made by Node's socket code, so
 * none of the server's files is on its stack.
 */
import express from 'express';
import http from 'node:http';
import { readStoredFile } from '#service/storage';

const app = express();

app.get('/files/:name', async (req, res) => {
  // Port 1 on loopback: nothing listens there.
  http.get('http://127.0.0.1:1/metrics/download');
  res.send(await readStoredFile(req.params.name));
});

export default app;
