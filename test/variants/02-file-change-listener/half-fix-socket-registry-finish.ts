/**
 * INTENDED: Shared listener + Map name -> Set of sockets to destroy; remove on 'finish'.
 * ACTUALLY: LEAKS the socket (and through socket._httpMessage its response) of every mid-transfer hang-up.
 * PROOF: driver: 0 listeners, 2 responses + 2 sockets alive after GC.
 * Check: FAIL (responses kept yours 2). RIGHT.
 */
/**
 * Document downloads for the team drive. Documents can be replaced while
 * someone is downloading them; a download whose file changes mid-transfer is
 * cut off, so the client retries instead of saving half old, half new bytes.
 */
import express from 'express';
import type { Socket } from 'node:net';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** The connections downloading each file; a change cuts them. One listener for all. */
const downloading = new Map<string, Set<Socket>>();
fileEvents.on('changed', (changed: string) => {
  for (const connection of downloading.get(changed) ?? []) connection.destroy();
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  const connection = res.socket;
  if (!connection) return;
  let set = downloading.get(name);
  if (!set) downloading.set(name, (set = new Set()));
  set.add(connection);
  // Sent: this connection is no longer downloading the file.
  res.on('finish', () => set.delete(connection));
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
