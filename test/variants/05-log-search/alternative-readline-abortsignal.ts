/**
 * alternative. Streams the log with readline over openStoredFile in a for await loop; an AbortController fired by the response's 'close' is attached to the file stream with addAbortSignal, which destroys it (and closes the log) when the client leaves; IDs copied with structuredClone.
 * Proof: /work/rt/b/drive05.mts: heapUsed 7.7 -> 8.8 MiB, flat over 3 rounds and after idle; access.log fds 0 throughout 15 abandoned searches; answers, order and 400/404/400 all match the model.
 * Check: PASS ('yours 21.8 KiB', 'yours 0' fds). RIGHT VERDICT
 */
/**
 * Log search for the support desk. When a customer reports an error, support
 * searches the web servers' access logs for the failed requests
 * (GET /logs/:name/search?status=500&path=/api/) and quotes their request
 * IDs to the developers. The IDs found lately stay at hand for the next
 * ticket: GET /logs/recent-request-ids.
 */
import express from 'express';
import { addAbortSignal } from 'node:stream';
import { createInterface } from 'node:readline';
import { checkFileName, openStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const RECENT_LIMIT = 500;
/** The request IDs found by the latest searches, oldest first. Each one a string of its own. */
const recentRequestIds = new Set<string>();

function remember(requestId: string): void {
  recentRequestIds.delete(requestId);
  recentRequestIds.add(requestId);
  if (recentRequestIds.size > RECENT_LIMIT) recentRequestIds.delete(recentRequestIds.values().next().value!);
}

// 203.0.113.7 - - [24/Nov/2026:06:00:00 +0000] "GET /files/a.pdf HTTP/1.1" 500 48213 "-" "curl/8.5.0" req=0123456789abcdef01234567 rt=0.041
const LOG_LINE = /^\S+ \S+ \S+ \[[^\]]+\] "\w+ (\S+) [^"]*" (\d{3}) .* req=(\w+)/;

app.get('/logs/:name/search', async (req, res) => {
  const name = checkFileName(req.params.name);
  const status = String(req.query.status ?? '');
  const pathPrefix = String(req.query.path ?? '');
  if (!/^\d{3}$/.test(status)) {
    res.status(400).json({ error: 'give the status to look for: ?status=500' });
    return;
  }
  // The client may leave while we read: the abort destroys the file stream (and closes the log).
  const gone = new AbortController();
  res.on('close', () => { if (!res.writableFinished) gone.abort(); });
  const input = await openStoredFile(name);
  if (res.destroyed) { input.destroy(); return; } // left while the log was being opened
  addAbortSignal(gone.signal, input);
  const requestIds: string[] = [];
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      const match = LOG_LINE.exec(line);
      if (!match || match[2] !== status || !match[1]!.startsWith(pathPrefix)) continue;
      const requestId = structuredClone(match[3]!); // a copy: neither a slice of the line nor of the chunk
      requestIds.push(requestId);
      remember(requestId);
    }
  } catch (error) {
    if (gone.signal.aborted) return;
    throw error;
  }
  if (gone.signal.aborted) return;
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: [...recentRequestIds] });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/logs/access.log/search?status=500');
