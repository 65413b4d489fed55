/**
 * The kit reads a heap snapshot file in one pass (checker/snapshot-file.ts)
 * into memlab's own heap model: it must give what memlab's reader gives, node
 * for node, on a real snapshot, whatever the size of the chunks it reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import core from '@memlab/core';
import type { IHeapSnapshot } from '@memlab/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readSnapshotFile, readSnapshotJson } from '../checker/snapshot-file.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fg-snapshot-file-'));
let file = '';
// Strings of every kind a learner's server may hold: quotes, escapes, non-ASCII and a key the reader looks for (V8
// writes no character outside the BMP into a snapshot's strings, so none is here).
const kept = ['"nodes":[1,2]', 'line\nbreak', 'é, 漢字', '\\"edges":['];

beforeAll(() => {
  (globalThis as { snapshotFileStrings?: string[] }).snapshotFileStrings = kept;
  file = v8.writeHeapSnapshot(path.join(dir, 'test.heapsnapshot'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summary(heap: IHeapSnapshot): string[] {
  const lines: string[] = [];
  heap.nodes.forEach((node) => {
    lines.push(`${node.id} ${node.type} ${node.name} ${node.self_size} ${node.edge_count} ${node.location ? `${node.location.script_id}:${node.location.line}:${node.location.column}` : '-'} ${node.references.map((edge) => `${edge.type}:${edge.name_or_index}>${edge.toNode.id}`).join(',')}`);
  });
  return lines;
}

test("the one-pass reader gives memlab's heap, node for node, edge for edge", async () => {
  core.config.errorHandling = 2;
  core.config.muteConsole = true;
  const memlabs = await core.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
  const ours = await readSnapshotFile(file);
  expect(ours.nodes.length).toBeGreaterThan(10_000);
  expect(summary(ours)).toEqual(summary(memlabs));
  for (const heap of [memlabs, ours]) new core.TraceFinder().calculateAllNodesRetainedSizes(heap);
  const retained = (heap: IHeapSnapshot): number[] => {
    const sizes: number[] = [];
    heap.nodes.forEach((node) => void sizes.push(node.retainedSize));
    return sizes;
  };
  expect(retained(ours)).toEqual(retained(memlabs));
  const strings = new Set<string>();
  ours.nodes.forEach((node) => void (node.type === 'string' && strings.add(node.name)));
  for (const text of kept) expect(strings.has(text), text).toBe(true);
});

test('a key split between two chunks, or a number, reads the same', () => {
  const whole = readSnapshotJson(file);
  for (const chunkBytes of [7, 4093]) {
    const chunked = readSnapshotJson(file, chunkBytes);
    expect(chunked.strings).toEqual(whole.strings);
    expect(chunked.snapshot).toEqual(whole.snapshot);
    for (const name of ['nodes', 'edges', 'locations'] as const) expect(Buffer.from(chunked[name].buffer, chunked[name].byteOffset, chunked[name].byteLength).equals(Buffer.from(whole[name].buffer, whole[name].byteOffset, whole[name].byteLength)), name).toBe(true);
  }
});

test('a file that is not a whole snapshot says so', async () => {
  const cut = path.join(dir, 'cut.heapsnapshot');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const bytes = readFileSync(file);
  writeFileSync(cut, bytes.subarray(0, bytes.indexOf('"edges":[') + 20));
  expect(() => readSnapshotJson(cut)).toThrow(/not a whole V8 heap snapshot: its "edges" never end/);
});
