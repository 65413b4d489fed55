/**
 * The same node:http service as plain-http-leaky.js, keeping only counts per
 * method: what it keeps does not grow with the traffic.
 */
import http from 'node:http';

const served = new Map();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    served.set(req.method, (served.get(req.method) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, received: body.length, served: served.get(req.method) }));
  });
});

export default server;
