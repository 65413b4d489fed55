/**
 * The highest object id in a heap snapshot, read from its JSON as it streams
 * by. V8 keeps an object's id across the snapshots of one process and numbers
 * the objects a snapshot meets for the first time above every id it gave
 * before: an object with an id above a snapshot's highest was born after it.
 * That number is all the baseline has to say, so the baseline is never parsed
 * as a whole (no JSON.parse, no memlab): only the ids column of its "nodes"
 * array is read, digit by digit.
 *
 * V8 numbers heap objects with odd ids, counting up by two. Even ids belong to
 * the nodes Node adds to the graph for its own C++ objects (Environment,
 * BindingData, AliasedUint32Array…): made from a pointer, anew in every
 * snapshot, they say nothing about age and are left out on both sides.
 */

import { closeSync, openSync, readSync } from 'node:fs';

const NODES_START = '"nodes":[';
const COMMA = 0x2c;
const CLOSE = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;

/** Reads the snapshot's JSON a chunk at a time; `done` once the "nodes" array has closed. */
class NodeIdScanner {
  /** The bytes before the nodes seen so far, while the meta (which column is the id) has not all come. */
  private head: Buffer | null = null;
  private idColumn = -1;
  private columns = 0;
  private column = 0;
  private value = 0;
  private inNumber = false;
  highest = 0;
  done = false;

  /** `chunk` is read at once and not kept: its buffer may be used again. */
  push(chunk: Buffer): void {
    if (this.columns === 0) {
      // The meta comes before the nodes, in the first few KiB; only that much becomes a string (a chunk of a MiB
      // decoded whole would be an external string that outlives the read, in the server's memory).
      const joined = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const start = joined.indexOf(NODES_START, 0, 'latin1');
      if (start < 0) {
        this.head = Buffer.from(joined);
        return;
      }
      this.readMeta(joined.toString('latin1', 0, start));
      this.head = null;
      this.scan(joined.subarray(start + NODES_START.length));
      return;
    }
    this.scan(chunk);
  }

  private readMeta(head: string): void {
    const fields = /"node_fields":(\[[^\]]*\])/.exec(head);
    if (!fields) throw new Error('the heap snapshot has no node_fields before its nodes');
    const names = JSON.parse(fields[1]!) as string[];
    this.idColumn = names.indexOf('id');
    this.columns = names.length;
    if (this.idColumn < 0) throw new Error(`the heap snapshot's nodes have no id field (${names.join(', ')})`);
  }

  private scan(bytes: Buffer): void {
    for (let i = 0; i < bytes.length && !this.done; i++) {
      const byte = bytes[i]!;
      if (byte >= ZERO && byte <= NINE) {
        this.value = this.value * 10 + (byte - ZERO);
        this.inNumber = true;
        continue;
      }
      if (this.inNumber) this.endNumber();
      if (byte === CLOSE) this.done = true;
      else if (byte !== COMMA && byte > 0x20) throw new Error(`unexpected "${String.fromCharCode(byte)}" in the heap snapshot's nodes`);
    }
  }

  private endNumber(): void {
    if (this.column === this.idColumn && isNumbered(this.value) && this.value > this.highest) this.highest = this.value;
    this.column = (this.column + 1) % this.columns;
    this.value = 0;
    this.inNumber = false;
  }
}

function isNumbered(id: number): boolean {
  return id % 2 === 1;
}

/** Was the object with this id born after the snapshot whose highest id is `highest`? */
export function bornAfter(id: number, highest: number): boolean {
  return isNumbered(id) && id > highest;
}

/** The highest heap object id of the snapshot whose JSON `chunks` carry; stops reading once its nodes are read. */
export async function highestNodeId(chunks: AsyncIterable<Buffer>): Promise<number> {
  const scanner = new NodeIdScanner();
  for await (const chunk of chunks) {
    scanner.push(chunk);
    if (scanner.done) return scanner.highest;
  }
  throw new Error('the heap snapshot ended before its nodes did');
}

/**
 * The same, from a snapshot written to `file`, read with one buffer and no stream: a server that reads its own
 * snapshot keeps nothing of it afterwards (v8.getHeapSnapshot()'s stream left about 4 MiB of ArrayBuffers and 8 MiB of
 * external memory alive after a collection, which a peak measure would have taken for the server's baseline).
 */
export function highestNodeIdInFile(file: string): number {
  const scanner = new NodeIdScanner();
  const buffer = Buffer.allocUnsafeSlow(64 * 1024);
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0 && !scanner.done; read = readSync(fd, buffer)) scanner.push(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  if (!scanner.done) throw new Error('the heap snapshot ended before its nodes did');
  return scanner.highest;
}
