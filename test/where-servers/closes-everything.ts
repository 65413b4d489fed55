/** Opens, starts and adds everything the other servers here leak, and lets go of all of it before answering. */
import { createReadStream } from 'node:fs';
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { fileEvents } from '#service/storage';

const SOURCE = fileURLToPath(import.meta.url);

export default http.createServer(async (_req, res) => {
  fs.closeSync(fs.openSync(SOURCE, 'r'));
  const stream = createReadStream(SOURCE);
  stream.resume();
  await new Promise<void>((resolve) => stream.once('close', () => resolve()));
  // Last: an open after it would be given the same number, and its record would hide a close the harness missed.
  await (await open(SOURCE)).close();
  clearInterval(setInterval(() => undefined, 60_000).unref());
  const onChanged = () => undefined;
  fileEvents.on('changed', onChanged);
  fileEvents.off('changed', onChanged);
  res.end('done');
});
