// A landing page that remembers every visitor's first request.
import Koa from 'koa';

const app = new Koa();
const visitors = new Map();

app.use(async (ctx) => {
  const id = String(ctx.query.visitor);
  if (!visitors.has(id)) visitors.set(id, { firstSeen: Date.now(), headers: { ...ctx.headers }, trail: Array.from({ length: 1000 }, (_, i) => `${ctx.path} #${i}`).join(' ') });
  ctx.body = { visitors: visitors.size };
});

export default app;
