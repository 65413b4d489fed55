/**
 * Resource measures read the first instrument the platform has, name it, and
 * never pass without one; an instrument that records where each thing was
 * made lists what the traffic left, grouped by place.
 */
import { describe, expect, test } from 'vitest';
import { activeResources, liveTimers, newPlaces, openDescriptors, resourceResult, resourcesSettled, runningTimers } from '../checker/instruments.ts';
import type { HeldResource, Probe } from '../checker/protocol.ts';
import { nearTheBar, placeLines, PLACES_SHOWN, requestsInFlight } from '../checker/report.ts';
import type { Instrument, MeasureResult, ResourceMeasure } from '../checker/types.ts';

/** Two instruments as a platform may have them: the first only where the system lists descriptors, the second everywhere the server reads files. */
const listedDescriptors: Instrument = {
  name: 'listed descriptors',
  read: (probe) => probe.resources.fileDescriptors,
  unavailable: 'this system does not list them',
};
const diskReads: Instrument = {
  name: 'disk reads',
  read: (probe) => (probe.storage.diskReads > 0 ? probe.storage.bytesRead : null),
  unavailable: 'the server read nothing',
};

function probe(fileDescriptors: number | null, bytesRead = 0, descriptors: readonly HeldResource[] = []): Probe {
  return {
    memory: process.memoryUsage(),
    resources: { active: {}, fileDescriptors },
    openConnections: 0,
    storage: { diskReads: 1, bytesRead, uploadsWritten: 0 },
    held: { descriptors, timers: [], listeners: [], finalizers: [], weakRefs: [] },
  };
}

const measure: ResourceMeasure = {
  kind: 'resources',
  name: 'file descriptors left open',
  instruments: [listedDescriptors, diskReads],
  unit: 'objects',
  bar: 4,
};

