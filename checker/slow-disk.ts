/**
 * A disk that is slow on purpose, for checks that judge how a server writes
 * its uploads. While it stalls, writes to files in the folders it is given
 * (a harness gives it the disk's root: every file the server writes) wait:
 * they go through only once the server has done all it can without them
 * (it is steady), and after `stallEveryBytes` more the disk stalls again. A
 * server that respects backpressure stops reading its uploads while it
 * waits; one that ignores it reads on, into memory. How fast the real disk
 * is, or how busy the machine, changes what the server holds at no moment
 * that counts.
 *
 * Installed in the server's process before the server loads: it wraps the
 * `fs` functions write streams call (open, close, write, writev; so
 * `createWriteStream` and `pipeline` to one), and FileHandle's write and
 * writev (`fs/promises`), whoever calls them. It stalls nothing until `stall`.
 */
import fs from 'node:fs';
import { open as openHandle, type FileHandle } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type Callback = (...args: unknown[]) => void;

export class SlowDisk {
  /** Where each descriptor opened through `fs.open` points, to tell which writes go to the uploads folder. */
  private readonly openFiles = new Map<number, string>();
  private readonly openHandles = new WeakMap<FileHandle, string>();
  private folders: readonly string[] = [];
  private stallEveryBytes = 0;
  private allowance = 0;
  private readonly held: Array<() => void> = [];
  private heldBytes = 0;
  private waiting = false;

  /**
   * @param untilSteady Resolves once the server has done all it can while its writes wait: true, or false when
   *   it never got there within the harness's bound (it has work that never ends, and stalling it again tells nothing more).
   */
  constructor(private readonly untilSteady: () => Promise<boolean>) {}

  /** Bytes of writes held back now: part of the state the harness watches for the server being steady. */
  get bytesHeld(): number {
    return this.heldBytes;
  }

  /** Wrap the `fs` functions; call before the server's modules load, so their named imports see the wrappers too. */
  async install(): Promise<void> {
    const disk = this;
    const realOpen = fs.open;
    fs.open = function open(file: fs.PathLike, ...rest: unknown[]) {
      const callback = rest.pop() as Callback;
      return realOpen.call(fs, file, ...(rest as []), ((error: Error | null, fd: number) => {
        if (!error) disk.openFiles.set(fd, resolved(file));
        callback(error, fd);
      }) as never);
    } as typeof fs.open;
    const realClose = fs.close;
    fs.close = function close(fd: number, ...rest: unknown[]) {
      disk.openFiles.delete(fd);
      return realClose.call(fs, fd, ...(rest as []));
    } as typeof fs.close;
    for (const name of ['write', 'writev'] as const) {
      const real = fs[name] as (...args: unknown[]) => void;
      fs[name] = function stalled(fd: number, data: unknown, ...rest: unknown[]) {
        disk.admit(disk.openFiles.get(fd), byteLength(data), () => real.call(fs, fd, data, ...rest));
      } as never;
    }

    const realOpenHandle = fs.promises.open;
    fs.promises.open = async function open(file: fs.PathLike | FileHandle, ...rest: unknown[]) {
      const handle = await realOpenHandle.call(fs.promises, file as fs.PathLike, ...(rest as []));
      disk.openHandles.set(handle, resolved(file as fs.PathLike));
      return handle;
    } as typeof fs.promises.open;
    // FileHandle is not exported: its prototype is that of any open handle.
    const any = await openHandle(process.execPath);
    const prototype = Object.getPrototypeOf(any) as Record<'write' | 'writev', (...args: unknown[]) => Promise<unknown>>;
    await any.close();
    for (const name of ['write', 'writev'] as const) {
      const real = prototype[name];
      prototype[name] = function stalled(this: FileHandle, data: unknown, ...rest: unknown[]) {
        return new Promise((resolve, reject) => {
          disk.admit(disk.openHandles.get(this), byteLength(data), () => real.call(this, data, ...rest).then(resolve, reject));
        });
      };
    }
    syncBuiltinESMExports();
  }

  /** Start stalling writes to files in `folders` (the uploads folder, or a disk's root: every file): the first waits until the server is steady. */
  stall(folders: string | readonly string[], stallEveryBytes: number): void {
    // A disk's root ("/", "C:\\") ends with its separator already.
    this.folders = [folders].flat().map((folder) => path.resolve(folder)).map((folder) => (folder.endsWith(path.sep) ? folder : folder + path.sep));
    this.stallEveryBytes = stallEveryBytes;
    this.allowance = 0;
  }

  /** Stop stalling, and let every held write through. */
  stop(): void {
    this.folders = [];
    this.release();
  }

  private admit(file: string | undefined, bytes: number, write: () => void): void {
    if (!file || !this.folders.some((folder) => file.startsWith(folder))) return write();
    if (this.allowance > 0) {
      this.allowance -= bytes;
      return write();
    }
    this.held.push(write);
    this.heldBytes += bytes;
    if (!this.waiting) void this.waitThenRelease();
  }

  private async waitThenRelease(): Promise<void> {
    this.waiting = true;
    const steady = await this.untilSteady();
    this.waiting = false;
    if (!steady) this.folders = [];
    this.allowance = this.stallEveryBytes;
    this.release();
  }

  private release(): void {
    const writes = this.held.splice(0);
    this.heldBytes = 0;
    for (const write of writes) write();
  }
}

function resolved(file: fs.PathLike): string {
  return path.resolve(file instanceof URL ? fileURLToPath(file) : String(file));
}

function byteLength(data: unknown): number {
  if (Array.isArray(data)) return data.reduce((sum: number, item) => sum + byteLength(item), 0);
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return typeof data === 'string' ? Buffer.byteLength(data) : 0;
}
