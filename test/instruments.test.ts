/**
 * Resource measures read the first instrument the platform has, name it, and
 * never pass without one.
 */
import { describe, expect, test } from 'vitest';
import { activeResources, openFileDescriptors, openFileStreams, resourceResult, resourcesSettled } from '../checker/instruments.ts';
import type { Probe } from '../checker/protocol.ts';
import type { ResourceMeasure } from '../checker/types.ts';

function probe(fileDescriptors: number | null, openReadStreams?: number): Probe {
  return {
    memory: process.memoryUsage(),
    resources: { active: {}, fileDescriptors },
    openConnections: 0,
    listeners: {},
    storage: { diskReads: 1, bytesRead: 0, uploadsWritten: 0, ...(openReadStreams === undefined ? {} : { openReadStreams }) },
  };
}

const measure: ResourceMeasure = {
  kind: 'resources',
  name: 'file descriptors left open',
  instruments: [openFileDescriptors, openFileStreams],
  unit: 'objects',
  bar: 4,
};

describe('resource measures', () => {
  test('use the first instrument the platform has, and name it', () => {
    const result = resourceResult(measure, probe(20, 0), probe(40, 20));
    expect(result).toMatchObject({ value: 20, passed: false, instrument: openFileDescriptors.name, unavailable: [] });
  });

  test('fall back where descriptors cannot be counted, and say so', () => {
    const result = resourceResult(measure, probe(null, 1), probe(null, 17));
    expect(result).toMatchObject({ value: 16, passed: false, instrument: openFileStreams.name });
    expect(result.unavailable).toEqual([`${openFileDescriptors.name} — ${openFileDescriptors.unavailable}`]);
  });

  test('a measure no instrument can read fails, and says it was not measured', () => {
    const bypassesStore = (p: Probe): Probe => ({ ...p, storage: { ...p.storage, diskReads: 0 } });
    const result = resourceResult(measure, bypassesStore(probe(null, 0)), bypassesStore(probe(null, 0)));
    expect(result.passed).toBe(false);
    expect(result.notMeasured).toBe(true);
    expect(result.unavailable).toHaveLength(2);
  });

  test('active handles of one kind count as an instrument everywhere', () => {
    const handles: ResourceMeasure = { ...measure, instruments: [activeResources('TCPSocketWrap')] };
    const before = probe(null);
    const after = { ...probe(null), resources: { active: { TCPSocketWrap: 3, Timeout: 1 }, fileDescriptors: null } };
    expect(resourceResult(handles, before, after)).toMatchObject({ value: 3, passed: true, instrument: 'active TCPSocketWrap resources (process.getActiveResourcesInfo)' });
  });

  test('settled once every figure is back to its baseline', () => {
    expect(resourcesSettled([measure], probe(20, 0), probe(21, 1))).toBe(false);
    expect(resourcesSettled([measure], probe(20, 0), probe(20, 0))).toBe(true);
  });
});
