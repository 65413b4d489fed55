/**
 * Selectors for memory kept through views, over heap snapshots of real
 * servers (made once by the check command with --keep): Buffers that are
 * views of a larger ArrayBuffer (scenario 04), and strings that are slices of
 * a larger string (scenario 05).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyseSnapshots, type SnapshotFiles } from '../checker/analysis.ts';
import { arrayBuffers, arrayBuffersOutsidePool, stringsRetaining } from '../checker/select.ts';
import type { HeapMeasure, HeapSelector } from '../checker/types.ts';
import { runCli, scratchTempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const temp = scratchTempDir();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fg-memlab-'));

async function keptSnapshots(...args: string[]): Promise<SnapshotFiles> {
  const run = await runCli([...args, '--keep', '--json'], temp.dir);
  const snapshots = run.verdict && 'snapshots' in run.verdict ? run.verdict.snapshots : undefined;
  if (!snapshots || snapshots.length !== 3) throw new Error(`check ${args.join(' ')} --keep gave no snapshots:\n${run.stdout}\n${run.stderr}`);
  const [baseline, target, final] = snapshots as [string, string, string];
  return { baseline, target, final };
}

function measure(select: HeapSelector): HeapMeasure {
  return { kind: 'heap', name: select.describe, select, unit: 'bytes', bar: 0, retainer: '' };
}

let uploadIndexFixed: SnapshotFiles;
let logSearch: SnapshotFiles;

beforeAll(async () => {
  uploadIndexFixed = await keptSnapshots('4', '--solution');
  logSearch = await keptSnapshots('5');
});
afterAll(() => {
  temp.remove();
  rmSync(workDir, { recursive: true, force: true });
});

describe('Buffers outside the pool, over the fixed upload-index snapshots', () => {
  test("Node's current pool slab is left out, and nothing else", async () => {
    const [all, outside] = await analyseSnapshots(uploadIndexFixed, [measure(arrayBuffers(512)), measure(arrayBuffersOutsidePool(512))], workDir);
    // The index's 512-byte copies are cut from the pool; the slab Node cuts the next ones from is nobody's leak.
    expect(all!.objects - outside!.objects).toBeLessThanOrEqual(1);
    expect(outside!.bytes).toBeLessThan(64 * 1024);
  });
});

describe('strings retaining a size, over the log-search snapshots', () => {
  test('the log text is found whole, once, though only 24-character slices of it are kept', async () => {
    const [finding] = await analyseSnapshots(logSearch, [measure(stringsRetaining(4 * 1024))], workDir);
    expect(finding!.objects).toBe(1);
    expect(finding!.bytes).toBeGreaterThanOrEqual(16 * MiB);
    expect(finding!.bytes).toBeLessThan(17 * MiB);
  });

  test('the path reads variable → Set → sliced string → parent → the text', async () => {
    const [finding] = await analyseSnapshots(logSearch, [measure(stringsRetaining(4 * 1024))], workDir);
    const retainerPath = finding!.path!;
    expect(retainerPath.root).toMatchObject({ name: 'recentRequestIds', description: 'module variable in scenarios/05-log-search/server.ts', label: 'Set' });
    expect(retainerPath.steps.map((step) => [step.via, step.label.replace(/\d+/, 'N')])).toEqual([
      ['Set entry', 'sliced string'],
      ['parent', 'string (N bytes)'],
    ]);
    expect(retainerPath.steps[1]!.retainedBytes).toBeGreaterThanOrEqual(16 * MiB);
  });

  test('a size above the whole log text selects nothing', async () => {
    const [finding] = await analyseSnapshots(logSearch, [measure(stringsRetaining(16 * MiB + 1024))], workDir);
    expect(finding).toMatchObject({ objects: 0, bytes: 0 });
  });
});
