import Koa from 'koa';
import { EventEmitter } from 'node:events';

// Feature flags service. Clients fetch their flags; when an operator flips a
// flag we want the next response for that client to be fresh.
const flagBus = new EventEmitter();
flagBus.setMaxListeners(0);
const flags = { newCheckout: false, darkMode: true, betaSearch: false };
const responseCache = new Map(); // per-app, small and fixed set of apps

export const app = new Koa();
app.use(async (ctx) => {
  const m = ctx.path.match(/^\/apps\/([\w-]+)\/flags$/);
  if (m && ctx.method === 'GET') {
    const appId = m[1];
    const clientVersion = ctx.get('x-client-version') || 'web';
    const subscription = { appId, clientVersion, requestedAt: Date.now(), headers: { ...ctx.headers } };
    flagBus.on('flag-changed', (name) => {
      if (subscription.appId === appId) responseCache.delete(appId);
    });
    if (!responseCache.has(appId)) responseCache.set(appId, { ...flags, appId });
    ctx.body = responseCache.get(appId);
    return;
  }
  if (ctx.method === 'POST' && ctx.path.startsWith('/flags/')) {
    const name = ctx.path.split('/')[2];
    flags[name] = !flags[name];
    flagBus.emit('flag-changed', name);
    ctx.status = 204;
    return;
  }
  ctx.status = 404;
});
export default app.callback();
