/** Opens its own source with fs/promises for every request and never closes the FileHandle. */
import { open } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(import.meta.url);
const handles: unknown[] = [];

async function openSource() {
  return open(SOURCE);
}

export default http.createServer(async (_req, res) => {
  // Kept, so that garbage collection does not close them behind the record's back.
  handles.push(await openSource());
  res.end('opened');
});
