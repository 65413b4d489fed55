/**
 * INTENDED/ACTUAL: correct fix that never makes a string of the log: the log is read as a Buffer, scanned
 *   line by line with indexOf; only each line's fields are decoded, and the ID is decoded from its own bytes
 *   (buf.toString('latin1', from, to)), so it is a fresh 24-char string with no parent. Recent IDs live in a
 *   small class (a Map used as an ordered set).
 * PROOF: heap +0.4 MiB, fds +0, +0.1 MiB over five daily logs; answers identical. Check: PASS.
 */
import express from 'express';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

class RecentIds {
  private readonly ids = new Map<string, true>();
  constructor(private readonly limit: number) {}
  remember(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, true);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.keys().next().value!);
  }
  list(): string[] {
    return [...this.ids.keys()];
  }
}
const recentRequestIds = new RecentIds(500);

// 203.0.113.7 - - [24/Nov/2026:06:00:00 +0000] "GET /files/a.pdf HTTP/1.1" 500 48213 "-" "curl/8.5.0" req=0123456789abcdef01234567 rt=0.041
const LOG_LINE = /^\S+ \S+ \S+ \[[^\]]+\] "\w+ (\S+) [^"]*" (\d{3}) .* req=(\w+)/d;
const NEWLINE = 0x0a;

app.get('/logs/:name/search', async (req, res) => {
  const name = checkFileName(req.params.name);
  const status = String(req.query.status ?? '');
  const pathPrefix = String(req.query.path ?? '');
  if (!/^\d{3}$/.test(status)) {
    res.status(400).json({ error: 'give the status to look for: ?status=500' });
    return;
  }
  const log = await readStoredFile(name);
  const requestIds: string[] = [];
  for (let start = 0; start < log.length; ) {
    let end = log.indexOf(NEWLINE, start);
    if (end === -1) end = log.length;
    const line = log.toString('utf8', start, end);
    const match = LOG_LINE.exec(line);
    if (match && match[2] === status && match[1]!.startsWith(pathPrefix)) {
      const [from, to] = match.indices![3]!;
      const lineBytes = log.subarray(start, end);
      const byteFrom = Buffer.byteLength(line.slice(0, from));
      const requestId = lineBytes.toString('latin1', byteFrom, byteFrom + (to - from));
      requestIds.push(requestId);
      recentRequestIds.remember(requestId);
    }
    start = end + 1;
  }
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: recentRequestIds.list() });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/logs/access.log/search?status=500');
