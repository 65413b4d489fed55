/**
 * Asks memlab which objects were allocated during the traffic (in the target
 * snapshot, not in the baseline) and are still alive after it (in the final
 * snapshot), keeps those each measure selects, and sizes them by what they
 * retain in the final heap.
 */
import memlab from '@memlab/api';
import type { IHeapNode } from '@memlab/core';
import { pathSignature, readablePath } from './trace.ts';
import type { HeapMeasure, RetainerPath } from './types.ts';

export interface SnapshotFiles {
  readonly baseline: string;
  readonly target: string;
  readonly final: string;
}

export interface HeapFinding {
  readonly objects: number;
  /** Retained bytes of the selected objects, each counted once (none inside another's retained size). */
  readonly bytes: number;
  readonly path?: RetainerPath;
  readonly otherPaths: number;
}

/** memlab's config is one global object: one analysis at a time per process. */
let queue: Promise<unknown> = Promise.resolve();

/** Run memlab over the three snapshots and measure what each heap measure selects. */
export function analyseSnapshots(files: SnapshotFiles, measures: readonly HeapMeasure[], workDir: string): Promise<HeapFinding[]> {
  const run = queue.then(() => analyse(files, measures, workDir));
  queue = run.catch(() => undefined);
  return run;
}

async function analyse(files: SnapshotFiles, measures: readonly HeapMeasure[], workDir: string): Promise<HeapFinding[]> {
  const { config } = memlab;
  // Throw instead of process.exit(1), and keep memlab's progress output off the learner's terminal.
  config.errorHandling = 2;
  config.muteConsole = true;
  const selected = measures.map(() => [] as IHeapNode[]);
  config.externalLeakFilter = {
    leakFilter(node: IHeapNode): boolean {
      let any = false;
      measures.forEach((measure, index) => {
        if (measure.select.matches(node)) {
          selected[index]!.push(node);
          any = true;
        }
      });
      return any;
    },
  };
  try {
    await memlab.findLeaksBySnapshotFilePaths(files.baseline, files.target, files.final, { workDir });
  } finally {
    config.externalLeakFilter = undefined;
  }
  return selected.map(measureSelection);
}

/** Drop nodes that another selected node already retains, so no byte is counted twice. */
function outermost(nodes: readonly IHeapNode[]): IHeapNode[] {
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

function measureSelection(nodes: readonly IHeapNode[]): HeapFinding {
  const counted = outermost(nodes);
  const bytes = counted.reduce((sum, node) => sum + node.retainedSize, 0);
  if (counted.length === 0) return { objects: nodes.length, bytes, otherPaths: 0 };
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
