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
  const [contentsNow, contentsThen] = [notStateHeld(heap, ids), notStateHeld(before, ids)];
  const grown = [...holders.values()]
    .map((held) => ({ ...held, growth: growthOf(held.holder, before.getNodeById(held.holder.id), contentsNow.get(held.holder.id) ?? 0, contentsThen.get(held.holder.id) ?? 0) }))
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
 * How much more a holder retains now than then. Its storage and its collections' (a Map's table, an array's elements)
 * counts only when it shows more entries or has more than doubled: a Map whose entries come and go (an LRU of 200
 * lines) has its table resized now and then, larger or smaller, with as many entries; what it holds through them
 * counts in full.
 */
function growthOf(now: IHeapNode, then: IHeapNode | null | undefined, contentsNow: number, contentsThen: number): number {
  if (!then) return now.retainedSize - contentsNow;
  const [storageNow, entriesNow] = storageOf(now);
  const [storageThen, entriesThen] = storageOf(then);
  const storageGrowth = storageNow - storageThen;
  // A storage that holds more entries (that a snapshot shows), or more than doubled, or one whose entries a snapshot
  // leaves out (small integers: a Set of request numbers shows its table alone), larger.
  const counted = entriesNow > entriesThen || storageGrowth > storageThen || (entriesNow === 0 && entriesThen === 0) ? storageGrowth : 0;
  return now.retainedSize - contentsNow - storageNow - (then.retainedSize - contentsThen - storageThen) + counted;
}

/** Contents of files: a Buffer's memory or a string of 64 KiB or more, which a scenario's bytes measures weigh. */
const CONTENTS_BYTES = 64 * 1024;

/**
 * What each of `holders` retains that is not the server's state: file contents (a Buffer's memory, a string of 64 KiB
 * or more), since a cache at its budget holds other files after its misses than before them, as many bytes, and the
 * budget's measure weighs those; and V8's compiled code (bytecode, machine code, feedback), which it compiles when a
 * function first runs, optimises and flushes as it sees fit. Small Buffers (a chunk kept per request) count as state.
 */
function notStateHeld(heap: IHeapSnapshot, holders: ReadonlySet<number>): Map<number, number> {
  const held = new Map<number, number>();
  heap.nodes.forEach((node) => {
    const contents = (node.name === 'ArrayBuffer' || node.name === 'SharedArrayBuffer' || node.isString) && node.retainedSize >= CONTENTS_BYTES;
    const bytes = contents ? node.retainedSize : node.type === 'code' ? node.self_size : 0;
    if (!bytes) return;
    let dominator = node.dominatorNode;
    for (let depth = 0; dominator && depth < 10_000; depth++) {
      if (holders.has(dominator.id)) held.set(dominator.id, (held.get(dominator.id) ?? 0) + bytes);
      if (dominator.dominatorNode?.id === dominator.id) break;
      dominator = dominator.dominatorNode;
    }
  });
  return held;
}

/**
 * The storage of a holder and of the collections it alone keeps, a few levels down (a cache instance's Map, a module
 * scope's arrays): their tables, elements or properties, when nothing else keeps them. Their bytes, and the entries
 * they show.
 */
function storageOf(holder: IHeapNode, depth = STORAGE_DEPTH): [bytes: number, entries: number] {
  let bytes = 0;
  let entries = 0;
  for (const edge of holder.references) {
    const target = edge.toNode;
    if (target.dominatorNode?.id !== holder.id) continue;
    if (edge.type === 'internal' && ['table', 'elements', 'properties'].includes(String(edge.name_or_index))) {
      bytes += target.self_size;
      // Entries are what the storage points at; the holes and `undefined` of free slots are V8's oddballs (hidden).
      entries += target.references.filter((entry) => !['hidden', 'object shape', 'code', 'synthetic'].includes(entry.toNode.type)).length;
    } else if (depth > 0 && target.type === 'object' && ['property', 'context', 'internal'].includes(edge.type) && isProgramObject(target)) {
      const [moreBytes, moreEntries] = storageOf(target, depth - 1);
      bytes += moreBytes;
      entries += moreEntries;
    }
  }
  return [bytes, entries];
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
