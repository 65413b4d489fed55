import express from 'express';
import crypto from 'node:crypto';

// Orders API with an audit trail. Audit records are batched and shipped to
// the audit collector when AUDIT_COLLECTOR_URL is configured.
const AUDIT_BATCH = 500;
const auditQueue = [];

function audit(req, action) {
  auditQueue.push({ id: crypto.randomUUID(), action, path: req.path, at: Date.now() });
  if (process.env.AUDIT_COLLECTOR_URL && auditQueue.length >= AUDIT_BATCH) {
    const batch = auditQueue.splice(0, auditQueue.length);
    fetch(process.env.AUDIT_COLLECTOR_URL, { method: 'POST', body: JSON.stringify(batch) }).catch(() => {});
  }
}

const orders = Array.from({ length: 50 }, (_, i) => ({ id: i, total: 10 * i, status: i % 3 ? 'shipped' : 'open' }));
export const app = express();
app.get('/orders', (req, res) => { audit(req, 'list'); res.json(orders.slice(0, 20)); });
app.get('/orders/:id', (req, res) => {
  audit(req, 'read');
  const o = orders[Number(req.params.id) % orders.length];
  res.json(o);
});
