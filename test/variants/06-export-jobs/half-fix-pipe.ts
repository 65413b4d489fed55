/**
 * half-fix. Two-pass streaming: hashes the file by streaming, then file.pipe(res). When the response closes early, pipe() only unpipes: the read stream is never destroyed and the file stays open, for both early and mid-transfer hang-ups.
 * Proof: /work/rt/b/drive06.mts: fds on .fixtures/files 0 -> 5 -> 10 after 2 rounds, still 10 after idle; memory flat.
 * Check: FAIL on 'file descriptors left open after the exports: yours 6 ... opened at ...half-fix-pipe.ts:65:16'. RIGHT VERDICT
 */
/**
 * Photo exports for the archive team. GET /exports/:name sends an original
 * with a manifest of per-MiB checksums (the desktop client verifies and
 * resumes by part), and records an export job; GET /jobs/:id reports a job's
 * status to the dashboard. The registry keeps the last 500 jobs.
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

  // Second pass: stream the file to the client.
  const file = await openStoredFile(name);
  res.on('close', () => {
    job.state = res.writableFinished ? 'sent' : 'cancelled';
    job.finishedAt = new Date().toISOString();
  });
  res.set({ 'X-Export-Job': job.id, 'X-Export-Parts': parts.join(','), 'Content-Length': String(bytes) }).type(name);
  file.pipe(res);
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job.status());
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
