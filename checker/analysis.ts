/**
 * Reads the heap after the traffic with memlab's heap parser, once: the
 * objects born during the traffic (numbered after the baseline) that are
 * still alive, sized by what they retain, with V8's shortest path from a GC
 * root to each. Each heap measure selects among them what it counts.
 */
import core from './memlab.ts';
import type { IHeapNode, IHeapSnapshot } from '@memlab/core';
import { attachmentOf, growthHolder, isProgramObject, ownedByV8, throughNodesOwnScope, throughTheApp } from './heap-growth.ts';
import { bornAfter } from './heap-ids.ts';
import { readSnapshotFile } from './snapshot-file.ts';
import { pathSignature, readablePath } from './trace.ts';
import type { GrowthMeasure, HeapMeasure, RetainerPath, TrafficHeap } from './types.ts';

/** The heap after the traffic, and where the traffic began in V8's numbering. */
export interface HeapAfterTraffic {
  /** The snapshot taken once the traffic settled. */
  readonly snapshot: string;
  /** The highest object id of the baseline snapshot: objects above it were born during the traffic. */
  readonly baselineHighestId: number;
  /** The heaps numbered at the traffic's labelled checkpoints (those a growth measure reads), by label. */
  readonly checkpoints?: Readonly<Record<string, NumberedHeap>>;
}

/** A heap numbered at a checkpoint: its snapshot, and its highest object id. */
export interface NumberedHeap {
  readonly snapshot: string;
  readonly highestId: number;
}

export interface HeapFinding {
  readonly objects: number;
  /** Retained bytes of the selected objects, each counted once (none inside another's retained size). */
  readonly bytes: number;
  readonly path?: RetainerPath;
  readonly otherPaths: number;
}

/**
 * Parse a snapshot (read once, see snapshot-file.ts), then give every node its shortest path from a GC root
 * (`pathEdge`), its dominator and its retained size: memlab's own preparation
 * of a heap for leak traces.
 */
export async function readHeap(file: string, { paths = true }: { paths?: boolean } = {}): Promise<IHeapSnapshot> {
  // Throw instead of process.exit(1), and keep memlab's progress output off the learner's terminal.
  core.config.errorHandling = 2;
  core.config.muteConsole = true;
  // Node lists every native object it wraps (a zlib stream, a FileHandle, a socket's handle) in its environment's
  // cleanup queue, and a snapshot shows that list as edges; it only closes them when the process exits and keeps none
  // alive (one in use is held by a global handle). A path through it would hide the learner's Map that keeps the object.
  core.config.edgeNameBlockList.add('cleanup_queue');
  const heap = await readSnapshotFile(file);
  const finder = new core.TraceFinder();
  // The shortest paths from the roots (a third of the time): only for a heap whose retainers are named.
  if (paths) finder.annotateShortestPaths(heap);
  finder.calculateAllNodesRetainedSizes(heap);
  return heap;
}

/**
 * Measure what each heap measure selects among the objects the traffic left alive, then what each growth measure's
 * holders gained (see GrowthMeasure): the heap measures' findings, then the growth measures'.
 */
export async function analyseHeap(heap: HeapAfterTraffic, measures: readonly HeapMeasure[], growthMeasures: readonly GrowthMeasure[] = []): Promise<HeapFinding[]> {
  // Paths are shown for a measure over its bar only: a heap where every measure passes is read without them (a fifth
  // of the time). A growth measure finds where new objects hang from by their paths: with one, they are always read.
  const snapshot = await readHeap(heap.snapshot, { paths: growthMeasures.length > 0 });
  const selected = measures.map(() => [] as IHeapNode[]);
  const traffic: TrafficHeap = { bornDuringTraffic: (node) => bornAfter(node.id, heap.baselineHighestId) };
  snapshot.nodes.forEach((node) => {
    if (!bornAfter(node.id, heap.baselineHighestId)) return;
    measures.forEach((measure, index) => {
      if (measure.select.matches(node, traffic)) selected[index]!.push(node);
    });
  });
  const counted = selected.map(outermost);
  const over = measures.map((measure, index) => valueOf(measure, selected[index]!, counted[index]!) > measure.bar);
  if (over.some(Boolean) && !growthMeasures.length) new core.TraceFinder().annotateShortestPaths(snapshot);
  const findings = selected.map((nodes, index) => measureSelection(nodes, counted[index]!, over[index]!));
  for (const measure of growthMeasures) {
    const numbered = heap.checkpoints?.[measure.from];
    if (!numbered) throw new Error(`the growth measure "${measure.name}" reads the checkpoint "${measure.from}", whose heap was not numbered`);
    findings.push(await growthSince(snapshot, numbered, measure.bar));
  }
  return findings;
}

