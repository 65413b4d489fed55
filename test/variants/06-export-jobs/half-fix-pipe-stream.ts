/**
 * INTENDED: never hold an original in memory: hash it part by part from a file stream (first pass), then
 *   stream it to the client (second pass) with `.pipe(res)`; the job is a plain object.
 * ACTUALLY: `readable.pipe(res)` does not destroy the file stream when the response closes early: for a
 *   client that hangs up mid-transfer (or stops reading and then goes away), the file stream stays paused
 *   with its descriptor open and its buffered chunks, for ever. Each chunk is 64 KiB, far below 1 MiB.
 * PROOF: rt-tools/d06.ts: clients hanging up before the first byte / mid-transfer → open fds +6; bytes and manifests exact. Check: PASS quiet and loaded (slipped).
 */
import express from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { checkFileName, openStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const PART_BYTES = 1024 * 1024;
const KEEP_JOBS = 500;

interface JobStatus {
  id: string;
  file: string;
  state: 'sending' | 'sent' | 'cancelled';
  bytes: number;
  parts: string[];
  startedAt: string;
  finishedAt: string | null;
}

const exportJobs = new Map<string, JobStatus>();

function record(job: JobStatus): void {
  exportJobs.set(job.id, job);
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function manifest(name: string): Promise<{ bytes: number; parts: string[] }> {
  const parts: string[] = [];
  let bytes = 0;
  let hash = createHash('sha256');
  let inPart = 0;
  for await (const chunk of await openStoredFile(name)) {
    let view = chunk as Buffer;
    bytes += view.length;
    while (view.length > 0) {
      const take = Math.min(PART_BYTES - inPart, view.length);
      hash.update(view.subarray(0, take));
      inPart += take;
      view = view.subarray(take);
      if (inPart === PART_BYTES) {
        parts.push(hash.digest('hex'));
        hash = createHash('sha256');
        inPart = 0;
      }
    }
  }
  if (inPart > 0) parts.push(hash.digest('hex'));
  return { bytes, parts };
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const { bytes, parts } = await manifest(name);
  const job: JobStatus = { id: randomUUID(), file: name, state: 'sending', bytes, parts, startedAt: new Date().toISOString(), finishedAt: null };
  record(job);
  const finish = () => {
    job.state = res.writableFinished ? 'sent' : 'cancelled';
    job.finishedAt = new Date().toISOString();
  };
  if (res.destroyed) finish();
  else res.once('close', finish);

  res.set({ 'X-Export-Job': job.id, 'X-Export-Parts': parts.join(','), 'Content-Length': String(bytes) }).type(name);
  (await openStoredFile(name)).pipe(res);
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job);
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
