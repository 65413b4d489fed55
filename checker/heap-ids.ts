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

const NODES_START = '"nodes":[';
const COMMA = 0x2c;
const CLOSE = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;

/** Reads the snapshot's JSON a chunk at a time; `done` once the "nodes" array has closed. */
class NodeIdScanner {
  private head = '';
  private idColumn = -1;
  private columns = 0;
  private column = 0;
  private value = 0;
  private inNumber = false;
  highest = 0;
  done = false;

  push(chunk: Buffer): void {
    if (this.columns === 0) {
      // The meta (which column is the id) comes before the nodes, in the first few hundred bytes.
      this.head += chunk.toString('latin1');
      const start = this.head.indexOf(NODES_START);
      if (start < 0) return;
      this.readMeta(this.head.slice(0, start));
      const rest = Buffer.from(this.head.slice(start + NODES_START.length), 'latin1');
      this.head = '';
      this.scan(rest);
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