/** The backing store of a collection: an internal array a Map, Set, array or object holds its entries in. */
function isStorage(node: IHeapNode): boolean {
  return node.type === 'array' && node.referrers.some((edge) => edge.type === 'internal' && ['table', 'elements', 'properties'].includes(String(edge.name_or_index)));
}

/**
 * The objects born after `earlier` was numbered and alive in `heap`, grouped by the older object each hangs from
 * (heap-growth.ts), and how much more that holder retains in `heap` than it did in `earlier`: the finding of the
 * holder that grew most (its growth in bytes, how many new objects hang from it, the path to the largest of them).
 */
async function growthSince(heap: IHeapSnapshot, earlier: NumberedHeap, bar: number): Promise<HeapFinding> {
  const holders = new Map<number, { holder: IHeapNode; objects: number; largest: IHeapNode }>();
  const born: IHeapNode[] = [];
  heap.nodes.forEach((node) => {
    // A collection's storage (a Map's or Set's table, an array's elements) counts too: reallocated, it is the sign of a
    // collection that grew, even when what it gained hangs from elsewhere on the shortest path (an id a log line holds too).
    if (bornAfter(node.id, earlier.highestId) && (isProgramObject(node) || isStorage(node)) && !ownedByV8(node)) born.push(node);
  });
  for (const node of outermost(born)) {
    const { container, kits, owner } = attachmentOf(node, (id) => !bornAfter(id, earlier.highestId));
    // The server's state only: the checker's harness is not the learner's, nor is what only Node's own code keeps (its
    // module loader's caches, which a first stack trace through a module fills with its source map). State the learner's
    // code hangs on Node's objects (app.locals, a property of the global object, a listener on process) is theirs.
    if (!container || (kits && !throughTheApp(node, container)) || (!owner && throughNodesOwnScope(node, container))) continue;
    const holder = growthHolder(node, container, (id) => !bornAfter(id, earlier.highestId));
    const held = holders.get(holder.id);
    if (!held) holders.set(holder.id, { holder, objects: 1, largest: node });
    else {
      held.objects++;
      if (node.retainedSize > held.largest.retainedSize) held.largest = node;
    }
  }
  if (!holders.size) return { objects: 0, bytes: 0, otherPaths: 0 };
  // What each holder retained then: the earlier heap, read for these holders only.
  const before = await readHeap(earlier.snapshot, { paths: false });
  const ids = new Set(holders.keys());
  const [now, then] = [notStateHeld(heap, ids), notStateHeld(before, ids)];
  const grown = [...holders.values()]
    .map((held) => ({ ...held, growth: growthOf(held.holder, before.getNodeById(held.holder.id), now, then) }))
    .filter((held) => held.growth > 0)
    .sort((a, b) => b.growth - a.growth);
  const top = grown[0];
  if (!top) return { objects: 0, bytes: 0, otherPaths: 0 };
  const over = grown.filter((held) => held.growth > bar);
  return {
    objects: top.objects,
    bytes: top.growth,
    // A collection's storage reads best as the collection it belongs to.
    ...(top.growth > bar ? { path: readablePath(isStorage(top.largest) ? top.holder : top.largest), otherPaths: over.length - 1 } : { otherPaths: 0 }),
  };
}

/**
 * How much more a holder retains now than then, what is not state left out (see notStateHeld). Its storage and its
 * collections' (a Map's table, an array's elements) counts only when it shows more entries other than files', or has
 * more than doubled with no more files in it: a Map whose entries come and go (an LRU of 200 lines) has its table
 * resized now and then, larger or smaller, with as many entries, and a cache at its budget holds more files or fewer
 * (smaller or larger ones) in as many bytes; what it holds through them counts in full.
 */
