/** Opens its own source with fs/promises for every request and lets go of the FileHandle without closing it: the collector closes it. */
import { open } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(import.meta.url);

async function peekAtSource(): Promise<number> {
  const handle = await open(SOURCE);
  return handle.fd;
}

export default http.createServer(async (_req, res) => {
  res.end(`opened ${await peekAtSource()}`);
});
