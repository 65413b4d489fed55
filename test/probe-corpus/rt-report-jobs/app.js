import Fastify from 'fastify';

// Report generation: POST /reports starts a job, the server polls the
// "worker" until it is finished and stores the result for download.
const jobs = new Map();
let nextId = 1;

function fakeWorkerStatus(job) {
  const elapsed = Date.now() - job.startedAt;
  return elapsed > 50 ? { state: 'completed', rows: 1200 } : { state: 'running' };
}

export const app = Fastify({ logger: false });
app.post('/reports', async (req, reply) => {
  const id = String(nextId++);
  const job = { id, params: req.body, startedAt: Date.now(), status: 'running', result: null };
  jobs.set(id, job);
  const poller = setInterval(() => {
    const s = fakeWorkerStatus(job);
    job.status = s.state;
    if (s.state === 'done') {
      job.result = { rows: s.rows };
      clearInterval(poller);
      jobs.delete(id);
    }
  }, 1000);
  reply.code(202);
  return { id, status: job.status };
});
app.get('/reports/:id', async (req, reply) => {
  const job = jobs.get(req.params.id);
  if (!job) { reply.code(404); return { error: 'unknown report' }; }
  return { id: job.id, status: job.status };
});
await app.ready();
export default app.server;
