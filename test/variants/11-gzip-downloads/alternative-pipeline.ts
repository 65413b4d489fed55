/**
 * Blind red team, round 10 (a correct fix, proven by hand with the team's own driver): correct fix: stream.pipeline(file, [gzip,] res) in both branches tears the whole chain down however the response ends (also when it had closed during the awaits)
 * Check: PASS: every measure and the contract pass
 * On Node 24 a half fix: pipeline() into a response that closed during the awaits throws ERR_STREAM_UNABLE_TO_PIPE
 * and leaves the file open; the check FAILs it there on descriptors (VERDICT_FROM_NODE in checker/bench-variants.ts).
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const done = (err?: Error | null) => { if (err && !res.headersSent) next(err); };
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