function growthOf(now: IHeapNode, then: IHeapNode | null | undefined, notStateNow: NotState, notStateThen: NotState): number {
  const heldNow = notStateNow.held.get(now.id) ?? 0;
  if (!then) return now.retainedSize - heldNow;
  const heldThen = notStateThen.held.get(then.id) ?? 0;
  const storageNow = storageOf(now, notStateNow.fileEntries);
  const storageThen = storageOf(then, notStateThen.fileEntries);
  const storageGrowth = storageNow.bytes - storageThen.bytes;
  // A storage that holds more entries (that a snapshot shows) other than files, or more than doubled with no more files
  // in it, or one whose entries a snapshot leaves out (small integers: a Set of request numbers shows its table alone), larger.
  const moreEntries = storageNow.entries - storageNow.fileEntries > storageThen.entries - storageThen.fileEntries;
  const doubled = storageGrowth > storageThen.bytes && storageNow.fileEntries <= storageThen.fileEntries;
  const counted = moreEntries || doubled || (storageNow.entries === 0 && storageThen.entries === 0) ? storageGrowth : 0;
  return now.retainedSize - heldNow - storageNow.bytes - (then.retainedSize - heldThen - storageThen.bytes) + counted;
}

/** Contents of files: a Buffer's memory or a string of 64 KiB or more, which a scenario's bytes measures weigh. */
const CONTENTS_BYTES = 64 * 1024;

/** What a heap holds that is not the server's state: the bytes each holder retains of it, and the file entries of each storage. */
interface NotState {
  readonly held: Map<number, number>;
  /** For a storage (a Map's table, an array's elements), how many of the slots it shows belong to entries that hold a file. */
  readonly fileEntries: Map<number, number>;
}

/** What an entry may hold beside its file's contents and still be that file's entry: a Buffer, a record of its size and date. */
const ENTRY_BYTES = 1024;

/**
 * What each of `holders` retains that is not the server's state: a file's contents (a Buffer's memory, a string of 64
 * KiB or more) with the entry that holds it (its Buffer, a record of it, its key in a Map), since a cache at its budget
 * holds other files after its misses than before them, as many bytes or more or fewer files, and the budget's measure
 * weighs those; and V8's compiled code (bytecode, machine code, feedback), which it compiles when a function first runs,
 * optimises and flushes as it sees fit. Small Buffers (a chunk kept per request) count as state.
 */
function notStateHeld(heap: IHeapSnapshot, holders: ReadonlySet<number>): NotState {
  const held = new Map<number, number>();
  const fileEntries = new Map<number, number>();
  heap.nodes.forEach((node) => {
    const contents = (node.name === 'ArrayBuffer' || node.name === 'SharedArrayBuffer' || node.isString) && node.retainedSize >= CONTENTS_BYTES;
    if (!contents && node.type !== 'code') return;
    let top = node;
    let bytes = contents ? node.retainedSize : node.self_size;
    if (contents) {
      // The entry that holds the file: the objects above its contents that keep little else, up to a collection's storage.
      for (let dominator = top.dominatorNode; dominator && dominator.id !== top.id && !holders.has(dominator.id) && !isStorage(dominator); dominator = top.dominatorNode) {
        if (dominator.retainedSize - node.retainedSize > ENTRY_BYTES || dominator.type === 'closure' || dominator.name === 'system / Context') break;
        top = dominator;
      }
      bytes = top.retainedSize;
      const storage = top.dominatorNode;
      if (storage && isStorage(storage)) {
        // In a Map's table an entry is its key's slot and its value's, one after the other: the key is the file's too
        // (its bytes when the table alone keeps it).
        const slot = storage.references.find((edge) => edge.toNode.id === top.id);
        const index = Number(slot?.name_or_index);
        const key = Number.isInteger(index) && isMapTable(storage) ? storage.references.find((edge) => Number(edge.name_or_index) === index - 1) : undefined;
        if (key && key.toNode.dominatorNode?.id === storage.id) bytes += key.toNode.retainedSize;
        fileEntries.set(storage.id, (fileEntries.get(storage.id) ?? 0) + (key ? 2 : 1));
      }
    }
    let dominator = top.dominatorNode;
    for (let depth = 0; dominator && depth < 10_000; depth++) {
      if (holders.has(dominator.id)) held.set(dominator.id, (held.get(dominator.id) ?? 0) + bytes);
      if (dominator.dominatorNode?.id === dominator.id) break;
      dominator = dominator.dominatorNode;
    }
  });
  return { held, fileEntries };
}

