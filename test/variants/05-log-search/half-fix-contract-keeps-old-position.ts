/**
 * half-fix. Copies every new ID (no leak), but returns early for an ID the list already holds instead of moving it to the end: a re-found ID keeps its old place, so the list is no longer the last 500 found, oldest first (and a re-found ID is evicted first).
 * Proof: /work/rt/b/drive05.mts compares GET /logs/recent-request-ids with a model of 'last 500 found, oldest first': 'WRONG recent list: got 411, want 411; first diff at 2' (rounds 2 and 3); heapUsed back to 8.4 MiB at the end (no leak).
 * Check: FAIL on 'the service must still do its job: GET /logs/recent-request-ids must list the last 500 request IDs ... oldest first'. RIGHT VERDICT
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
import { readStoredText } from '#service/text-files';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const RECENT_LIMIT = 500;
/** The request IDs found by the latest searches, oldest first. */
const recentRequestIds = new Set<string>();

function remember(requestId: string): void {
  if (recentRequestIds.has(requestId)) return; // already at hand, nothing to copy
  recentRequestIds.add(JSON.parse(JSON.stringify(requestId)) as string);
  if (recentRequestIds.size > RECENT_LIMIT) recentRequestIds.delete(recentRequestIds.values().next().value!);
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
  res.json({ requestIds: [...recentRequestIds] });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/logs/access.log/search?status=500');
