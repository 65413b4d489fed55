/**
 * One leak of three fixed: downloads use pipeline.
 * The service of scenario 12 put together from the leaky modules as shipped
 * (checker/originals) and the fixed ones (solutions).
 */
import express from 'express';
import { answerErrors } from '#service/http-errors';
import { catalog } from '../../../checker/originals/12-the-incident/catalog.ts';
import { downloads } from '../../../solutions/12-the-incident/downloads.ts';
import { thumbnails } from '../../../checker/originals/12-the-incident/thumbnails.ts';

const app = express();

app.use(catalog);
app.use(thumbnails);
app.use(downloads);
app.use(answerErrors);

export default app;
