/**
 * half-fix. Fixes one branch: files of 8 MiB or more are streamed (pipeline, plain object); photos keep the old read-whole path with data = undefined on 'close', so a photo whose client left while it was read keeps its 2 MiB forever (and its job stays 'sending').
 * Proof: /work/rt/b/drive06.mts (one early photo hang-up per round): arrayBuffers 0 -> 2.0 -> 4.0 -> 6.0 MiB over 3 rounds, unchanged after idle + gc; 3 jobs 'sending (finishedAt null)'.
 * Check: FAIL on 'exported file bytes kept after the exports: yours 4.0 MiB ... bar 4.0 MiB' (JSON: value 4194480 > bar 4194304, by 176 bytes of Buffer headers). RIGHT VERDICT (by a hair)
 * Round 14: its photos are hung up on four times now, not twice: 8 MiB against the bar of 4 MiB, not 176 bytes over it.
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
import { checkFileName, openStoredFile, readStoredFile, storedFileSize } from '#service/storage';
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

async function exportSmall(name: string, res: express.Response): Promise<void> {
  let data: Buffer | undefined = await readStoredFile(name);

  const id = randomUUID();
  const bytes = data.length;
  const startedAt = new Date().toISOString();
  let state: JobStatus['state'] = 'sending';
  let finishedAt: string | null = null;
  const parts = Array.from({ length: Math.ceil(bytes / PART_BYTES) }, (_, index) => sha256(data!.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));

  exportJobs.set(id, { status: () => ({ id, file: name, state, bytes, parts, startedAt, finishedAt }) });
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);

  res.on('close', () => {
    state = res.writableFinished ? 'sent' : 'cancelled';
    finishedAt = new Date().toISOString();
    data = undefined; // the export is over: let go of the photo
  });
  res.set({ 'X-Export-Job': id, 'X-Export-Parts': parts.join(',') }).type(name).send(data!);
}

async function exportBig(name: string, res: express.Response): Promise<void> {

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

  // Second pass: stream the file to the client. pipeline() destroys the file stream however
  // the response ends, also when the client had already gone before we got here.
  res.set({ 'X-Export-Job': job.id, 'X-Export-Parts': parts.join(','), 'Content-Length': String(bytes) }).type(name);
  try {
    await pipeline(await openStoredFile(name), res);
    job.state = 'sent';
  } catch {
    job.state = res.writableFinished ? 'sent' : 'cancelled';
  } finally {
    job.finishedAt = new Date().toISOString();
  }
}

/** Videos are too big to buffer: stream them. Photos are a couple of MiB: read them whole. */
const STREAM_FROM_BYTES = 8 * 1024 * 1024;

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if ((await storedFileSize(name)) >= STREAM_FROM_BYTES) await exportBig(name, res);
  else await exportSmall(name, res);
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job.status());
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
