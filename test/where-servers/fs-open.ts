/** Opens its own source with fs.open for every request and never closes it. */
import fs from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(import.meta.url);

export default http.createServer((_req, res) => {
  fs.open(SOURCE, 'r', (error) => res.end(error ? 'failed' : 'opened'));
});
