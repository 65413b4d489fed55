/**
 * The leak filters and the retainer-path shortening, over heap snapshots of
 * real leaky servers (made once by the check command with --keep).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyseSnapshots, type SnapshotFiles } from '../checker/analysis.ts';
import { arrayBuffers, closuresFrom, instancesOf } from '../checker/select.ts';
import type { HeapMeasure, HeapSelector, RetainerPath } from '../checker/types.ts';
import { runCli, scratchTempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const temp = scratchTempDir();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fg-memlab-'));

async function keptSnapshots(scenario: string): Promise<SnapshotFiles> {
  const run = await runCli([scenario, '--keep', '--json'], temp.dir);
  const snapshots = run.verdict && 'snapshots' in run.verdict ? run.verdict.snapshots : undefined;
  if (!snapshots || snapshots.length !== 3) throw new Error(`check ${scenario} --keep gave no snapshots:\n${run.stdout}\n${run.stderr}`);
  const [baseline, target, final] = snapshots as [string, string, string];
  return { baseline, target, final };
}

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

let downloadCache: SnapshotFiles;
let uploadHeartbeat: SnapshotFiles;

beforeAll(async () => {
  downloadCache = await keptSnapshots('1');
  uploadHeartbeat = await keptSnapshots('3');
});
afterAll(() => {
  temp.remove();
  rmSync(workDir, { recursive: true, force: true });
});

describe('leak filters over the download-cache snapshots', () => {
  test('Buffers above a size: the 56 cached photos (24 cache-busted, 32 of the album), 2 MiB each, counted once', async () => {
    const [finding] = await analyseSnapshots(downloadCache, [measure(arrayBuffers(64 * 1024))], workDir);
    expect(finding!.objects).toBe(56);
    // Each photo is 2 MiB; retained sizes count each backing store once.
    expect(finding!.bytes).toBeGreaterThanOrEqual(112 * MiB);
    expect(finding!.bytes).toBeLessThan(114 * MiB);
  });

  test('a size bar above every Buffer selects nothing', async () => {
    const [finding] = await analyseSnapshots(downloadCache, [measure(arrayBuffers(4 * MiB))], workDir);
    expect(finding).toMatchObject({ objects: 0, bytes: 0 });
    expect(finding!.path).toBeUndefined();
  });

  test('objects that existed before the traffic are not new: the cache Map itself', async () => {
    const [finding] = await analyseSnapshots(downloadCache, [measure(instancesOf('Map'))], workDir);
    expect(finding!.objects).toBe(0);
  });

  test('closures by source file: the server creates none per request', async () => {
    const [finding] = await analyseSnapshots(downloadCache, [measure(closuresFrom('01-download-cache/server.ts'))], workDir);
    expect(finding!.objects).toBe(0);
  });

  test('the path is short and starts at the module variable', async () => {
    const [finding] = await analyseSnapshots(downloadCache, [measure(arrayBuffers(64 * 1024))], workDir);
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
    const [finding] = await analyseSnapshots(uploadHeartbeat, [measure(arrayBuffers(16 * 1024), 'Timeout')], workDir);
    const retainerPath = finding!.path!;
    expect(retainerPath.root.name).toBe('Timeout');
    const vias = retainerPath.steps.map((step) => step.via);
    expect(vias[0]).toBe('._onTimeout');
    expect(vias).toContain('closes over');
    expect(vias).toContain('variable chunks');
    expect(retainerPath.steps.find((step) => step.via === 'closes over')!.label).toMatch(/^scope .*chunks/);
    expectReadable(retainerPath);
  });

  test('Timeouts created during the traffic and still alive: one per dropped upload', async () => {
    const [finding] = await analyseSnapshots(uploadHeartbeat, [measure(instancesOf('Timeout'))], workDir);
    // Eight heartbeats, and sometimes Node's own Date-header timer (re-armed every second).
    expect(finding!.objects).toBeGreaterThanOrEqual(8);
    expect(finding!.objects).toBeLessThanOrEqual(9);
  });
});
