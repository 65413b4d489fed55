/**
 * half-fix. Keys by name (query strings hit) but keeps the cache unbounded, storing each file as a latin1 string instead of a Buffer: the same 146 MiB stay, as external one-byte strings instead of ArrayBuffers.
 * Proof: /work/rt/a/d01.mjs: arrayBuffers flat (+0.05 MiB) but external +88.3 MiB after the album, +152.3 MiB after logs+video and to the end; rss +242 MiB. Bytes exact, 0 disk reads on repeats.
 * Check: PASS (line 1 "Buffer bytes kept beyond the cache's 8 MiB" yours 8.0 KiB, line 2 "file bytes kept" yours 0 B). WRONG VERDICT
 * Round 14: the check was changed for it: its first line reads the memory outside the JS heap (Buffers and the strings of 1 MiB or more a file read as text becomes), not Buffers alone. FAIL now.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// Keep the bytes as strings (latin1: one char per byte, lossless), not as Buffers.
const thumbnailCache = new Map<string, string>();

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let bytes = thumbnailCache.get(cacheKey);
  if (bytes === undefined) {
    bytes = (await readStoredFile(req.params.name)).toString('latin1');
    thumbnailCache.set(cacheKey, bytes);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(Buffer.from(bytes, 'latin1'));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
