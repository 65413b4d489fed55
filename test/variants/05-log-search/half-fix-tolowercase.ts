/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: toLowerCase() to get a fresh string (nodejs/help#1810)
 * Actually: the IDs are already lower-case hex, so V8 returns the very same sliced string: nothing is copied
 * Proof:    t05: heapUsed +160.6 MiB after 12 searches (server.ts +160.5 MiB)
 * On Node 24 toLowerCase() answers a flat copy (%DebugPrint), so there it fixes the leak and the check PASSes it
 * (VERDICT_FROM_NODE in checker/bench-variants.ts).
 * The same code (comments aside) was also written, blind, as half-fix-tolowercase-r14.ts; it is checked once, here. Its notes:
 *   half-fix. "Copies" each ID with toLowerCase() (the nodejs/help#1810 workaround). On Node 20 (V8 11.3) toLowerCase() of a string already in lower case returns the very same sliced string (same address in %DebugPrint), so nothing changes: every search's log stays.
 *   Proof: %DebugPrint shows s.toLowerCase(), String(s), s.trim(), s.normalize(), `${s}`, s+'' all return the same object; /work/rt/b/drive05.mts: heapUsed 7.7 -> 177.1 (round 1) -> 296.4 MiB (round 3 and after idle + gc).
 *   Check: FAIL on 'strings kept after the searches: yours 48.0 MiB'. RIGHT VERDICT
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
    // toLowerCase() makes a fresh string (nodejs/help#1810), and IDs are hex anyway
    remember(requestId!.toLowerCase());
  }
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: [...recentRequestIds] });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/logs/access.log/search?status=500');
