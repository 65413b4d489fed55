import express from 'express';
import { LRUCache } from 'lru-cache';
import zlib from 'node:zlib';

// Thumbnail service: generates thumbnails (expensive) and keeps the most
// recent ones in memory.
const thumbnails = new LRUCache({ max: 4 });

function makeThumbnail(name, size) {
  const raw = Buffer.alloc(size * size * 3, name.length);
  for (let i = 0; i < raw.length; i += 97) raw[i] = (i * 31 + name.charCodeAt(i % name.length)) & 255;
  return zlib.deflateSync(raw, { level: 1 });
}

export const app = express();
app.get('/thumbs/:name', (req, res) => {
  const size = Math.min(Number(req.query.s) || 128, 256);
  const key = `${req.params.name}@${size}`;
  let t = thumbnails.get(key);
  if (!t) { t = makeThumbnail(req.params.name, size); thumbnails.set(key, t); }
  res.type('application/octet-stream').send(t);
});
