/*
 * half fix: to stop a retry of the same name from clobbering the first
 * attempt's progress, each attempt gets a numeric id. Progress lives in
 * `progressById` (Map<number, {received, expected}>) and the route finds it
 * through `currentUpload` (Map<name, id>). On 'close' the timer is cleared and
 * the name -> id entry removed (so the route answers 404), but the id ->
 * progress entry is only deleted on 'end': every dropped upload (mid-body,
 * before its first byte, a retry's first attempt) leaves one
 * {received, expected} object in progressById for ever.
 * Proof: /tmp/rt-03-scratch/drops.mjs: progressById.size 1005 after 1000 drops
 * (probe copy exporting it); heapUsed +331 KiB at 1000 drops, +1197 KiB at
 * 4000 (~290 B per drop); the correct alternative stays ~+500 KiB flat.
 * Check verdict after round 12's fixes: FAIL (was PASS): "records your module-level variables gained during the uploads and still hold" 11, bar 4, kept by progressById.
 */
/**
 * Photo uploads for the print shop. Uploads can take a while on a phone
 * connection, so while one is running the service records its progress four
 * times a second; the app polls GET /uploads/:name/progress to draw a progress bar.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

type Progress = { received: number; expected: number };
const progressById = new Map<number, Progress>();
const currentUpload = new Map<string, number>();
let nextId = 0;

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  const expected = Number(req.headers['content-length']);
  if (!Number.isSafeInteger(expected)) {
    res.status(411).json({ error: 'send the upload with a Content-Length' });
    return;
  }
  if (expected > MAX_UPLOAD_BYTES) {
    res.status(413).json({ error: `uploads are limited to ${MAX_UPLOAD_BYTES} bytes` });
    return;
  }
  const id = ++nextId;
  const chunks: Buffer[] = [];
  const progress: Progress = { received: 0, expected };
  progressById.set(id, progress);
  currentUpload.set(name, id);

  const heartbeat = setInterval(() => {
    progressById.set(id, { received: progress.received, expected });
  }, 250);
  req.on('close', () => {
    clearInterval(heartbeat);
    if (currentUpload.get(name) === id) currentUpload.delete(name);
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    progress.received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    progressById.delete(id);
    const photo = Buffer.concat(chunks);
    chunks.length = 0;
    writeUpload(name, photo).then(
      () => res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') }),
      next,
    );
  });
});

app.get('/uploads/:name/progress', (req, res) => {
  const id = currentUpload.get(req.params.name);
  const progress = id === undefined ? undefined : progressById.get(id);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
