/**
 * Reads the heap after the traffic with memlab's heap parser, once: the
 * objects born during the traffic (numbered after the baseline) that are
 * still alive, sized by what they retain, with V8's shortest path from a GC
 * root to each. Each heap measure selects among them what it counts.
 */
import core from './memlab.ts';
import type { IHeapNode, IHeapSnapshot } from '@memlab/core';
import { bornAfter } from './heap-ids.ts';
import { readSnapshotFile } from './snapshot-file.ts';
import { pathSignature, readablePath } from './trace.ts';
import type { HeapMeasure, RetainerPath, TrafficHeap } from './types.ts';

/** The heap after the traffic, and where the traffic began in V8's numbering. */
export interface HeapAfterTraffic {
  /** The snapshot taken once the traffic settled. */
  readonly snapshot: string;
  /** The highest object id of the baseline snapshot: objects above it were born during the traffic. */
  readonly baselineHighestId: number;
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

/** Measure what each heap measure selects among the objects the traffic left alive. */
export async function analyseHeap(heap: HeapAfterTraffic, measures: readonly HeapMeasure[]): Promise<HeapFinding[]> {
  // Paths are shown for a measure over its bar only: a heap where every measure passes is read without them (a fifth of the time).
  const snapshot = await readHeap(heap.snapshot, { paths: false });
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
  if (over.some(Boolean)) new core.TraceFinder().annotateShortestPaths(snapshot);
  return selected.map((nodes, index) => measureSelection(nodes, counted[index]!, over[index]!));
}

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
