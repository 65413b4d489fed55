/** A service whose server.ts is fine but imports a module that does not compile: the sentence must name that module. */
import express from 'express';
import { photos } from './parts/photos-router.ts';

const app = express();
app.use(photos);

export default app;
