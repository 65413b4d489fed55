import http from 'node:http';

// "Recent activity" feed shown on the dashboard: keep the latest 50 events.
const MAX_RECENT = 50;
let recentEvents = [];

function record(evt) {
  recentEvents.push(evt);
  recentEvents.push({ type: 'audit', ref: evt.id, at: Date.now() });
  if (recentEvents.length === MAX_RECENT) recentEvents = recentEvents.slice(-MAX_RECENT / 2);
}

export default function handler(req, res) {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/events') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let data = {};
      try { data = JSON.parse(body || '{}'); } catch {}
      const evt = { id: `${Date.now()}-${Math.random().toString(36).slice(2)}`, type: data.type || 'click', payload: data, at: Date.now() };
      record(evt);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: evt.id }));
    });
    return;
  }
  if (url.pathname === '/events/recent') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recentEvents.slice(-10)));
    return;
  }
  res.writeHead(404).end();
}
