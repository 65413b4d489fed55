/**
 * A disk that is full for some uploads, so that a check can send the error
 * path of an upload handler: creating or writing a file whose name starts
 * with `disk-full-` fails with ENOSPC, through whichever `fs` call the server
 * uses (writeFile, open, a write stream, FileHandle), every time, on every
 * machine. Every other file is written as usual.
 *
 * Installed in the server's process before the server loads, so that its
 * named imports of `fs` and `fs/promises` see the wrappers too.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Uploads whose name starts with this find the disk full. */
export const FULL_DISK_PREFIX = 'disk-full-';

function refused(file: unknown, flags: unknown = 'w'): boolean {
  if (typeof file !== 'string' && !(file instanceof URL)) return false;
  const name = path.basename(file instanceof URL ? fileURLToPath(file) : file);
  // Reading such a file (there is none) is not refused; creating or writing one is.
  return name.startsWith(FULL_DISK_PREFIX) && (typeof flags !== 'string' || /[wa+]/.test(flags));
}

function noSpace(syscall: string, file: unknown): NodeJS.ErrnoException {
  const where = String(file instanceof URL ? fileURLToPath(file) : file);
  const error = Object.assign(new Error(`ENOSPC: no space left on device, ${syscall} '${where}'`), { code: 'ENOSPC', errno: -28, syscall, path: where });
  // As the system's own: no frame of this file (a crash it causes would be put down to the checker's code).
  error.stack = `Error: ${error.message}`;
  return error;
}

export function installFullDisk(): void {
  const open = fs.open;
  fs.open = function openOnFullDisk(file: fs.PathLike, ...rest: unknown[]) {
    const flags = typeof rest[0] === 'function' ? 'r' : rest[0];
    if (refused(file, flags)) {
      const callback = rest.at(-1) as (error: Error) => void;
      process.nextTick(() => callback(noSpace('open', file)));
      return;
    }
    return open.call(fs, file, ...(rest as [never]));
  } as typeof fs.open;
  const openSync = fs.openSync;
  fs.openSync = function openSyncOnFullDisk(file: fs.PathLike, flags?: fs.OpenMode, ...rest: unknown[]) {
    if (refused(file, flags ?? 'r')) throw noSpace('open', file);
    return openSync.call(fs, file, flags as fs.OpenMode, ...(rest as [never]));
  } as typeof fs.openSync;
  const writeFile = fs.writeFile;
  fs.writeFile = function writeFileOnFullDisk(file: unknown, ...rest: unknown[]) {
    if (refused(file)) {
      const callback = rest.at(-1) as (error: Error) => void;
      process.nextTick(() => callback(noSpace('open', file)));
      return;
    }
    return (writeFile as (...args: unknown[]) => void).call(fs, file, ...rest);
  } as typeof fs.writeFile;
  const writeFileSync = fs.writeFileSync;
  fs.writeFileSync = function writeFileSyncOnFullDisk(file: unknown, ...rest: unknown[]) {
    if (refused(file)) throw noSpace('open', file);
    return (writeFileSync as (...args: unknown[]) => void).call(fs, file, ...rest);
  } as typeof fs.writeFileSync;
  const promises = fs.promises as unknown as Record<'open' | 'writeFile' | 'appendFile', (...args: unknown[]) => Promise<unknown>>;
  const openHandle = promises.open;
  promises.open = function openHandleOnFullDisk(file: unknown, flags: unknown = 'r', ...rest: unknown[]) {
    if (refused(file, flags)) return Promise.reject(noSpace('open', file));
    return openHandle.call(fs.promises, file, flags, ...rest);
  };
  for (const name of ['writeFile', 'appendFile'] as const) {
    const real = promises[name];
    promises[name] = function onFullDisk(file: unknown, ...rest: unknown[]) {
      if (refused(file)) return Promise.reject(noSpace('open', file));
      return real.call(fs.promises, file, ...rest);
    };
  }
  syncBuiltinESMExports();
}
