/**
 * INTENDED: the job is a plain object (no closure over the file); new: while an export is sending, sample
 *   how many bytes went out twice a second so the dashboard can show progress; stop on the response's 'close'.
 * ACTUALLY: the sampler and its 'close' listener are set up after `await readStoredFile`: for a client that
 *   hung up while the file was read, 'close' has already fired, so the interval runs for ever (keeping the
 *   response, its socket and the job), and the job stays 'sending' with a frozen progress.
 * PROOF: pre-first-byte hang-ups → timers +3 and arrayBuffers +66 MiB (the sampler keeps the handler Context with data). Check: FAIL 68 MiB.
 */
import express from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { checkFileName, readStoredFile } from '#service/storage';
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

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);

  const parts = Array.from({ length: Math.ceil(data.length / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));
  const job: JobStatus & { sentBytes?: number } = { id: randomUUID(), file: name, state: 'sending', bytes: data.length, parts, startedAt: new Date().toISOString(), finishedAt: null };
  record(job);

  const sampler = setInterval(() => {
    job.sentBytes = Math.min(job.bytes, res.socket?.bytesWritten ?? 0);
  }, 500);
  res.on('close', () => {
    clearInterval(sampler);
    job.state = res.writableFinished ? 'sent' : 'cancelled';
    job.finishedAt = new Date().toISOString();
  });
  res.set({ 'X-Export-Job': job.id, 'X-Export-Parts': parts.join(',') }).type(name).send(data);
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job);
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
