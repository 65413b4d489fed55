/**
 * The leak filters and the retainer-path shortening, over heap snapshots of
 * real leaky servers (made once by the check command with --keep).
 */
import { createReadStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import core from '@memlab/core';
import { analyseHeap, readHeap } from '../checker/analysis.ts';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { highestNodeId, highestNodeIdInFile } from '../checker/heap-ids.ts';
import { arrayBuffers, closuresFrom, instancesOf } from '../checker/select.ts';
import type { HeapMeasure, HeapSelector, RetainerPath } from '../checker/types.ts';
import { keptHeap, scratchTempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const temp = scratchTempDir();

function measure(select: HeapSelector, retainer = ''): HeapMeasure {
  return { kind: 'heap', name: select.describe, select, unit: 'bytes', bar: 0, retainer };
}

/** Labels a learner should never have to read on a path: V8's own plumbing. */
const V8_INTERNALS = /^(system \/|\((?!anonymous function\))|map$|feedback|shared$|code$|hidden|InternalNode|Detached)/;

function expectReadable(retainerPath: RetainerPath): void {
  for (const step of retainerPath.steps) {
    expect(step.label, JSON.stringify(retainerPath)).not.toMatch(V8_INTERNALS);
    expect(step.via, JSON.stringify(retainerPath)).not.toMatch(V8_INTERNALS);
  }
}

let downloadCache: Awaited<ReturnType<typeof keptHeap>>;
let uploadHeartbeat: Awaited<ReturnType<typeof keptHeap>>;

beforeAll(async () => {
  downloadCache = await keptHeap(['1'], temp.dir);
  uploadHeartbeat = await keptHeap(['3'], temp.dir);
});
afterAll(() => temp.remove());

test("the baseline's highest id splits the final heap: at or under it, exactly the objects the baseline had", async () => {
  core.config.muteConsole = true;
  const inBaseline = await core.utils.getSnapshotNodeIdsFromFile(downloadCache.baseline, {});
  const heap = await readHeap(downloadCache.snapshot);
  let old = 0;
  let born = 0;
  const misplaced: string[] = [];
  heap.nodes.forEach((node) => {
    // Even ids are Node's C++ objects, named from a pointer in each snapshot: no age either way.
    if (node.id % 2 === 0) return;
    const existed = inBaseline.has(node.id);
    if (existed) old++;
    else born++;
    if (existed !== node.id <= downloadCache.baselineHighestId) misplaced.push(`${node.name} @${node.id}`);
  });
  expect(misplaced).toEqual([]);
  // The split is not empty on either side: the cache's photos are new, the cache itself is not.
  expect(old).toBeGreaterThan(1000);
  expect(born).toBeGreaterThan(56);
});

test("the server's reading of its baseline (one buffer, no stream) finds the same highest id as a stream's", async () => {
  expect(highestNodeIdInFile(downloadCache.baseline)).toBe(await highestNodeId(createReadStream(downloadCache.baseline)));
  expect(highestNodeIdInFile(downloadCache.baseline)).toBe(downloadCache.baselineHighestId);
});

describe('leak filters over the download-cache snapshots', () => {
  test('Buffers above a size: the 475 cached photos (4 of the gallery, 24 cache-busted, 12 thumbnails, 3 panoramas, 32 of the album, 400 thumbnails cache-busted) and the 3 larger files, counted once', async () => {
    const [finding] = await analyseHeap(downloadCache, [measure(arrayBuffers(64 * 1024))]);
    expect(finding!.objects).toBe(478);
    // Each photo is 2 MiB, a thumbnail 300 KiB, the panoramas 3, 5 and 7 MiB, the two logs 16 MiB and the video 32 MiB;
    // retained sizes count each backing store once: 202.5 MiB, and 400 thumbnails of 300 KiB.
    expect(finding!.bytes).toBeGreaterThanOrEqual(319 * MiB);
    expect(finding!.bytes).toBeLessThan(321 * MiB);
  });

  test('a size bar above every Buffer selects nothing', async () => {
    // The largest file the traffic reads is the 32 MiB video.
    const [finding] = await analyseHeap(downloadCache, [measure(arrayBuffers(64 * MiB))]);
    expect(finding).toMatchObject({ objects: 0, bytes: 0 });
    expect(finding!.path).toBeUndefined();
  });

  test('objects that existed before the traffic are not new: the cache Map itself', async () => {
    // Node replaces some of its own Maps all the time (pending promise rejections): only the cache is asked about.
    const cache: HeapSelector = {
      describe: 'the thumbnailCache Map',
      matches: (node) => instancesOf('Map').matches(node) && node.referrers.some((edge) => edge.type === 'context' && edge.name_or_index === 'thumbnailCache'),
    };
    const [finding] = await analyseHeap(downloadCache, [measure(cache)]);
    expect(finding!.objects).toBe(0);
  });

  test('closures by source file: the server creates none per request', async () => {
    const [finding] = await analyseHeap(downloadCache, [measure(closuresFrom('01-download-cache/server.ts'))]);
    expect(finding!.objects).toBe(0);
  });

  test('the path is short and starts at the module variable', async () => {
    const [finding] = await analyseHeap(downloadCache, [measure(arrayBuffers(64 * 1024))]);
    const retainerPath = finding!.path!;
    expect(retainerPath.root).toMatchObject({ name: 'thumbnailCache', description: 'module variable in scenarios/01-download-cache/server.ts', label: 'Map' });
    expect(retainerPath.steps.map((step) => step.label)).toEqual(['Buffer', 'ArrayBuffer']);
    expect(retainerPath.steps[0]!.via).toBe('Map entry');
    expectReadable(retainerPath);
    // All 24 Buffers are kept the same way: one path, none other.
    expect(finding!.otherPaths).toBe(0);
  });
});

describe('retainer paths over the upload-heartbeat snapshots', () => {
  test('the path starts at the Timeout and goes through the callback and its scope to the chunks', async () => {
    const [finding] = await analyseHeap(uploadHeartbeat, [measure(arrayBuffers(16 * 1024), 'Timeout')]);
    const retainerPath = finding!.path!;
    expect(retainerPath.root.name).toBe('Timeout');
    const vias = retainerPath.steps.map((step) => step.via);
    expect(vias[0]).toBe('._onTimeout');
    expect(vias).toContain('closes over');
    expect(vias).toContain('variable chunks');
    expect(retainerPath.steps.find((step) => step.via === 'closes over')!.label).toMatch(/^scope .*chunks/);
    expectReadable(retainerPath);
  });

  test("a heartbeat of 5 s: the path passes over the checker's wrapper of a long timer, straight to the server's callback", async () => {
    // The check wraps the callbacks of timers of a second or more (to count what they let go of as late): generated
    // from the scenario's server, never committed, inside the project so that its imports resolve.
    const source = readFileSync(path.join(PROJECT_ROOT, 'scenarios', '03-upload-heartbeat', 'server.ts'), 'utf8');
    expect(source).toContain('}, 250);');
    const file = path.join(PROJECT_ROOT, '.fixtures', 'servers', 'heartbeat-every-5s.ts');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source.replace('}, 250);', '}, 5000);'));
    try {
      const [finding] = await analyseHeap(await keptHeap(['3', '--server', file], temp.dir), [measure(arrayBuffers(16 * 1024), 'Timeout')]);
      const retainerPath = finding!.path!;
      expect(retainerPath.root.name).toBe('Timeout');
      expect(retainerPath.steps.slice(0, 3).map((step) => step.via)).toEqual(['._onTimeout', 'closes over', 'variable chunks']);
      expect(retainerPath.steps[1]!.label).toMatch(/^scope .*chunks/);
      expectReadable(retainerPath);
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('Timeouts created during the traffic and still alive: one per dropped upload', async () => {
    const heartbeat = closuresFrom('03-upload-heartbeat/server.ts');
    const heartbeats: HeapSelector = {
      describe: "Timeouts whose callback is the server's",
      matches: (node) => instancesOf('Timeout').matches(node) && node.references.some((edge) => edge.name_or_index === '_onTimeout' && heartbeat.matches(edge.toNode)),
    };
    const [all, servers] = await analyseHeap(uploadHeartbeat, [measure(instancesOf('Timeout')), measure(heartbeats)]);
    // Eleven heartbeats: eight uploads dropped mid-body, three phones that lost their signal after the headers.
    expect(servers!.objects).toBe(11);
    // And some of Node's own, which the snapshot right after the traffic may meet before they end: the Date header's
    // timer (re-armed every second), a connection's idle timer not yet cleared, the harness's own turn of the loop.
    expect(all!.objects).toBeGreaterThanOrEqual(11);
    expect(all!.objects).toBeLessThanOrEqual(11 + 4);
  });
});
