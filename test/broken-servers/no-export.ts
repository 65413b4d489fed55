/** A server module that forgot to export its app. */
import express from 'express';

const app = express();
app.get('/files/:name', (_req, res) => void res.send('ok'));
