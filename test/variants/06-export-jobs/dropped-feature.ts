/**
 * Scenario 06 without the job registry: exports are sent with their
 * checksums, but no job is recorded, so the dashboard cannot report any. No
 * closure outlives its request; the contract must catch it.
 */
import express from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { checkFileName, readStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

const PART_BYTES = 1024 * 1024;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

app.get('/exports/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);

  const id = randomUUID();
  const parts = Array.from({ length: Math.ceil(data.length / PART_BYTES) }, (_, index) => sha256(data.subarray(index * PART_BYTES, (index + 1) * PART_BYTES)));

  res.set({ 'X-Export-Job': id, 'X-Export-Parts': parts.join(',') }).type(name).send(data);
});

app.use(answerErrors);

export default app;
