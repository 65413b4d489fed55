import http from 'node:http';
import { LRUCache } from 'lru-cache';

// IP geolocation with request coalescing: concurrent lookups for the same
// IP share one upstream call; results are cached in an LRU.
const resolved = new LRUCache({ max: 500, ttl: 10 * 60_000 });
const inflight = new Map();

function upstreamLookup(ip) {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      const parts = ip.split('.').map(Number);
      if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255)) || parts[0] === 10)
        reject(new Error(`geo upstream: no record for ${ip} (${'detail '.repeat(20)})`));
      else resolve({ ip, country: ['US', 'DE', 'FR', 'BR'][parts[3] % 4], city: 'Somewhere', asn: 64500 + parts[2] });
    });
  });
}

function lookup(ip) {
  const hit = resolved.get(ip);
  if (hit) return Promise.resolve(hit);
  if (inflight.has(ip)) return inflight.get(ip);
  const p = upstreamLookup(ip).then((geo) => {
    resolved.set(ip, geo);
    inflight.delete(ip);
    return geo;
  });
  inflight.set(ip, p);
  return p;
}

export default function handler(req, res) {
  const m = req.url.match(/^\/geo\/([^/?]+)/);
  if (!m) { res.writeHead(404).end(); return; }
  lookup(decodeURIComponent(m[1])).then(
    (geo) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(geo)),
    (err) => res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' })),
  );
}
