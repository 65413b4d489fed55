import express from 'express';

// Receives webhooks from partners and relays them to internal consumers.
// Failed deliveries are retried later from the retry registry.
const retryRegistry = new Map();
let seq = 0;

async function deliver(topic, payload) {
  // simulated internal consumer
  await new Promise((r) => setImmediate(r));
  return { ok: true, topic, size: JSON.stringify(payload).length };
}

function scheduleDelivery(topic, payload) {
  const deliveryId = `${topic}:${++seq}`;
  const attempt = () => deliver(topic, payload);
  retryRegistry.set(deliveryId, { attempt, tries: 0, topic });
  return attempt().then((r) => {
    if (!r.ok) return r;
    retryRegistry.delete(topic); // delivered, no retry needed
    return r;
  });
}

export const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/hooks/:partner', async (req, res) => {
  const result = await scheduleDelivery(`partner.${req.params.partner}`, req.body);
  res.status(202).json({ accepted: true, size: result.size });
});
setInterval(() => {
  for (const [id, r] of retryRegistry) if (r.tries < 5) { r.tries++; r.attempt().then(() => retryRegistry.delete(id)); }
}, 60_000).unref();
