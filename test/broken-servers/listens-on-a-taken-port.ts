/** A server that listens at load time on a port another program already holds. */
import express from 'express';

const app = express();
app.get('/files/:name', (_req, res) => void res.send('ok'));

app.listen(Number(process.env.TAKEN_PORT), '127.0.0.1');

export default app;
