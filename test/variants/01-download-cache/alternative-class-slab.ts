/**
 * INTENDED/ACTUAL: correct fix in an unusual style: a small class that copies each cached photo into ONE
 *   preallocated 8 MiB slab (a ring of byte ranges), so the cache can never hold more than the slab, whatever
 *   the sizes or the concurrency. A file is served from a fresh Buffer read from disk on a miss, and from a
 *   copy of its slab range on a hit (so an eviction never corrupts a response in flight). Keyed by file name.
 * PROOF: 0 disk reads for repeats; arrayBuffers 10.0 MiB sequential/parallel/mixed; bytes exact. Check: PASS.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

class SlabCache {
  private readonly slab: Buffer;
  private readonly ranges = new Map<string, { start: number; length: number }>();
  private next = 0;
  constructor(bytes: number) {
    this.slab = Buffer.allocUnsafeSlow(bytes);
  }
  get(key: string): Buffer | undefined {
    const range = this.ranges.get(key);
    return range && Buffer.from(this.slab.subarray(range.start, range.start + range.length));
  }
  set(key: string, data: Buffer): void {
    if (data.length > this.slab.length) return;
    if (this.next + data.length > this.slab.length) this.next = 0;
    const start = this.next;
    const end = start + data.length;
    for (const [other, range] of this.ranges) {
      if (range.start < end && start < range.start + range.length) this.ranges.delete(other);
    }
    this.ranges.delete(key);
    data.copy(this.slab, start);
    this.ranges.set(key, { start, length: data.length });
    this.next = end;
  }
}

const app = express();
const thumbnailCache = new SlabCache(8 * 1024 * 1024);

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
