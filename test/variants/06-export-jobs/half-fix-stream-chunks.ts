/**
 * half-fix. Reads the file as a stream (chunks pushed by a 'data' listener) and hashes with a plain loop; but the 'data' arrow closes over chunks, so the handler's Context holds the chunks array and the status() closure keeps it: every export's file stays, as 64 KiB Buffers instead of one big one.
 * Proof: /work/rt/b/drive06.mts: arrayBuffers 0.0 -> 142.0 (round 1) -> 284.0 MiB (round 2), still 284.0 MiB after 2 s idle + gc, exactly what the unfixed server keeps. Promises held.
 * Check: PASS ('exported file bytes kept after the exports: yours 0 B'): only Buffers of 1 MiB or more are counted. WRONG VERDICT
 * Round 14: the check was changed for it: it counts Buffers of 4 KiB or more (a stream's chunks of 64 KiB), not only of 1 MiB or more. FAIL now.
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

  // Read the original as a stream, chunk by chunk, instead of one big readFile.
  const stream = await openStoredFile(name);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk) => chunks.push(chunk as Buffer));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const body = Buffer.concat(chunks);

  const id = randomUUID();
  const bytes = body.length;
  const startedAt = new Date().toISOString();
  let state: JobStatus['state'] = 'sending';
  let finishedAt: string | null = null;
  // A plain loop now: no arrow closes over the photo any more.
  const parts: string[] = [];
  for (let offset = 0; offset < bytes; offset += PART_BYTES) parts.push(sha256(body.subarray(offset, offset + PART_BYTES)));

  exportJobs.set(id, { status: () => ({ id, file: name, state, bytes, parts, startedAt, finishedAt }) });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  res.on('close', () => {
    state = res.writableFinished ? 'sent' : 'cancelled';
    finishedAt = new Date().toISOString();
  });
  res.set({ 'X-Export-Job': id, 'X-Export-Parts': parts.join(',') }).type(name).send(body);
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job.status());
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
