/**
 * A busier Express service that keeps nothing per request: JSON bodies, a
 * gzip-compressed report built fresh for every request (zlib, crypto, many
 * short-lived objects), 404s. Probed with few rounds, so the floor is low and
 * V8's own allocations (literal boilerplates, compiled code) must not pass for growth.
 */
import express from 'express';
import { createGzip } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
const app = express();
app.use(express.json());
const counts = new Map<string, number>();
app.get('/report/:id', (req, res) => {
  counts.set(req.method, (counts.get(req.method) ?? 0) + 1);
  const rows = Array.from({ length: 2000 }, (_, i) => ({ id: `${req.params.id}-${i}`, uuid: randomUUID(), at: new Date().toISOString() }));
  res.set('content-encoding', 'gzip').type('json');
  pipeline(Readable.from([JSON.stringify(rows)]), createGzip(), res, () => undefined);
  // (a pipeline error has already destroyed the response; nothing else to do)
});
app.post('/echo', (req, res) => { res.json({ got: req.body, headers: req.headers }); });
app.get('/missing/:x', (_req, res) => { res.status(404).json({ error: 'no' }); });
export default app;
