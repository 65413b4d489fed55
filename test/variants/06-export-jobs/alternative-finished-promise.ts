/**
 * alternative. Keeps the status closure (a closure is fine) but computes parts with a plain for loop, so no function of the call mentions data; the job end comes from stream/promises finished(res); a client already gone after the read is recorded as cancelled and not sent to.
 * Proof: /work/rt/b/drive06.mts: arrayBuffers 0.0 MiB throughout, 0 file fds, no timers; byte-exact bodies and parts headers; keep-alive job 'sent' at once; all jobs sent or cancelled with finishedAt, none 'sending'.
 * Check: PASS (all three ✓, 'yours 0 B'). RIGHT VERDICT
 */
/**
 * Photo exports for the archive team. GET /exports/:name sends an original
 * with a manifest of per-MiB checksums (the desktop client verifies and
 * resumes by part), and records an export job; GET /jobs/:id reports a job's
 * status to the dashboard. The registry keeps the last 500 jobs.
 */
import express from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { finished } from 'node:stream/promises';
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
  let state: JobStatus['state'] = 'sending';
  let finishedAt: string | null = null;
  // A plain loop, no arrow: no function made in this call mentions `data`, so the
  // call's Context does not hold it and the status closure below cannot keep it.
  const parts: string[] = [];
  for (let index = 0; index * PART_BYTES < bytes; index++) parts.push(sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));

  exportJobs.set(id, { status: () => ({ id, file: name, state, bytes, parts, startedAt, finishedAt }) });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  if (res.destroyed || req.socket.destroyed) {
    // The client left while we read the file: nothing to send.
    state = 'cancelled';
    finishedAt = new Date().toISOString();
    return;
  }
  finished(res).then(
    () => { state = 'sent'; },
    () => { state = res.writableFinished ? 'sent' : 'cancelled'; },
  ).finally(() => { finishedAt = new Date().toISOString(); });
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
