/**
 * A node:http service that reads a small file for every request with the
 * synchronous fs calls, and forgets to close it on one path: a descriptor
 * leaks per request and nothing stays on the heap (an fd is a number).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const TEMPLATE = fileURLToPath(new URL('./sessions/cart-item.json', import.meta.url));

export default http.createServer((req, res) => {
  const fd = openSync(TEMPLATE, 'r');
  const buffer = Buffer.alloc(256);
  const bytes = readSync(fd, buffer, 0, buffer.length, 0);
  if (req.url?.includes('preview')) {
    res.end(buffer.subarray(0, Math.min(bytes, 16)));
    return; // the early return skips closeSync
  }
  closeSync(fd);
  res.end(buffer.subarray(0, bytes));
});
