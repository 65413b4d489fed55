/**
 * A heap snapshot file, read once, for memlab's heap model.
 *
 * memlab's own reader (`utils.getSnapshotFromFile`) reads the file four times
 * over, once for each of its number arrays (nodes, edges, locations) and once
 * for the rest, turning every 16 MiB of it into a string and walking that
 * string a character at a time: about 600 ms for the 11 MB snapshot of a
 * small Express server, more than half of what memlab spends on it. Here the
 * file is read once, a chunk at a time, its number arrays parsed from the
 * bytes into the typed arrays memlab builds, and the rest (the meta and the
 * strings) handed to JSON.parse: the same object memlab's reader makes, given
 * to memlab's own `HeapSnapshot` (test/snapshot-file.test.ts holds the two to
 * the same result on real snapshots). memlab stays the analysis engine: its
 * heap model, dominators, retained sizes and paths.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import core from './memlab.ts';
import type { IHeapSnapshot } from '@memlab/core';

/** The snapshot's arrays of numbers, in the order V8 writes them. */
const ARRAYS = ['nodes', 'edges', 'locations'] as const;
type ArrayName = (typeof ARRAYS)[number];

const CHUNK_BYTES = 16 * 1024 * 1024;
const ZERO = 0x30;
const NINE = 0x39;
const CLOSE = 0x5d;

/** The JSON of a snapshot as V8 writes it, its number arrays not yet filled in. */
interface RawSnapshot {
  strings: string[];
  snapshot: { meta: { node_fields: string[]; edge_fields: string[] }; node_count: number; edge_count: number };
  nodes: Uint32Array;
  edges: Uint32Array;
  locations: Uint32Array;
}

type HeapSnapshotClass = new (snapshot: RawSnapshot, options: { buildNodeIdIndex?: boolean }) => IHeapSnapshot;

/**
 * memlab's heap model, from the package's own files (it is not among the names it exports); null when this memlab
 * lays its files out otherwise, and its own reader is used instead.
 */
function memlabHeapSnapshot(): HeapSnapshotClass | null {
  try {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve('@memlab/core')), 'lib', 'heap-data', 'HeapSnapshot.js');
    const loaded = require(file) as { default?: unknown };
    return typeof loaded.default === 'function' ? (loaded.default as HeapSnapshotClass) : null;
  } catch {
    return null;
  }
}

let heapSnapshotClass: HeapSnapshotClass | null | undefined;

/** Numbers parsed from the bytes into a typed array of a known length, or one that grows. */
class NumberArray {
  private values: Uint32Array;
  private length = 0;
  private value = 0;
  private inNumber = false;

  constructor(expected: number | null) {
    this.values = new Uint32Array(expected ?? 64 * 1024);
  }

  /** Parse from `start`; the index of the closing bracket, or -1 when the chunk ends first. */
  scan(bytes: Buffer, start: number): number {
    let { value, inNumber } = this;
    for (let i = start; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte >= ZERO && byte <= NINE) {
        value = value * 10 + (byte - ZERO);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        this.push(value);
        value = 0;
        inNumber = false;
      }
      if (byte === CLOSE) {
        this.value = 0;
        this.inNumber = false;
        return i;
      }
    }
    this.value = value;
    this.inNumber = inNumber;
    return -1;
  }

  private push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  done(): Uint32Array {
    return this.length === this.values.length ? this.values : this.values.slice(0, this.length);
  }
}

