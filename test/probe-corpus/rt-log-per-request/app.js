import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Export service: each export request appends a line to the tenant's export
// log and returns the CSV.
const LOG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'exports-'));

function appendExportLog(tenant, line) {
  const fd = fs.openSync(path.join(LOG_DIR, `${tenant}.log`), 'a');
  fs.writeSync(fd, line + '\n');
  // fs.closeSync(fd) happens in the log rotation job
}

export default function handler(req, res) {
  const m = req.url.match(/^\/tenants\/(\w+)\/export\.csv/);
  if (!m) { res.writeHead(404).end(); return; }
  const rows = ['id,name,amount'];
  for (let i = 0; i < 100; i++) rows.push(`${i},item-${i},${(i * 3.7).toFixed(2)}`);
  appendExportLog(m[1], `${new Date().toISOString()} export rows=${rows.length - 1}`);
  res.writeHead(200, { 'content-type': 'text/csv' }).end(rows.join('\n'));
}