describe('resource measures', () => {
  test('use the first instrument the platform has, and name it', () => {
    const result = resourceResult(measure, probe(20, 0), probe(40, 20));
    expect(result).toMatchObject({ value: 20, passed: false, instrument: listedDescriptors.name, unavailable: [] });
  });

  test('fall back where descriptors cannot be counted, and say so', () => {
    const result = resourceResult(measure, probe(null, 1), probe(null, 17));
    expect(result).toMatchObject({ value: 16, passed: false, instrument: diskReads.name });
    expect(result.unavailable).toEqual([`${listedDescriptors.name} — ${listedDescriptors.unavailable}`]);
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

const video = (key: string, location: string | null = 'scenarios/07-aborted-downloads/server.ts:18:16'): HeldResource => ({ key, what: 'video-1.mp4', location });

describe('timers', () => {
  // One a cache keeps for the photo it holds, one a later miss cleared when it evicted its photo, one a timer of 1.5 s cleared.
  const timers: HeldResource[] = [
    { key: '#1', what: "timeout of 300000 ms, unref'd", location: 'server.ts:31:5' },
    { key: '#2', what: 'timeout of 300000 ms (cleared by the handler of a later request, not when its own request ended: held until the next request comes)', location: 'server.ts:31:5', late: 'later request' },
    { key: '#3', what: 'interval, every 50 ms (cleared by a timer of 1500 ms, not when its request ended: held until it fires)', location: 'server.ts:40:3', late: 'timer' },
  ];
  const withTimers: Probe = { ...probe(0), held: { ...probe(0).held, timers } };

  test('liveTimers holds every late clear; runningTimers lets a later request clear what it made, not a timer', () => {
    expect(liveTimers.read(withTimers)).toBe(3);
    expect(runningTimers.read(withTimers)).toBe(2);
    expect(runningTimers.held!(withTimers).map((timer) => timer.key)).toEqual(['#1', '#3']);
  });
});

describe('places', () => {
  test('what is held after and was not before counts, grouped by what and where, most first', () => {
    const before = [video('#1'), video('#2')];
    const after = [video('#2'), video('#3'), video('#4'), { key: '#5', what: 'photo-1.jpg', location: 'scenarios/07-aborted-downloads/server.ts:30:3' }, video('#6', null)];
    expect(newPlaces(before, after, 'opened')).toEqual([
      { count: 2, what: 'video-1.mp4', verb: 'opened', location: 'scenarios/07-aborted-downloads/server.ts:18:16' },
      { count: 1, what: 'photo-1.jpg', verb: 'opened', location: 'scenarios/07-aborted-downloads/server.ts:30:3' },
      { count: 1, what: 'video-1.mp4', verb: 'opened', location: null },
    ]);
  });

  test('several names opened at one line are one place, named by the first few', () => {
    const at = 'scenarios/03-upload-heartbeat/server.ts:40:16';
    const uploads = Array.from({ length: 13 }, (_, i) => ({ key: `#u${i}`, what: `upload-${String(i).padStart(2, '0')}.bin.partial`, location: at }));
    expect(newPlaces([], uploads, 'opened')).toEqual([{ count: 13, what: 'upload-00.bin.partial, upload-01.bin.partial and 11 others', verb: 'opened', location: at }]);
    expect(newPlaces([], uploads.slice(0, 2), 'opened')).toEqual([{ count: 2, what: 'upload-00.bin.partial and upload-01.bin.partial', verb: 'opened', location: at }]);
  });

  test('a recording instrument measures what is new, not the difference of totals, and lists it', () => {
    const descriptorsMeasure: ResourceMeasure = { ...measure, instruments: [openDescriptors] };
    // One closed and one opened: the totals are equal, and still one descriptor leaked.
    const result = resourceResult(descriptorsMeasure, probe(null, 0, [video('#1')]), probe(null, 0, [video('#2')]));
    expect(result).toMatchObject({ value: 1, instrument: openDescriptors.name, places: [{ count: 1, what: 'video-1.mp4', verb: 'opened' }] });
    expect(resourceResult(descriptorsMeasure, probe(null, 0, [video('#1')]), probe(null, 0, [video('#1')])).places).toBeUndefined();
  });

  test('the report says each place in a sentence, and sums up those beyond the first few', () => {
    const places = Array.from({ length: PLACES_SHOWN + 2 }, (_, i) => ({ count: 10 - i, what: `photo-${i}.jpg`, verb: 'opened', location: `scenarios/07-aborted-downloads/server.ts:${i + 1}:5` }));
    const lines = placeLines([{ count: 20, what: 'video-1.mp4', verb: 'opened', location: null }, ...places]);
    expect(lines[0]).toBe('20 × video-1.mp4, opened with no line of your code on the stack (by Node or a library on its own)');
    expect(lines[1]).toBe('10 × photo-0.jpg, opened at scenarios/07-aborted-downloads/server.ts:1:5');
    expect(lines).toHaveLength(PLACES_SHOWN + 1);
    expect(lines.at(-1)).toBe(`… and ${places.slice(PLACES_SHOWN - 1).reduce((sum, place) => sum + place.count, 0)} more from 3 other place(s)`);
  });
});

describe('a pass close to its bar', () => {
  const measure = (value: number, passed = value <= 48): MeasureResult => ({ name: 'strings kept', unit: 'objects', value, bar: 48, passed });
  test('within a quarter of the bar and well above the fixed server, it says so', () => {
    expect(nearTheBar(measure(46), { leaky: 200, fixed: 0 })).toBe('Close to the bar (the fixed server: 0): it passes, but if your server keeps a little for every request, a longer run fails it.');
    expect(nearTheBar(measure(36), undefined)).toMatch(/^Close to the bar: it passes/);
  });
  test('not for a pass far under the bar, one the fixed server nears too, or a failure', () => {
    expect(nearTheBar(measure(35), { leaky: 200, fixed: 0 })).toBeNull();
    expect(nearTheBar(measure(40), { leaky: 200, fixed: 30 })).toBeNull();
    expect(nearTheBar(measure(60), { leaky: 200, fixed: 0 })).toBeNull();
    expect(nearTheBar({ ...measure(0), bar: 0 }, undefined)).toBeNull();
  });
});

describe('the requests a peak came during', () => {
  test('alike counted once, the first few named', () => {
    expect(requestsInFlight(['PUT /uploads/a.bin', 'PUT /uploads/b.bin'])).toBe('PUT /uploads/a.bin, PUT /uploads/b.bin');
    expect(requestsInFlight(['GET /export.csv', 'GET /export.csv', 'GET /export.csv', 'GET /health'])).toBe('3 × GET /export.csv, GET /health');
    expect(requestsInFlight(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b, c, d and 2 more');
  });
});
