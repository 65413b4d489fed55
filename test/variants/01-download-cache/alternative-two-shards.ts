/**
 * alternative. Two lru-cache shards of 4 MiB each (8 MiB together), a name always in the same shard.
 * Proof: drive.mjs verify all ok; budget worst 8.00 MiB.
 * Check: PASS (kept after traffic 5.5 MiB). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: PASS. RIGHT VERDICT.
 */
/**
 * Photo downloads for the gallery app. Thumbnails and originals are read from
 * the file store; popular ones are kept in memory so the disk is not read for
 * every request.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// Two caches of 4 MiB each (8 MiB together), a name always in the same one.
const shards = [0, 1].map(
  () => new LRUCache<string, Buffer>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (file) => Math.max(file.length, 1) }),
);
function shardOf(name: string): LRUCache<string, Buffer> {
  let h = 0;
  for (const c of name) h = (h + c.charCodeAt(0)) % 2;
  return shards[h]!;
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  const shard = shardOf(name);
  let file = shard.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    shard.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
