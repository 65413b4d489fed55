/**
 * A small JSON service written with node:http alone (no Express), in plain
 * JavaScript, exporting its http.Server. It keeps every request it answered
 * "for debugging": a log that nothing ever trims.
 */
import http from 'node:http';

const requestLog = [];

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    requestLog.push({ method: req.method, url: req.url, headers: { ...req.headers }, body, at: new Date() });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, received: body.length, served: requestLog.length }));
  });
});

export default server;
