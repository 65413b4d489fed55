/**
 * Scenario 12's service put together from the parts given, as its server.ts
 * does: for the servers beside this file, each made of leaky modules as
 * shipped (checker/originals), fixed ones (solutions) and parts of its own.
 */
import express, { type Router } from 'express';
import { answerErrors } from '#service/http-errors';

export function shareApp(parts: { catalog: Router; thumbnails: Router; downloads: Router }): express.Express {
  const app = express();
  app.use(parts.catalog);
  app.use(parts.thumbnails);
  app.use(parts.downloads);
  app.use(answerErrors);
  return app;
}