/** Read a snapshot file in one pass into the object V8's JSON describes, its number arrays as Uint32Arrays. */
export function readSnapshotJson(file: string, chunkBytes = CHUNK_BYTES): RawSnapshot {
  const text: Buffer[] = [];
  const arrays: Partial<Record<ArrayName, Uint32Array>> = {};
  let next = 0;
  let array: NumberArray | null = null;
  // The last bytes of the text read so far, for a key that starts in one chunk and ends in the next.
  let tail: Buffer = Buffer.alloc(0);
  const buffer = Buffer.allocUnsafe(chunkBytes);
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      const chunk = buffer.subarray(0, read);
      let at = 0;
      while (at < chunk.length) {
        if (array) {
          const end = array.scan(chunk, at);
          if (end < 0) break;
          arrays[ARRAYS[next++]!] = array.done();
          array = null;
          // The text goes on from the closing bracket: the JSON keeps an empty array in its place.
          at = end;
          continue;
        }
        if (next === ARRAYS.length) {
          text.push(Buffer.from(chunk.subarray(at)));
          break;
        }
        const key = `"${ARRAYS[next]}":[`;
        // Where the key is in the text from the tail on (the tail, then this chunk from `at`); the chunk is searched where
        // it lies, not copied (a chunk is the whole snapshot, often): only a key that starts in the tail joins the two.
        const found = findKey(tail, chunk, at, key);
        if (found < 0) {
          text.push(Buffer.from(chunk.subarray(at)));
          tail = lastBytes(tail, chunk.subarray(at), key.length - 1);
          break;
        }
        // The key ends in this chunk (the tail is one byte shorter than it): the array's numbers start right after it.
        const start = at + found + key.length - tail.length;
        text.push(Buffer.from(chunk.subarray(at, start)));
        tail = Buffer.alloc(0);
        array = new NumberArray(next === 0 ? expectedLength(text, 'node') : next === 1 ? expectedLength(text, 'edge') : null);
        at = start;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (next < ARRAYS.length) throw new Error(`${file} is not a whole V8 heap snapshot: its "${ARRAYS[next]}" ${array ? 'never end' : 'are missing'}`);
  const raw = JSON.parse(Buffer.concat(text).toString('utf8')) as RawSnapshot;
  return Object.assign(raw, arrays);
}

/** How many numbers the nodes or edges array holds, from the meta before the nodes. */
/** The index of `key` in `tail` followed by `chunk` from `at`, or -1. */
function findKey(tail: Buffer, chunk: Buffer, at: number, key: string): number {
  if (tail.length > 0) {
    const joined = Buffer.concat([tail, chunk.subarray(at, at + key.length)]);
    const found = joined.indexOf(key, 0, 'latin1');
    if (found >= 0 && found < tail.length) return found;
  }
  const found = chunk.indexOf(key, at, 'latin1');
  return found < 0 ? -1 : found - at + tail.length;
}

/** The last `count` bytes of `tail` followed by `rest`, copied (the chunk's buffer is read into again). */
function lastBytes(tail: Buffer, rest: Buffer, count: number): Buffer {
  if (rest.length >= count) return Buffer.from(rest.subarray(rest.length - count));
  const joined = Buffer.concat([tail, rest]);
  return Buffer.from(joined.subarray(Math.max(0, joined.length - count)));
}

function expectedLength(text: readonly Buffer[], kind: 'node' | 'edge'): number | null {
  // The text so far is `{"snapshot":{…},\n"nodes":[` (and, for the edges, the nodes' place): closed, it parses.
  const head = Buffer.concat(text).toString('utf8');
  const start = head.indexOf('"snapshot":');
  const end = head.indexOf('"nodes":');
  if (start < 0 || end < 0) return null;
  try {
    const snapshot = JSON.parse(head.slice(start + '"snapshot":'.length, end).trim().replace(/,$/, '')) as RawSnapshot['snapshot'];
    const fields = kind === 'node' ? snapshot.meta.node_fields : snapshot.meta.edge_fields;
    const count = kind === 'node' ? snapshot.node_count : snapshot.edge_count;
    return Number.isInteger(count) && Array.isArray(fields) ? count * fields.length : null;
  } catch {
    return null;
  }
}

/** A snapshot file as memlab's heap model, read once (memlab's own reader where its model cannot be reached). */
export async function readSnapshotFile(file: string): Promise<IHeapSnapshot> {
  heapSnapshotClass ??= memlabHeapSnapshot();
  if (!heapSnapshotClass) return core.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
  const heap = new heapSnapshotClass(readSnapshotJson(file), { buildNodeIdIndex: true });
  // What memlab's reader decides by looking at every node: a Node process's heap is V8's.
  core.config.jsEngine = 'V8';
  return heap;
}
