/**
 * Scenario 05, fixed another way: the ID is glued to a space, which makes V8
 * build a new flat string of 25 characters, and sliced from that. The kept
 * ID is still a sliced string, but of a 25-character parent. Must pass.
 */
import express from 'express';
import { checkFileName } from '#service/storage';
import { readStoredText } from '#service/text-files';
import { answerErrors } from '#service/http-errors';

const app = express();

const RECENT_LIMIT = 500;
/** The request IDs found by the latest searches, oldest first. */
const recentRequestIds = new Set<string>();

function remember(match: string): void {
  const requestId = (' ' + match).slice(1);
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
    remember(requestId!);
  }
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: [...recentRequestIds] });
});

app.use(answerErrors);

export default app;

