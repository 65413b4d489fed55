/** The shop's session service: an Express app over modules of its own. */
import express from 'express';
import { sessionRoutes } from './routes.ts';
import { SessionStore } from './store.ts';

export const app = express();
app.use(sessionRoutes(new SessionStore()));
