/**
 * Scenario 05 without its recent list: nothing is kept, so nothing leaks, but
 * support loses the IDs it found. Must fail the contract only.
 */
import express from 'express';
import { checkFileName } from '#service/storage';
import { readStoredText } from '#service/text-files';
import { answerErrors } from '#service/http-errors';

const app = express();

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
  }
  res.json({ log: name, status, path: pathPrefix, matches: requestIds.length, requestIds });
});

app.get('/logs/recent-request-ids', (req, res) => {
  res.json({ requestIds: [] });
});

app.use(answerErrors);

export default app;

