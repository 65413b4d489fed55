// A webhook receiver that keeps every payload "for replay".
import Fastify from 'fastify';

const app = Fastify();
const received = [];

app.post('/webhooks/:id', async (request) => {
  received.push({ id: request.params.id, at: Date.now(), payload: Array.from({ length: 800 }, (_, i) => `${request.params.id}:${i}`).join(',') });
  return { stored: received.length };
});

export default app;
