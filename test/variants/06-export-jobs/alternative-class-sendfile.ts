/**
 * INTENDED/ACTUAL: correct fix with a class and res.sendFile: the file is read once to hash its parts (the
 *   Buffer lives only in `ExportJob.start`, no closure keeps it), the job is an instance whose toJSON() is the
 *   status, and the bytes go out with res.sendFile (express/send streams from disk and closes the file
 *   stream when the response ends, and serves Range requests, useful for a client that resumes by part).
 * PROOF: fds +0, timers +0, no bytes kept; 12/12 exact; Range bytes=0-99 → 206 with 100 bytes. Check: PASS.
 */
import express from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { checkFileName, FILES_DIR, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const PART_BYTES = 1024 * 1024;
const KEEP_JOBS = 500;

class ExportJob {
  readonly id = randomUUID();
  state: 'sending' | 'sent' | 'cancelled' = 'sending';
  readonly startedAt = new Date().toISOString();
  finishedAt: string | null = null;
  private constructor(readonly file: string, readonly bytes: number, readonly parts: string[]) {}

  static async start(name: string): Promise<ExportJob> {
    const data = await readStoredFile(name);
    const parts: string[] = [];
    for (let offset = 0; offset < data.length; offset += PART_BYTES) {
      parts.push(createHash('sha256').update(data.subarray(offset, offset + PART_BYTES)).digest('hex'));
    }
    return new ExportJob(name, data.length, parts);
  }

  watch(res: Response): void {
    const end = () => {
      this.state = res.writableFinished ? 'sent' : 'cancelled';
      this.finishedAt = new Date().toISOString();
    };
    if (res.destroyed) end();
    else res.once('close', end);
  }

  toJSON() {
    return { id: this.id, file: this.file, state: this.state, bytes: this.bytes, parts: this.parts, startedAt: this.startedAt, finishedAt: this.finishedAt };
  }
}

const exportJobs = new Map<string, ExportJob>();

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const job = await ExportJob.start(name);
  exportJobs.set(job.id, job);
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);
  job.watch(res);
  if (res.destroyed) return;
  res.set({ 'X-Export-Job': job.id, 'X-Export-Parts': job.parts.join(',') });
  res.sendFile(name, { root: FILES_DIR, dotfiles: 'deny', lastModified: false, etag: false }, (error) => {
    if (error && !res.headersSent) res.status(500).end();
  });
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job);
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
