/**
 * Another fix of the catalogue's leak: work out each file's type when it is
 * uploaded and keep only that, no bytes at all. With the solution's
 * downloads and thumbnails, it must pass.
 */
import express from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFileType } from '#service/file-types';
import { checkFileName, fileEvents, writeUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { downloads } from '../../../solutions/12-the-incident/downloads.ts';
import { shareApp } from './share-app.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';

interface SharedFile {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly uploadedAt: string;
}

const files = new Map<string, SharedFile>();
const catalog = express.Router();

catalog.put('/files/:name', refuseUploadsLargerThan(MAX_VIDEO_UPLOAD_BYTES), express.raw({ type: () => true, limit: MAX_VIDEO_UPLOAD_BYTES }), async (req, res) => {
  const name = checkFileName(String(req.params.name));
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const replacing = files.has(name);
  await writeUpload(name, body);
  files.set(name, { name, size: body.length, type: detectFileType(body), uploadedAt: new Date().toISOString() });
  if (replacing) fileEvents.emit('changed', name);
  res.status(replacing ? 200 : 201).json({ name, size: body.length });
});

catalog.get('/files', (_req, res) => {
  res.json([...files.values()]);
});

catalog.get('/export.csv', async (_req, res) => {
  res.type('text/csv').attachment('shared-files.csv');
  const lines = function* () {
    yield 'name,size,type,uploaded_at\r\n';
    for (const file of files.values()) yield `${file.name},${file.size},${file.type},${file.uploadedAt}\r\n`;
  };
  await pipeline(Readable.from(lines()), res);
});

export default shareApp({ catalog, thumbnails, downloads });
