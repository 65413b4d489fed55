import express from 'express';

// A tiny connection pool in front of a (simulated) database. Connections are
// opened lazily, up to POOL_MAX, and reused round-robin afterwards; each
// connection sends a keepalive ping.
const POOL_MAX = 12;
const pool = [];
let rr = 0;

class Connection {
  constructor(id) {
    this.id = id;
    this.buffer = Buffer.alloc(256 * 1024); // read buffer
    this.statementCache = new Map();
    this.lastPing = Date.now();
    this.keepalive = setInterval(() => { this.lastPing = Date.now(); }, 30_000);
  }
  async query(sql, params) {
    if (!this.statementCache.has(sql)) this.statementCache.set(sql, { sql, plan: sql.split(' ').length });
    await new Promise((r) => setImmediate(r));
    return [{ id: params[0], name: `user ${params[0]}`, conn: this.id }];
  }
}

function acquire() {
  if (pool.length < POOL_MAX) { const c = new Connection(pool.length + 1); pool.push(c); return c; }
  return pool[rr++ % pool.length];
}

export const app = express();
app.get('/users/:id', async (req, res) => {
  const rows = await acquire().query('SELECT * FROM users WHERE id = $1', [req.params.id]);
  res.json(rows[0]);
});
