/**
 * INTENDED: plain job object; mark it sent/cancelled when the connection closes, and right away if the
 *   client is already gone ("res 'close' may have fired already, the socket tells the truth").
 * ACTUALLY: memory is fine, but on a keep-alive connection (every browser, fetch, the desktop client) the
 *   socket outlives the export: a finished export stays 'sending' with finishedAt null for as long as the
 *   connection stays open, and a cancelled one (client stopped reading, connection kept) is never marked.
 *   One 'close' listener per export also piles up on a kept-alive socket.
 * PROOF: export + GET /jobs/:id on one kept-alive connection → state "sending", finishedAt null (correct fixes: "sent"). Check: PASS (slipped).
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

const exportJobs = new Map<string, JobStatus>();

function record(job: JobStatus): void {
  exportJobs.set(job.id, job);
  if (exportJobs.size > KEEP_JOBS) exportJobs.delete(exportJobs.keys().next().value!);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);

  const parts = Array.from({ length: Math.ceil(data.length / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));
  const job: JobStatus = { id: randomUUID(), file: name, state: 'sending', bytes: data.length, parts, startedAt: new Date().toISOString(), finishedAt: null };
  record(job);

  const finish = () => {
    job.state = res.writableFinished ? 'sent' : 'cancelled';
    job.finishedAt = new Date().toISOString();
  };
  if (req.socket.destroyed) finish();
  else req.socket.once('close', finish);
  res.set({ 'X-Export-Job': job.id, 'X-Export-Parts': parts.join(',') }).type(name).send(data);
});

app.get('/jobs/:id', (req, res) => {
  const job = exportJobs.get(req.params.id);
  if (job) res.json(job);
  else res.status(404).json({ error: 'no such export job' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/photo-1.jpg');
