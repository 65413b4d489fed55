/**
 * INTENDED: The correct pipeline/FileHandle fix plus a shortcut: `if (req.method === 'HEAD') { res.end(); return; }` after the handle is opened.
 * ACTUALLY: LEAKS one FileHandle per HEAD request (Express routes HEAD through the GET handler); closed only by GC.
 * PROOF: prove.mjs 07 (sends 3 HEAD): 60 opened, 57 closed by code, 3 closed only by GC (one per HEAD).
 * Check: PASS (yours 0). WRONG (coverage gap): scenario 07's traffic sends no HEAD, so a HEAD-only leak passes. Scenario 11 does send HEAD and catches the same mistake (see 11/half-fix-head-forgotten).
 * Now caught: 07's traffic asks HEAD twice a round (FAIL, 10 handles closed by the garbage collector).
 */
import express from 'express';
import path from 'node:path';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { FILES_DIR, checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// pipeline fix, plus a HEAD shortcut (no body to stream) that forgets the handle
app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const handle = await open(path.join(FILES_DIR, name), 'r');
  if (res.destroyed) { await handle.close(); return; }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  if (req.method === 'HEAD') { res.end(); return; }
  try {
    await pipeline(handle.createReadStream({ end: Math.max(size - 1, 0) }), res);
  } catch (error) {
    if (!res.headersSent) next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
