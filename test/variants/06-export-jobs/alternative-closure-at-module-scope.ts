/**
 * Scenario 06, fixed another way: the status closure is made by a function at
 * module scope that takes what the status needs as arguments, so it closes
 * over that function's scope, not the handler's. Must pass.
 */
import express from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { checkFileName, readStoredFile } from '#service/storage';
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

type JobProgress = Pick<JobStatus, 'state' | 'finishedAt'>;

function jobStatus(job: Omit<JobStatus, keyof JobProgress>, progress: JobProgress): () => JobStatus {
  return () => ({ ...job, ...progress });
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
  const progress: JobProgress = { state: 'sending', finishedAt: null };
  const parts = Array.from({ length: Math.ceil(bytes / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));

  exportJobs.set(id, { status: jobStatus({ id, file: name, bytes, parts, startedAt }, progress) });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  res.on('close', () => {
    progress.state = res.writableFinished ? 'sent' : 'cancelled';
    progress.finishedAt = new Date().toISOString();
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
