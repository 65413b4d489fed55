/**
 * RED-TEAM VARIANT
 * alternative (correct). Hand-rolled byte-budget LRU class that also coalesces concurrent misses and never stores a file
 * larger than the budget. Proof: 8.0 MiB at every stage (incl. 64 MiB of big files), 1 disk read for 2 requests of a photo,
 * video not cached (2 reads), byte-exact, 404, 400. Check: PASS 8.0 MiB quiet and loaded.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

/** A least-recently-used cache bounded by bytes; coalesces concurrent misses for the same name. */
class ByteBudgetCache {
  private entries = new Map<string, Buffer>();
  private pending = new Map<string, Promise<Buffer>>();
  private bytes = 0;
  constructor(private readonly budget: number) {}

  async get(name: string, load: (name: string) => Promise<Buffer>): Promise<Buffer> {
    const hit = this.entries.get(name);
    if (hit) {
      this.entries.delete(name);
      this.entries.set(name, hit);
      return hit;
    }
    let loading = this.pending.get(name);
    if (!loading) {
      loading = load(name).finally(() => this.pending.delete(name));
      this.pending.set(name, loading);
      loading.then((file) => this.store(name, file), () => {});
    }
    return loading;
  }

  private store(name: string, file: Buffer) {
    if (file.length > this.budget || this.entries.has(name)) return;
    this.entries.set(name, file);
    this.bytes += file.length;
    for (const [oldName, old] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldName);
      this.bytes -= old.length;
    }
  }
}

const app = express();
const photos = new ByteBudgetCache(8 * 1024 * 1024);

app.get('/files/:name', async (req, res) => {
  const file = await photos.get(req.params.name, readStoredFile);
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
