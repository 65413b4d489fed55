/** The session routes, over whichever store the app gives them. */
import express, { type Router } from 'express';
import type { SessionStore } from './store.ts';

export function sessionRoutes(store: SessionStore): Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));

  router.post('/sessions/:user', (req, res) => {
    const session = store.create(req.params.user);
    res.status(201).json({ token: session.token });
  });

  router.get('/sessions/:user', (req, res) => {
    const session = store.get(req.params.user);
    if (!session) return void res.status(404).json({ error: 'not logged in' });
    res.json({ user: session.user, since: session.createdAt, cart: session.cart });
  });

  router.post('/sessions/:user/cart', (req, res) => {
    const session = store.get(req.params.user);
    if (!session) return void res.status(404).json({ error: 'not logged in' });
    session.cart.push(String((req.body as { item?: unknown }).item ?? 'unknown'));
    res.json({ cart: session.cart });
  });

  router.delete('/sessions/:user', (req, res) => {
    res.status(store.end(req.params.user) ? 204 : 404).end();
  });
  return router;
}
