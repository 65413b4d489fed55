import http from 'node:http';
import crypto from 'node:crypto';

// Document upload endpoint: buffers the body, checksums it, "stores" it.
// In-progress uploads are tracked so /uploads/status can show progress.
const inProgress = new Map();
const stored = new Map(); // name -> {size, sha}; only names, tiny
let uploadSeq = 0;

export default function handler(req, res) {
  if (req.method === 'PUT' && req.url.startsWith('/documents/')) {
    const name = decodeURIComponent(req.url.slice('/documents/'.length));
    const id = ++uploadSeq;
    const upload = { id, name, chunks: [], received: 0, startedAt: Date.now() };
    inProgress.set(id, upload);
    req.on('data', (chunk) => { upload.chunks.push(chunk); upload.received += chunk.length; });
    req.on('end', () => {
      const body = Buffer.concat(upload.chunks);
      const sha = crypto.createHash('sha256').update(body).digest('hex');
      stored.set(name.slice(0, 64), { size: body.length, sha });
      inProgress.delete(id);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ name, sha }));
    });
    req.on('error', () => res.destroy());
    return;
  }
  if (req.url === '/uploads/status') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ inProgress: inProgress.size, stored: stored.size }));
    return;
  }
  res.writeHead(404).end();
}
