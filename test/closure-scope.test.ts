/**
 * Retainer paths through a closure's scope (a V8 Context), and selectors
 * combined with anyOf, over heap snapshots of the export-jobs server (made
 * once by the check command with --keep): a job-status closure that never
 * reads the exported file keeps it through the scope it shares.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyseHeap, type HeapAfterTraffic } from '../checker/analysis.ts';
import { anyOf, arrayBuffers, closuresFrom, instancesOf } from '../checker/select.ts';
import type { HeapMeasure, HeapSelector } from '../checker/types.ts';
import { keptHeap, scratchTempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const temp = scratchTempDir();

function measure(select: HeapSelector): HeapMeasure {
  return { kind: 'heap', name: select.describe, select, unit: 'bytes', bar: 0, retainer: '' };
}

let exportJobs: HeapAfterTraffic;

beforeAll(async () => {
  exportJobs = await keptHeap(['6'], temp.dir);
});
afterAll(() => temp.remove());

describe('a path through a shared closure scope', () => {
  test('goes from the registry through status() and its scope, by the variable that holds the file', async () => {
    const [finding] = await analyseHeap(exportJobs, [measure(arrayBuffers(MiB))]);
    const retainerPath = finding!.path!;
    expect(retainerPath.root).toMatchObject({ name: 'exportJobs', description: 'module variable in scenarios/06-export-jobs/server.ts', label: 'Map' });
    const steps = retainerPath.steps;
    const scope = steps.findIndex((step) => step.via === 'closes over');
    expect(scope, JSON.stringify(retainerPath)).toBeGreaterThan(0);
    expect(steps[scope - 1]).toMatchObject({ via: '.status', label: 'status()' });
    // The scope is a readable step: who shares it and what it holds, never V8's own name for it.
    expect(steps[scope]!.label).toMatch(/^scope shared by .*status\(\).*: .*\bdata\b/);
    expect(steps[scope + 1]).toMatchObject({ via: 'variable data', label: 'Buffer' });
    for (const step of steps) expect(step.label).not.toMatch(/^system \//);
    // Each job's closure keeps its own photo, the same way.
    expect(finding!.objects).toBeGreaterThanOrEqual(12);
    expect(finding!.otherPaths).toBe(0);
  });
});

describe('anyOf', () => {
  test('selects what any of its selectors selects, and counts each byte once', async () => {
    const buffers = arrayBuffers(MiB);
    const closures = closuresFrom('06-export-jobs/server.ts');
    const [alone, closuresAlone, together] = await analyseHeap(exportJobs, [measure(buffers), measure(closures), measure(anyOf(buffers, closures))]);
    expect(together!.objects).toBe(alone!.objects + closuresAlone!.objects);
    // The status closures retain the photos: together they weigh what the closures weigh.
    expect(closuresAlone!.bytes).toBeGreaterThanOrEqual(alone!.bytes);
    expect(together!.bytes).toBe(closuresAlone!.bytes);
  });

  test('says what it selects in one phrase', () => {
    expect(anyOf(instancesOf('IncomingMessage'), instancesOf('ServerResponse'), instancesOf('Socket')).describe).toBe(
      'IncomingMessage objects, ServerResponse objects and Socket objects',
    );
    expect(anyOf(instancesOf('Timeout')).describe).toBe('Timeout objects');
  });
});
