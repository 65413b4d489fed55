import http from 'node:http';

// Streams a CSV export; if the process is asked to stop mid-export, we log
// which export was cut short.
export default function handler(req, res) {
  const m = req.url.match(/^\/exports\/(\w+)\.csv/);
  if (!m) { res.writeHead(404).end(); return; }
  const exportInfo = { id: m[1], startedAt: new Date(), client: req.socket.remoteAddress, query: req.url };
  process.on('SIGTERM', () => {
    console.error(`export ${exportInfo.id} interrupted by shutdown`);
  });
  res.writeHead(200, { 'content-type': 'text/csv' });
  for (let i = 0; i < 200; i++) res.write(`${i},${exportInfo.id},${i * 2}\n`);
  res.end();
}
