/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: store a detached copy (latin1 Buffer round trip) of every new ID
 * Actually: only the 'new ID' branch copies; an ID that is found again is moved to the end with the fresh slice of the new log, so every repeated or overlapping search pins its 16 MiB log
 * Proof:    handtest/t05b.ts: +0.4 MiB after the check's 3 searches, +16.5 MiB after 3 repeats of status=500&path=/files/invoice-1 (json fix +0.2); t05 (9 different narrow searches): +144.2 MiB; results identical
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

/** A copy of a short string that shares no memory with the text it was cut from. */
function detached(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

function remember(requestId: string): void {
  // already in the list: just move it to the end
  if (recentRequestIds.delete(requestId)) {
    recentRequestIds.add(requestId);
    return;
  }
  // new ID: store a detached copy, never a slice of the log
  recentRequestIds.add(detached(requestId));
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
