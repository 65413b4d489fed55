/** Adds a listener to the file store's shared emitter for every request and never removes it. */
import http from 'node:http';
import { fileEvents } from '#service/storage';

let changes = 0;

export default http.createServer((_req, res) => {
  fileEvents.once('changed', () => {
    changes += 1;
  });
  res.end(String(changes));
});
