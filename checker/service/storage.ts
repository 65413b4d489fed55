/**
 * The file store the scenarios' services share: a folder of large files to
 * serve and a folder for uploads. It is the part of each service that is not
 * the lesson, so every scenario's server.ts stays short.
 *
 * Names are checked before they touch the disk (no path traversal, no absolute
 * paths), and disk reads are counted, which is how a check can tell that a
 * cache still saves reads.
 */
import { EventEmitter } from 'node:events';
import { createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureFixtures, FIXTURES_DIR } from '../fixtures.ts';
import { asCalledFrom } from './caller.ts';

export const FILES_DIR = process.env.FG_FILES_DIR ?? FIXTURES_DIR;
export const UPLOADS_DIR = process.env.FG_UPLOADS_DIR ?? path.join(FIXTURES_DIR, '..', 'uploads');

/** Largest upload any scenario service accepts. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** A request named a file in a way the store refuses; answer 400. */
export class BadFileNameError extends Error {
  readonly status = 400;
  constructor(name: string) {
    super(`"${name}" is not a valid file name`);
  }
}

/** A request named a file that is not in the store; answer 404. */
export class FileNotFoundError extends Error {
  readonly status = 404;
  constructor(name: string) {
    super(`no file named "${name}"`);
  }
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A plain file name (letters, digits, dot, dash, underscore), never a path. */
export function checkFileName(name: string): string {
  if (!SAFE_NAME.test(name) || name.includes('..')) throw new BadFileNameError(name);
  return name;
}

/** What the store has done since the process started; the checker reads it. */
export const storageStats = { diskReads: 0, bytesRead: 0, uploadsWritten: 0 };

/**
 * Emits `changed` with a file name when a stored file is replaced. Services
 * that hold on to a file's bytes listen here to learn that they are stale.
 */
export const fileEvents = new EventEmitter();

/** Replace a stored file's contents and tell every listener. */
export async function replaceStoredFile(name: string, data: Uint8Array): Promise<void> {
  const target = path.join(FILES_DIR, checkFileName(name));
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, target);
  fileEvents.emit('changed', name);
}

function resolveStored(name: string): string {
  return path.join(FILES_DIR, checkFileName(name));
}

function notFoundOr(error: unknown, name: string): unknown {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? new FileNotFoundError(name) : error;
}

/** Read a whole file (`name` as the request gave it, for the 404), counted as a disk read. */
async function readCounted(file: string, name: string): Promise<Buffer> {
  try {
    const data = await readFile(file);
    storageStats.diskReads += 1;
    storageStats.bytesRead += data.length;
    return data;
  } catch (error) {
    throw notFoundOr(error, name);
  }
}

async function sizeOf(file: string, name: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    throw notFoundOr(error, name);
  }
}

/** Read a whole stored file from disk. */
export async function readStoredFile(name: string): Promise<Buffer> {
  return readCounted(resolveStored(name), name);
}

/** The size of a stored file in bytes; throws FileNotFoundError if there is none. */
export async function storedFileSize(name: string): Promise<number> {
  return sizeOf(resolveStored(name), name);
}

/** Open a stored file for streaming; the caller owns the stream and must end it. */
export function openStoredFile(name: string): Promise<ReadStream> {
  return asCalledFrom(openStoredFile, async () => countedReadStream(resolveStored(name), await storedFileSize(name)));
}

/**
 * A stream of the file's first `size` bytes, the size its response announces.
 * Ending at that size, it ends with its last chunk, without one more read to
 * find the end of the file: a client that has every byte and hangs up at once
 * finds the download over, on a slow disk as on a fast one.
 */
function countedReadStream(file: string, size: number): ReadStream {
  storageStats.diskReads += 1;
  storageStats.bytesRead += size;
  return createReadStream(file, { end: Math.max(size - 1, 0) });
}

/** The names of the stored files, sorted. */
export async function listStoredFiles(): Promise<string[]> {
  return (await readdir(FILES_DIR)).filter((name) => SAFE_NAME.test(name) && !name.endsWith('.tmp')).sort();
}

/** The path an upload named `name` is stored at. */
export function uploadPath(name: string): string {
  return path.join(UPLOADS_DIR, checkFileName(name));
}

/** Store a whole upload at once. */
export async function writeUpload(name: string, data: Uint8Array): Promise<void> {
  await mkdir(UPLOADS_DIR, { recursive: true });
  const target = uploadPath(name);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, target);
  storageStats.uploadsWritten += 1;
}

/** Read a whole stored upload. */
export async function readUploadedFile(name: string): Promise<Buffer> {
  return readCounted(uploadPath(name), name);
}

/** The size of a stored upload in bytes; throws FileNotFoundError if there is none. */
export async function uploadedFileSize(name: string): Promise<number> {
  return sizeOf(uploadPath(name), name);
}

/** Open a stored upload for streaming; the caller owns the stream and must end it (counted as openStoredFile counts). */
export function openUploadedFile(name: string): Promise<ReadStream> {
  return asCalledFrom(openUploadedFile, async () => countedReadStream(uploadPath(name), await uploadedFileSize(name)));
}

/** A stream that writes an upload; call `commitUpload` when it is complete, or `discardUpload`. */
export function createUploadStream(name: string): Promise<WriteStream> {
  return asCalledFrom(createUploadStream, async () => {
    await mkdir(UPLOADS_DIR, { recursive: true });
    return createWriteStream(`${uploadPath(name)}.partial`);
  });
}

export async function commitUpload(name: string): Promise<void> {
  await rename(`${uploadPath(name)}.partial`, uploadPath(name));
  storageStats.uploadsWritten += 1;
}

export async function discardUpload(name: string): Promise<void> {
  await rm(`${uploadPath(name)}.partial`, { force: true });
}

ensureFixtures();
