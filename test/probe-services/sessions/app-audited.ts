/** The same service with the audited store: ended sessions are never removed. */
import express from 'express';
import { AuditedSessionStore } from './audited-store.ts';
import { sessionRoutes } from './routes.ts';

export const app = express();
app.use(sessionRoutes(new AuditedSessionStore()));
