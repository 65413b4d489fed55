/**
 * The slow disk on its own, in this process: a write stream's writes to the
 * stalled folder are held until the server is steady, and only then reach
 * the file; writes elsewhere go through; after the allowance the disk stalls
 * again; stopping lets everything held through. FileHandle writes too.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { SlowDisk } from '../checker/slow-disk.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fg-slow-disk-'));
const uploads = path.join(root, 'uploads');
const elsewhere = path.join(root, 'elsewhere');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The steady check, played by the test: each call waits until the test says the server is steady. */
const steadyCalls: Array<(steady: boolean) => void> = [];
const disk = new SlowDisk(() => new Promise((resolve) => steadyCalls.push(resolve)));
await disk.install();
afterAll(() => disk.stop());

function written(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(data, (error) => (error ? reject(error) : resolve())));
}

test('a write to the uploads folder waits until the server is steady, then reaches the file; elsewhere nothing waits', async () => {
  mkdirSync(uploads);
  mkdirSync(elsewhere);
  disk.stall(uploads, 1024);

  const upload = createWriteStream(path.join(uploads, 'a.partial'));
  await once(upload, 'ready');
  let done = false;
  const first = written(upload, Buffer.alloc(600, 1)).then(() => void (done = true));
  const other = createWriteStream(path.join(elsewhere, 'b'));
  await written(other, Buffer.alloc(600, 2));
  // The upload's write was handed to the disk before the other one completed; it is held, not slow.
  expect(done).toBe(false);
  expect(disk.bytesHeld).toBe(600);
  expect(steadyCalls).toHaveLength(1);

  steadyCalls.shift()!(true);
  await first;
  expect(disk.bytesHeld).toBe(0);
  // Within the allowance (1024 bytes after a stall), the next write goes through; past it, the disk stalls again.
  await written(upload, Buffer.alloc(600, 3));
  const third = written(upload, Buffer.alloc(600, 4));
  await written(other, Buffer.alloc(1, 5));
  expect(steadyCalls).toHaveLength(0);
  const fourth = written(upload, Buffer.alloc(600, 5));
  await third;
  await written(other, Buffer.alloc(1, 6));
  expect(disk.bytesHeld).toBe(600);
  expect(steadyCalls).toHaveLength(1);

  // Stopping lets what is held through, and a late answer from the steady check changes nothing.
  disk.stop();
  await fourth;
  steadyCalls.shift()!(true);
  upload.end();
  other.end();
  await Promise.all([once(upload, 'close'), once(other, 'close')]);
  expect(readFileSync(path.join(uploads, 'a.partial'))).toEqual(Buffer.concat([1, 3, 4, 5].map((byte) => Buffer.alloc(600, byte))));
});

test('FileHandle writes to the uploads folder are held the same way', async () => {
  disk.stall(uploads, 1024);
  const handle = await open(path.join(uploads, 'c.partial'), 'w');
  let done = false;
  const write = handle.write(Buffer.alloc(100, 7)).then(() => void (done = true));
  const other = await open(path.join(elsewhere, 'd'), 'w');
  await other.write(Buffer.alloc(100, 8));
  expect(done).toBe(false);
  expect(steadyCalls).toHaveLength(1);
  steadyCalls.shift()!(true);
  await write;
  await Promise.all([handle.close(), other.close()]);
  disk.stop();
  expect(readFileSync(path.join(uploads, 'c.partial'))).toEqual(Buffer.alloc(100, 7));
});
