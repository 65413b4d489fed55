/**
 * INTENDED: One shared listener + Map socket -> name (cut by socket.destroy()), deleted on res 'finish'.
 * ACTUALLY: LEAKS the hung-up-before-first-byte downloads: the Socket stays in the Map and keeps its ServerResponse (socket._httpMessage) and IncomingMessage.
 * PROOF: hang up before first byte x2 -> Socket +2, ServerResponse +2, IncomingMessage +2; listeners 0. Feature OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (listeners 0, bytes 0 B, responses 2; path Map -> Socket -> ServerResponse). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// one listener; the connection carrying each download in flight
const inFlight = new Map<import('node:net').Socket, string>();
fileEvents.on('changed', (changed: string) => {
  for (const [socket, name] of inFlight) if (name === changed) socket.destroy();
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const socket = req.socket;
  inFlight.set(socket, name);
  res.on('finish', () => inFlight.delete(socket));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
