/**
 * CONTRACT BREAK: pipeline() in both branches (no leak), but the negotiation was "simplified" to
 * `/\bgzip\b/.test(req.headers['accept-encoding'])`. A client that says it does NOT accept gzip
 * (`Accept-Encoding: gzip;q=0, identity`, RFC 9110 q=0 means "not acceptable") gets a gzipped body it
 * cannot read, without content-length. README: "a client that does not accept gzip gets the exact file
 * with its content-length". Proof: drive.mts contract: AE="gzip;q=0, identity" -> content-encoding gzip, 2,937,227 bytes, no
 * content-length. Check: PASS (wrong).
 * Verdict after the fix: FAIL on the contract (RIGHT): `Accept-Encoding: gzip;q=0, identity` gets gzip, without a
 *   content-length, instead of the plain file with its length. Every measure passes.
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
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const done = (error: Error | null | undefined) => {
      if (error && !res.headersSent) next(error);
    };
  if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
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
