/** Starts an interval for every request and only unrefs it: it never keeps the process alive, and never stops. */
import http from 'node:http';

let ticks = 0;

export default http.createServer((_req, res) => {
  setInterval(() => {
    ticks += 1;
  }, 60_000).unref();
  res.end(String(ticks));
});
