/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: when an export is delivered, swap the closure for a snapshot made by a module-level function
 * Actually: only on state === 'sent': a cancelled export (client gone before the body was flushed) keeps the closure and its 2 MiB photo
 * Proof:    t06: +2 MiB after 12 full exports (fine), +2 after 4 paused-then-dropped exports (loopback kernel buffers took all 2 MiB, so they count as 'sent'), +10 MiB after 4 hangups before the first byte: 2 MiB per cancelled job, kept up to 500 jobs
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

/** A finished job's status, built outside the handler so it closes over nothing but the snapshot. */
function finishedJob(status: JobStatus): { status: () => JobStatus } {
  return { status: () => status };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);

  const id = randomUUID();
  const bytes = data.length;
  const startedAt = new Date().toISOString();
  let state: JobStatus['state'] = 'sending';
  let finishedAt: string | null = null;
  const parts = Array.from({ length: Math.ceil(bytes / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));

  exportJobs.set(id, { status: () => ({ id, file: name, state, bytes, parts, startedAt, finishedAt }) });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  res.on('close', () => {
    state = res.writableFinished ? 'sent' : 'cancelled';
    finishedAt = new Date().toISOString();
    // a delivered export is over: swap the live closure for a plain snapshot
    if (state === 'sent') exportJobs.set(id, finishedJob({ id, file: name, state, bytes, parts, startedAt, finishedAt }));
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
