/**
 * half-fix. Reads the README's 'every search reads the log afresh' as the bug: caches one copy of each log, re-read when its size changes, warmed at start-up; IDs stay slices. On a static log only one (16 MiB) copy is kept, but a live access log grows between searches, every search re-reads it and the recent IDs keep every old copy: the original leak, unchanged.
 * Proof: /work/rt/b/drive05.mts with GROW=1 FG_FILES_DIR=/work/rt/b/files (a copy of access.log, one real log line appended before each search): heapUsed 23.9 MiB -> 136.5 -> 232.4 -> 328.5 MiB, 328.4 MiB after idle + gc. Without GROW (static log): flat 24.4 MiB, which is 16 MiB over a fixed server.
 * Check: PASS ('strings kept after the searches: yours 17.6 KiB'): the log string was created at start-up, before the traffic, so it is not counted, and the checked log never changes. WRONG VERDICT
 * Round 14: the check was changed for it: the log grows while the searches run (health checks no search asks for), as a web server's does, so a server that keeps the log it read last reads a new one for every search. FAIL now.
 */
/**
 * Log search for the support desk. When a customer reports an error, support
 * searches the web servers' access logs for the failed requests
 * (GET /logs/:name/search?status=500&path=/api/) and quotes their request
 * IDs to the developers. The IDs found lately stay at hand for the next
 * ticket: GET /logs/recent-request-ids.
 */
import express from 'express';
import { checkFileName, storedFileSize } from '#service/storage';
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
/**
 * Every search used to read the log afresh, and the recent list kept a copy of
 * the log per search. Keep one copy per log instead, read again only when the
 * log has grown, and warm it at start-up so the first search is fast too.
 */
const logCache = new Map<string, { size: number; text: string }>();
async function readLog(name: string): Promise<string> {
  const size = await storedFileSize(name);
  const cached = logCache.get(name);
  if (cached && cached.size === size) return cached.text;
  const text = await readStoredText(name);
  logCache.set(name, { size, text });
  return text;
}
readLog('access.log').catch(() => {});

const LOG_LINE = /^\S+ \S+ \S+ \[[^\]]+\] "\w+ (\S+) [^"]*" (\d{3}) .* req=(\w+)/gm;

app.get('/logs/:name/search', async (req, res) => {
  const name = checkFileName(req.params.name);
  const status = String(req.query.status ?? '');
  const pathPrefix = String(req.query.path ?? '');
  if (!/^\d{3}$/.test(status)) {
    res.status(400).json({ error: 'give the status to look for: ?status=500' });
    return;
  }
  const log = await readLog(name);
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
