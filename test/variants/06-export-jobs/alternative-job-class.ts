/*
 * RED-TEAM VARIANT (alternative)
 * Intended: an ExportJob class with mutable state fields and a status() method; the registry stores instances
 * Actually: no closure in the registry at all; the close listener (which lives on res) updates the job
 * Proof:    t06: +2 / +2 / +2 MiB; 12/12 exact, manifests right, 'sent' with finishedAt
 */
/**
 * Photo exports for the archive team. GET /exports/:name sends an original
 * with a manifest of per-MiB checksums (the desktop client verifies and
 * resumes by part), and records an export job; GET /jobs/:id reports a job's
 * status to the dashboard. The registry keeps the last 500 jobs.
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

/** A job owns its status fields and nothing else; no closure, no Context. */
class ExportJob {
  state: JobStatus['state'] = 'sending';
  finishedAt: string | null = null;
  readonly startedAt = new Date().toISOString();
  constructor(readonly id: string, readonly file: string, readonly bytes: number, readonly parts: string[]) {}
  finish(sent: boolean): void {
    this.state = sent ? 'sent' : 'cancelled';
    this.finishedAt = new Date().toISOString();
  }
  status(): JobStatus {
    const { id, file, state, bytes, parts, startedAt, finishedAt } = this;
    return { id, file, state, bytes, parts, startedAt, finishedAt };
  }
}

const exportJobs = new Map<string, ExportJob>();

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);

  const id = randomUUID();
  const bytes = data.length;
  const parts = Array.from({ length: Math.ceil(bytes / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));

  const job = new ExportJob(id, name, bytes, parts);
  exportJobs.set(id, job);
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  res.on('close', () => job.finish(res.writableFinished));
  res.set({ 'X-Export-Job': id, 'X-Export-Parts': parts.join(',') }).type(name).send(data);
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job.status());
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
