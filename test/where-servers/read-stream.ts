/** Starts a read stream of its own source for every request and never reads or destroys it. */
import { createReadStream, type ReadStream } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(import.meta.url);
const streams: ReadStream[] = [];

export default http.createServer((_req, res) => {
  const stream = createReadStream(SOURCE);
  streams.push(stream);
  stream.once('open', () => res.end('opened'));
});
