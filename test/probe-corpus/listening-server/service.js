// The orders API: every request is kept in an audit trail that is never trimmed.
const http = require('node:http');

const auditTrail = [];

const server = http.createServer((req, res) => {
  auditTrail.push({ url: req.url, headers: { ...req.headers }, at: Date.now(), note: Array.from({ length: 800 }, (_, i) => `${req.method} ${req.url} ${i}`).join(';') });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ order: req.url.split('/').pop() }));
});

server.listen(Number(process.env.PORT ?? 3000));

module.exports = server;
