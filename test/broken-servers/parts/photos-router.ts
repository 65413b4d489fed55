/** A module of a service spread over several files, with a syntax error in it (a missing parenthesis). */
import express from 'express';
import { readStoredFile } from '#service/storage';

export const photos = express.Router();

photos.get('/files/:name', async (req, res) => {
  res.type('image/jpeg').send(await readStoredFile(req.params.name);
});
