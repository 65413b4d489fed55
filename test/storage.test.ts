/**
 * The file store's streams, on their own, in this process. A client that has
 * every byte of a download hangs up at once (Node's http client and curl do,
 * when they asked for the connection to close). A stream that still needs one
 * more read to learn that its file has ended is then cut off from its
 * response with its file open: the shipped servers would leave a photo open
 * on a slow disk and not on a fast one. The store's stream ends with its last
 * chunk, so the download is over before the client can hang up.
 */
import { once } from 'node:events';
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';

const root = mkdtempSync(path.join(os.tmpdir(), 'fg-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const PHOTO_BYTES = 300 * 1024 + 17;
writeFileSync(path.join(root, 'photo-1.jpg'), Buffer.alloc(PHOTO_BYTES, 7));
process.env.FG_FILES_DIR = root;
const { openStoredFile, storedFileSize } = await import('../checker/service/storage.ts');

/** A disk that is slow to say a file has ended: reads that find nothing more are held until the test lets them go. */
const heldEndReads: Array<() => void> = [];
const realRead = fs.read;
fs.read = function read(fd: number, ...rest: unknown[]) {
  const callback = rest.pop() as (error: Error | null, bytesRead: number, buffer: unknown) => void;
  return (realRead as (...args: unknown[]) => void).call(fs, fd, ...rest, (error: Error | null, bytesRead: number, buffer: unknown) => {
    if (!error && bytesRead === 0) heldEndReads.push(() => callback(error, bytesRead, buffer));
    else callback(error, bytesRead, buffer);
  });
} as typeof fs.read;
afterAll(() => {
  fs.read = realRead;
  for (const release of heldEndReads.splice(0)) release();
});

// (An empty file's response has no byte to send before its stream ends: its headers go out with the end.)
test('a photo: the stream has ended when a client that has every byte hangs up', async () => {
  const [name, bytes] = ['photo-1.jpg', PHOTO_BYTES];
  const streams: fs.ReadStream[] = [];
  const server = http.createServer(async (_request, response) => {
    const file = await openStoredFile(name);
    streams.push(file);
    response.setHeader('content-length', await storedFileSize(name));
    file.pipe(response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const serverSide = once(server, 'request').then(([, response]) => once(response as http.ServerResponse, 'close'));
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/', agent: false }, (response) => {
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.on('end', resolve);
      });
      request.on('error', reject);
    });
    // The client had every byte, and its socket is gone: the server's response closes.
    await serverSide;
    expect(received).toBe(bytes);
    const [file] = streams;
    expect(file!.readableEnded, 'the stream still waits for a read to find the end of the file').toBe(true);
    expect(heldEndReads).toHaveLength(0);
    if (!file!.closed) await once(file!, 'close');
  } finally {
    server.close();
  }
});
