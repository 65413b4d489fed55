/**
 * half-fix. Streams uploads to disk (createUploadStream, write/drain, commitUpload) and keeps a 512-byte copy: no body in memory. But clean-up is on the success path only: a client that hangs up mid-upload leaves its write stream (an open fd) and its .partial file forever.
 * Proof: /work/rt/a/d04-abort.mjs (40 PUTs announcing 2 MiB, hang up after 1 MiB): open fds 29 -> 69 and 40 .partial files left, never closed; the pipeline alternative stays at 27 -> 27 fds, 0 .partial. /work/rt/a/d04.mjs: memory flat, contract OK.
 * Check: PASS (both lines green: 98.1 KiB, 111.4 KiB). WRONG VERDICT (the check never sends an upload that is abandoned halfway, and counts no fds)
 * Round 14: the check was changed for it: six uploads and replaces now lose their connection halfway, and the files left open are counted, each with its line. FAIL now.
 */
import express from 'express';
import type { Request } from 'express';
import { existsSync } from 'node:fs';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, uploadPath } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { refuseOversizedUploads, UploadTooLargeError } from '#service/upload-limits';

const app = express();

interface IndexEntry {
  size: number;
  type: string;
  /** The first bytes of the file: enough to tell its type and show a preview. */
  head: Buffer;
  version: number;
}

const uploadIndex = new Map<string, IndexEntry>();

app.use('/uploads', refuseOversizedUploads);

/** Stream the upload to disk chunk by chunk, keeping a copy of its first bytes only: the body is never whole in memory. */
async function receive(req: Request, name: string): Promise<{ size: number; head: Buffer }> {
  const out = await createUploadStream(name);
  return new Promise((resolve, reject) => {
    let size = 0;
    const headParts: Buffer[] = [];
    let headLength = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) {
        failed = true;
        out.destroy();
        void discardUpload(name);
        reject(new UploadTooLargeError(MAX_UPLOAD_BYTES));
        return;
      }
      if (headLength < SNIFF_BYTES) {
        const part = Buffer.from(chunk.subarray(0, SNIFF_BYTES - headLength));
        headParts.push(part);
        headLength += part.length;
      }
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (failed) return;
      out.end(() => {
        commitUpload(name).then(() => resolve({ size, head: Buffer.concat(headParts) }), reject);
      });
    });
    out.on('error', (error) => {
      if (!failed) reject(error);
    });
    req.on('error', reject);
  });
}

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const { size, head } = await receive(req, name);
  uploadIndex.set(name, { size, type: detectFileType(head), head, version: 1 });
  res.status(201).json({ name, bytes: size });
});

app.post('/uploads/:name/replace', async (req, res) => {
  const name = checkFileName(req.params.name);
  const previous = uploadIndex.get(name);
  if (!previous || !existsSync(uploadPath(name))) {
    req.resume();
    res.status(404).json({ error: `no upload named "${name}" to replace` });
    return;
  }
  const { size, head } = await receive(req, name);
  uploadIndex.set(name, { size, type: detectFileType(head), head, version: previous.version + 1 });
  res.json({ name, bytes: size, version: previous.version + 1 });
});

app.get('/uploads/:name/info', (req, res) => {
  const name = checkFileName(req.params.name);
  const entry = uploadIndex.get(name);
  if (!entry) {
    res.status(404).json({ error: `no upload named "${name}"` });
    return;
  }
  res.json({ name, size: entry.size, type: entry.type, version: entry.version, preview: entry.head.toString('base64') });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/report.pdf/info');
