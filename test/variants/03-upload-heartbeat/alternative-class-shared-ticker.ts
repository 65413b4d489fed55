/**
 * alternative (correct): each upload is an `Upload` instance kept in a
 * module-level Set while it runs; one shared heartbeat (a single interval,
 * started when the first upload begins and cleared when the last one is
 * over) records the progress of every running upload four times a second.
 * An upload leaves the Set, and its progress entry is deleted, on its
 * request's 'close', which comes for a complete upload and a dropped one
 * alike; the 411/413 checks come first, so a refused upload never joins.
 * Proof: drive.mjs 200 rounds and drops.mjs 4000: Timeouts 0 after, heap flat.
 * Check verdict after round 12's fixes: PASS (right).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

type Progress = { received: number; expected: number };
const uploadProgress = new Map<string, Progress>();

class Upload {
  static running = new Set<Upload>();
  static ticker: NodeJS.Timeout | undefined;

  readonly progress: Progress;
  chunks: Buffer[] = [];

  constructor(readonly name: string, expected: number) {
    this.progress = { received: 0, expected };
    Upload.running.add(this);
    Upload.ticker ??= setInterval(Upload.beat, 250);
  }

  static beat(): void {
    for (const upload of Upload.running) uploadProgress.set(upload.name, upload.progress);
  }

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.progress.received += chunk.length;
  }

  take(): Buffer {
    const photo = Buffer.concat(this.chunks);
    this.chunks = [];
    return photo;
  }

  over(): void {
    this.chunks = [];
    if (uploadProgress.get(this.name) === this.progress) uploadProgress.delete(this.name);
    if (Upload.running.delete(this) && Upload.running.size === 0) {
      clearInterval(Upload.ticker);
      Upload.ticker = undefined;
    }
  }
}

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
  const upload = new Upload(name, expected);
  req.on('close', () => upload.over());
  req.on('data', (chunk: Buffer) => upload.add(chunk));
  req.on('end', () => {
    const photo = upload.take();
    upload.over();
    writeUpload(name, photo).then(
      () => res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') }),
      next,
    );
  });
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
