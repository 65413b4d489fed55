/*
 * RED-TEAM VARIANT (alternative)
 * Intended: never hold the whole log: read it with readline, match line by line, copy each ID via latin1 Buffer
 * Actually: peak heap is one line, retained is 500 short strings
 * Proof:    t05: heapUsed +0.7 MiB after 12 searches; all search bodies and the recent list identical to server.ts; 400/404/400 kept
 */
/**
 * Log search for the support desk. When a customer reports an error, support
 * searches the web servers' access logs for the failed requests
 * (GET /logs/:name/search?status=500&path=/api/) and quotes their request
 * IDs to the developers. The IDs found lately stay at hand for the next
 * ticket: GET /logs/recent-request-ids.
 */
import express from 'express';
import { checkFileName } from '#service/storage';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FILES_DIR, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const RECENT_LIMIT = 500;
/** The request IDs found by the latest searches, oldest first. */
const recentRequestIds = new Set<string>();

function remember(requestId: string): void {
  recentRequestIds.delete(requestId);
  recentRequestIds.add(requestId);
  if (recentRequestIds.size > RECENT_LIMIT) recentRequestIds.delete(recentRequestIds.values().next().value!);
}

// 203.0.113.7 - - [24/Nov/2026:06:00:00 +0000] "GET /files/a.pdf HTTP/1.1" 500 48213 "-" "curl/8.5.0" req=0123456789abcdef01234567 rt=0.041
const LOG_LINE = /^\S+ \S+ \S+ \[[^\]]+\] "\w+ (\S+) [^"]*" (\d{3}) .* req=(\w+)/gm;
const LINE = /^\S+ \S+ \S+ \[[^\]]+\] "\w+ (\S+) [^"]*" (\d{3}) .* req=(\w+)/;

app.get('/logs/:name/search', async (req, res) => {
  const name = checkFileName(req.params.name);
  const status = String(req.query.status ?? '');
  const pathPrefix = String(req.query.path ?? '');
  if (!/^\d{3}$/.test(status)) {
    res.status(400).json({ error: 'give the status to look for: ?status=500' });
    return;
  }
  // read the log line by line: no string of the whole log, and an ID can only keep its own short line
  await storedFileSize(name); // 404 before we open anything
  const lines = createInterface({ input: createReadStream(path.join(FILES_DIR, name), 'utf8'), crlfDelay: Infinity });
  const requestIds: string[] = [];
  for await (const line of lines) {
    LINE.lastIndex = 0;
    const match = LINE.exec(line);
    if (!match) continue;
    const [, linePath, lineStatus, requestId] = match;
    if (lineStatus !== status || !linePath!.startsWith(pathPrefix)) continue;
    const id = Buffer.from(requestId!, 'latin1').toString('latin1');
    requestIds.push(id);
    remember(id);
  }
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: [...recentRequestIds] });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/logs/access.log/search?status=500');
