/**
 * alternative. Recent list as an lru-cache LRUCache({ max: 500 }) (set() of a known ID makes it most recent, rkeys() lists oldest first); each ID made independent with (' ' + id).slice(1).
 * Proof: /work/rt/b/drive05.mts: heapUsed 7.9 MiB at baseline, 8.7 MiB after 3 rounds + idle + gc; recent list equals the model every round; fds back to 0.
 * Check: PASS ('yours 41.2 KiB', bar 93.8 KiB). RIGHT VERDICT
 */
/**
 * Log search for the support desk. When a customer reports an error, support
 * searches the web servers' access logs for the failed requests
 * (GET /logs/:name/search?status=500&path=/api/) and quotes their request
 * IDs to the developers. The IDs found lately stay at hand for the next
 * ticket: GET /logs/recent-request-ids.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { checkFileName } from '#service/storage';
import { readStoredText } from '#service/text-files';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const RECENT_LIMIT = 500;
/** The request IDs found by the latest searches, oldest first. */
const recentRequestIds = new LRUCache<string, true>({ max: RECENT_LIMIT });

function remember(requestId: string): void {
  // (' ' + id).slice(1): a new string built from a 25-character copy, not a view into the log.
  recentRequestIds.set((' ' + requestId).slice(1), true); // set() of a known ID makes it the most recent
}

// 203.0.113.7 - - [24/Nov/2026:06:00:00 +0000] "GET /files/a.pdf HTTP/1.1" 500 48213 "-" "curl/8.5.0" req=0123456789abcdef01234567 rt=0.041
const LOG_LINE = /^\S+ \S+ \S+ \[[^\]]+\] "\w+ (\S+) [^"]*" (\d{3}) .* req=(\w+)/gm;

app.get('/logs/:name/search', async (req, res) => {
  const name = checkFileName(req.params.name);
  const status = String(req.query.status ?? '');
  const pathPrefix = String(req.query.path ?? '');
  if (!/^\d{3}$/.test(status)) {
    res.status(400).json({ error: 'give the status to look for: ?status=500' });
    return;
  }
  const log = await readStoredText(name);
  const requestIds: string[] = [];
  for (const [, path, lineStatus, requestId] of log.matchAll(LOG_LINE)) {
    if (lineStatus !== status || !path!.startsWith(pathPrefix)) continue;
    requestIds.push(requestId!);
    remember(requestId!);
  }
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: [...recentRequestIds.rkeys()] }); // least recent first
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/logs/access.log/search?status=500');