/** A Map's hash table (its internal `table`), whose slots hold each entry's key and value one after the other. */
function isMapTable(storage: IHeapNode): boolean {
  return storage.referrers.some((edge) => edge.type === 'internal' && edge.name_or_index === 'table' && edge.fromNode.name === 'Map');
}

/**
 * The storage of a holder and of the collections it alone keeps, a few levels down (a cache instance's Map, a module
 * scope's arrays): their tables, elements or properties, when nothing else keeps them. Their bytes, and the entries
 * they show.
 */
function storageOf(holder: IHeapNode, fileEntries: ReadonlyMap<number, number>, depth = STORAGE_DEPTH): Storage {
  const storage = { bytes: 0, entries: 0, fileEntries: 0 };
  for (const edge of holder.references) {
    const target = edge.toNode;
    if (target.dominatorNode?.id !== holder.id) continue;
    if (edge.type === 'internal' && ['table', 'elements', 'properties'].includes(String(edge.name_or_index))) {
      storage.bytes += target.self_size;
      // Entries are what the storage points at; the holes and `undefined` of free slots are V8's oddballs (hidden).
      storage.entries += target.references.filter((entry) => !['hidden', 'object shape', 'code', 'synthetic'].includes(entry.toNode.type)).length;
      storage.fileEntries += fileEntries.get(target.id) ?? 0;
    } else if (depth > 0 && target.type === 'object' && ['property', 'context', 'internal'].includes(edge.type) && isProgramObject(target)) {
      const more = storageOf(target, fileEntries, depth - 1);
      storage.bytes += more.bytes;
      storage.entries += more.entries;
      storage.fileEntries += more.fileEntries;
    }
  }
  return storage;
}
/** The storage of a holder: its bytes, the entries it shows, and how many of those hold files (see notStateHeld). */
interface Storage {
  readonly bytes: number;
  readonly entries: number;
  readonly fileEntries: number;
}
/** How far below a holder its collections' storage is looked for: a module scope, a cache object, its Map. */
const STORAGE_DEPTH = 2;

/** What a heap measure compares with its bar: the bytes its outermost objects retain, or how many objects it selects. */
function valueOf(measure: HeapMeasure, nodes: readonly IHeapNode[], counted: readonly IHeapNode[]): number {
  return measure.unit === 'bytes' ? retained(counted) : nodes.length;
}

function retained(nodes: readonly IHeapNode[]): number {
  return nodes.reduce((sum, node) => sum + node.retainedSize, 0);
}

/**
 * Drop nodes that another of `nodes` already retains, so no byte is counted
 * twice. Only these nodes count as retainers: a Map's backing table,
 * reallocated during the traffic, dominates every entry, old and new, and
 * must not hide them.
 */
export function outermost(nodes: readonly IHeapNode[]): IHeapNode[] {
  const ids = new Set(nodes.map((node) => node.id));
  return nodes.filter((node) => {
    let dominator = node.dominatorNode;
    for (let depth = 0; dominator && depth < 10_000; depth++) {
      if (ids.has(dominator.id)) return false;
      if (dominator.dominatorNode?.id === dominator.id) break;
      dominator = dominator.dominatorNode;
    }
    return true;
  });
}

function measureSelection(nodes: readonly IHeapNode[], counted: readonly IHeapNode[], withPath: boolean): HeapFinding {
  const bytes = retained(counted);
  if (counted.length === 0 || !withPath) return { objects: nodes.length, bytes, otherPaths: 0 };
  // Group the objects by how they are kept; show the group that keeps the most.
  const groups = new Map<string, { bytes: number; example: IHeapNode; path: RetainerPath }>();
  for (const node of counted) {
    const path = readablePath(node);
    const key = pathSignature(path);
    const group = groups.get(key);
    if (group) {
      group.bytes += node.retainedSize;
      if (node.retainedSize > group.example.retainedSize) Object.assign(group, { example: node, path });
    } else {
      groups.set(key, { bytes: node.retainedSize, example: node, path });
    }
  }
  const largest = [...groups.values()].sort((a, b) => b.bytes - a.bytes)[0]!;
  return { objects: nodes.length, bytes, path: largest.path, otherPaths: groups.size - 1 };
}
