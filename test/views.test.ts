/**
 * Selectors for memory kept through views, over heap snapshots of real
 * servers (made once by the check command with --keep): Buffers that are
 * views of a larger ArrayBuffer (scenario 04), and strings that are slices of
 * a larger string (scenario 05).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyseHeap, type HeapAfterTraffic } from '../checker/analysis.ts';
import { arrayBuffers, arrayBuffersOutsidePool, stringsRetaining } from '../checker/select.ts';
import type { HeapMeasure, HeapSelector } from '../checker/types.ts';
import { keptHeap, scratchTempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const temp = scratchTempDir();

function measure(select: HeapSelector): HeapMeasure {
  return { kind: 'heap', name: select.describe, select, unit: 'bytes', bar: 0, retainer: '' };
}

let uploadIndexFixed: HeapAfterTraffic;
let logSearch: HeapAfterTraffic;

beforeAll(async () => {
  uploadIndexFixed = await keptHeap(['4', '--solution'], temp.dir);
  logSearch = await keptHeap(['5'], temp.dir);
});
afterAll(() => temp.remove());

describe('Buffers outside the pool, over the fixed upload-index snapshots', () => {
  test("Node's current pool slab is left out, and nothing else", async () => {
    const [all, outside] = await analyseHeap(uploadIndexFixed, [measure(arrayBuffers(512)), measure(arrayBuffersOutsidePool(512))]);
    // The index's 512-byte copies are cut from the pool; the slab Node cuts the next ones from is nobody's leak.
    expect(all!.objects - outside!.objects).toBeLessThanOrEqual(1);
    expect(outside!.bytes).toBeLessThan(64 * 1024);
  });
});

describe('strings retaining a size, over the log-search snapshots', () => {
  test('the log text is found whole, once for each read that kept IDs, though only 24-character slices of it are kept', async () => {
    const [finding] = await analyseHeap(logSearch, [measure(stringsRetaining(4 * 1024))]);
    // The traffic reads the 16 MiB log for each search; three reads keep IDs in the last 500: the broad search of the
    // 200s, the 503s of /api/uploads, and the 500s of /api/uploads found again after them.
    expect(finding!.objects).toBe(3);
    expect(finding!.bytes).toBeGreaterThanOrEqual(48 * MiB);
    expect(finding!.bytes).toBeLessThan(49 * MiB);
  });

  test('the path reads variable → Set → sliced string → parent → the text', async () => {
    const [finding] = await analyseHeap(logSearch, [measure(stringsRetaining(4 * 1024))]);
    const retainerPath = finding!.path!;
    expect(retainerPath.root).toMatchObject({ name: 'recentRequestIds', description: 'module variable in scenarios/05-log-search/server.ts', label: 'Set' });
    expect(retainerPath.steps.map((step) => [step.via, step.label.replace(/\d+/, 'N')])).toEqual([
      ['Set entry', 'sliced string'],
      ['parent', 'string (N bytes)'],
    ]);
    expect(retainerPath.steps[1]!.retainedBytes).toBeGreaterThanOrEqual(16 * MiB);
  });

  test('a size above the whole log text selects nothing', async () => {
    // The log is 16 MiB and grows by a few KiB of health-check lines before each search: 17 MiB is above every read of it.
    const [finding] = await analyseHeap(logSearch, [measure(stringsRetaining(17 * MiB))]);
    expect(finding).toMatchObject({ objects: 0, bytes: 0 });
  });
});
