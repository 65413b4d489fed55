/**
 * half-fix. Two hand-written LRUs that add up to 8 MiB: 1 MiB for small files (thumbnails) and 7 MiB for the
 * rest; a file larger than 7 MiB (logs, video) is never read whole but streamed from the store with
 * stream/promises pipeline. No leak, but the 1 MiB tier cannot hold the 12 thumbnails (3.5 MiB, well within 8 MiB): asked for twice, they are read from disk twice.
 * Proof: /work/rt/i/probe-qs.mjs: the 12 thumbnails asked twice -> diskReads 12 then 24 (every one read again); no memory leak (/work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc) not needed).
 * Check: FAIL on "the service must still do its job: ... the 12 thumbnails (3.5 MiB, well within the budget), asked for twice, were read from disk 12 time(s) ...: the cache counts bytes it does not hold". RIGHT VERDICT (but the explanation is wrong for this server: it counts right, its small tier is just 1 MiB)
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { readStoredFile, storedFileSize, openStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MiB = 1024 * 1024;
const SMALL_FILE = 512 * 1024;

class ByteLru {
  private readonly files = new Map<string, Buffer>();
  private bytes = 0;
  constructor(readonly budget: number) {}
  get(name: string): Buffer | undefined {
    const file = this.files.get(name);
    if (file !== undefined) {
      this.files.delete(name);
      this.files.set(name, file);
    }
    return file;
  }
  delete(name: string): void {
    const file = this.files.get(name);
    if (file === undefined) return;
    this.files.delete(name);
    this.bytes -= file.length;
  }
  set(name: string, file: Buffer): void {
    this.delete(name);
    if (file.length > this.budget) return;
    while (this.bytes + file.length > this.budget) {
      const oldest = this.files.keys().next().value as string;
      this.delete(oldest);
    }
    this.files.set(name, file);
    this.bytes += file.length;
  }
}

const small = new ByteLru(1 * MiB);
const large = new ByteLru(7 * MiB);
const reading = new Map<string, Promise<Buffer>>();

function cached(name: string): Buffer | undefined {
  return small.get(name) ?? large.get(name);
}

function readAndKeep(name: string): Promise<Buffer> {
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name)
      .then((file) => {
        (file.length <= SMALL_FILE ? small : large).set(name, file);
        return file;
      })
      .finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = cached(name);
  if (file === undefined && !reading.has(name)) {
    const size = await storedFileSize(name);
    if (size > large.budget) {
      res.type(name).set('Cache-Control', 'public, max-age=300').set('Content-Length', String(size));
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = await openStoredFile(name);
      try {
        await pipeline(stream, res);
      } catch {
        // client gone: pipeline destroyed the file stream
      }
      return;
    }
  }
  file ??= await readAndKeep(name);
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
