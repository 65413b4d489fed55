/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: helper for the checksums; status reports data.length
 * Actually: status() now captures data directly
 * Proof:    t06: +26 / +42 MiB, as server.ts
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

/** One SHA-256 per MiB, in a function of its own so that no closure of the handler captures the bytes. */
function partChecksums(data: Buffer): string[] {
  return Array.from({ length: Math.ceil(data.length / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);

  const id = randomUUID();
  const startedAt = new Date().toISOString();
  let state: JobStatus['state'] = 'sending';
  let finishedAt: string | null = null;
  const parts = partChecksums(data);

  exportJobs.set(id, { status: () => ({ id, file: name, state, bytes: data.length, parts, startedAt, finishedAt }) });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  res.on('close', () => {
    state = res.writableFinished ? 'sent' : 'cancelled';
    finishedAt = new Date().toISOString();
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
