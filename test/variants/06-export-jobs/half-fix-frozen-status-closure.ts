/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: store a plain job object instead of a computing closure
 * Actually: still wraps it in status: () => job created in the handler (Context with data), so it leaks
 * Proof:    t06: +26 / +42 MiB
 * (As written by the red team, the close listener also kept updating the handler's variables, not the job, so the
 * status never left 'sending': a second, unrelated breach. It now updates the job, so the file is a memory half fix only.)
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

const exportJobs = new Map<string, { status: () => JobStatus }>();

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);

  const id = randomUUID();
  const bytes = data.length;
  const startedAt = new Date().toISOString();
  const state: JobStatus['state'] = 'sending';
  const finishedAt: string | null = null;
  const parts = Array.from({ length: Math.ceil(bytes / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));

  // store a plain object, not a closure: nothing can capture data now
  const job: JobStatus = { id, file: name, state, bytes, parts, startedAt, finishedAt };
  exportJobs.set(id, { status: () => job });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  res.on('close', () => {
    job.state = res.writableFinished ? 'sent' : 'cancelled';
    job.finishedAt = new Date().toISOString();
  });
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
