/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: build a new string with a template literal `${id}`
 * Actually: a template with a single string substitution returns the same string object
 * Proof:    t05: heapUsed +160.5 MiB after 12 searches
 * The same code (comments aside) was also written, blind, as half-fix-template-copy.ts; it is checked once, here. Its notes:
 *   INTENDED: store a copy of each request ID, not a view into the log: remember(`${requestId}`).
 *   ACTUALLY: a template literal with a single substitution returns the same string (V8 does not copy it):
 *   every ID is still a sliced string whose parent is the whole 16 MiB log.
 *   PROOF: heap +32.6 MiB after the five searches (two logs kept). Check: FAIL 32.0 MiB.
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
  recentRequestIds.delete(requestId);
  recentRequestIds.add(requestId);
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
    // build a new string for the Set
    remember(`${requestId}`);
  }
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: [...recentRequestIds] });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/logs/access.log/search?status=500');
