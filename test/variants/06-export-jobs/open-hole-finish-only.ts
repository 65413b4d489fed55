/**
 * half-fix. Streams correctly (two passes, pipeline, plain-object status, no leak) but records the end of a job only on 'finish': an export whose client hangs up is never marked cancelled, it stays 'sending' with finishedAt null forever, which breaks 'whether it was sent or cancelled'.
 * Proof: /work/rt/b/drive06.mts queries every job id the server handed out, 2 s after the traffic: {sent: 12, 'sending (finishedAt null)': 10}; the mid-transfer hang-ups report state 'sending', finishedAt null. Memory and fds flat (arrayBuffers 0.0 MiB, 0 file fds).
 * Check: PASS (all three lines ✓, no job-state complaint): cancelled jobs' state is not checked. WRONG VERDICT
 * Open hole (round 14): the README promises a job says whether it was sent or cancelled, but the shipped server and its solution decide it with res.writableFinished in 'close', which says true for a send(buffer) whose client left mid-transfer (the socket's buffer is emptied when it is destroyed): they report such a job as sent, so the contract cannot ask for 'cancelled' without changing the scenario's own code (and 17 of its 18 variants). Left for a later round.
 */
/**
 * Photo exports for the archive team. GET /exports/:name sends an original
 * with a manifest of per-MiB checksums (the desktop client verifies and
 * resumes by part), and records an export job; GET /jobs/:id reports a job's
 * status to the dashboard. The registry keeps the last 500 jobs.
 */
import express from 'express';
import { pipeline } from 'node:stream/promises';
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

const exportJobs = new Map<string, { status: () => JobStatus }>();

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);

  // First pass: hash the file part by part, streaming, never the whole photo in memory.
  const parts: string[] = [];
  let bytes = 0;
  let hash = createHash('sha256');
  let inPart = 0;
  for await (const chunk of await openStoredFile(name)) {
    let rest: Buffer = chunk;
    while (rest.length > 0) {
      const take = Math.min(PART_BYTES - inPart, rest.length);
      hash.update(rest.subarray(0, take));
      inPart += take;
      bytes += take;
      rest = rest.subarray(take);
      if (inPart === PART_BYTES) { parts.push(hash.digest('hex')); hash = createHash('sha256'); inPart = 0; }
    }
  }
  if (inPart > 0 || bytes === 0) parts.push(hash.digest('hex'));

  const job: JobStatus = { id: randomUUID(), file: name, state: 'sending', bytes, parts, startedAt: new Date().toISOString(), finishedAt: null };
  exportJobs.set(job.id, { status: () => job });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  // Second pass: stream the file to the client. pipeline() closes the file however it ends.
  res.set({ 'X-Export-Job': job.id, 'X-Export-Parts': parts.join(','), 'Content-Length': String(bytes) }).type(name);
  res.on('finish', () => {
    job.state = 'sent';
    job.finishedAt = new Date().toISOString();
  });
  await pipeline(await openStoredFile(name), res).catch(() => {}); // a client that leaves is not an error
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job.status());
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
