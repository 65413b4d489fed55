/**
 * Instruments for what a process holds outside the JavaScript heap: file
 * descriptors, open streams, libuv handles. A heap snapshot cannot see them;
 * each reads one figure from a probe of the running server, or answers null
 * where the platform cannot give it, so that a measure can fall back on the
 * next instrument and the verdict can say which one it used.
 */
import type { Probe } from './protocol.ts';
import type { Instrument, MeasureResult, ResourceMeasure } from './types.ts';

/** Descriptors the process has open (/proc/self/fd on Linux, /dev/fd on macOS). */
export const openFileDescriptors: Instrument = {
  name: 'open file descriptors',
  read: (probe) => probe.resources.fileDescriptors,
  unavailable: 'Windows cannot list a process\'s file descriptors',
};

/**
 * Read streams the file store opened (openStoredFile) that have not emitted
 * 'close'; works on every platform. A server that never reads through the
 * store would show 0 whatever it leaks, so then this instrument has no figure.
 */
export const openFileStreams: Instrument = {
  name: "the file store's read streams that were opened and never closed",
  read: (probe) => (probe.storage.diskReads > 0 ? (probe.storage.openReadStreams ?? null) : null),
  unavailable: 'the server did not read any file through the shared file store (openStoredFile)',
};

/** Active libuv handles and requests of one kind, as `process.getActiveResourcesInfo()` lists them (TCPSocketWrap, Timeout, FSReqCallback…). */
export function activeResources(kind: string): Instrument {
  return {
    name: `active ${kind} resources (process.getActiveResourcesInfo)`,
    read: (probe) => probe.resources.active[kind] ?? 0,
  };
}

/** The figures a resource measure reads before and after the traffic, by the first instrument this platform has. */
export interface ResourceReading {
  /** The instrument that gave the figure, or null when none could. */
  readonly instrument: Instrument | null;
  /** Growth from before the traffic to after it. */
  readonly value: number;
  /** Instruments the measure prefers but this platform or server lacks, with why. */
  readonly unavailable: readonly string[];
}

export function readResource(measure: ResourceMeasure, before: Probe, after: Probe): ResourceReading {
  const unavailable: string[] = [];
  for (const instrument of measure.instruments) {
    const start = instrument.read(before);
    const end = instrument.read(after);
    if (start === null || end === null) {
      unavailable.push(`${instrument.name} — ${instrument.unavailable ?? 'not available here'}`);
      continue;
    }
    return { instrument, value: end - start, unavailable };
  }
  return { instrument: null, value: 0, unavailable };
}

/**
 * A resource measure's result. A measure no instrument could read fails, and
 * says why: a check that cannot see a leak must not call the server clean.
 */
export function resourceResult(measure: ResourceMeasure, before: Probe, after: Probe): MeasureResult {
  const reading = readResource(measure, before, after);
  const base = { name: measure.name, unit: measure.unit, bar: measure.bar, unavailable: reading.unavailable };
  if (!reading.instrument) return { ...base, value: 0, passed: false, notMeasured: true };
  return { ...base, value: reading.value, passed: reading.value <= measure.bar, instrument: reading.instrument.name };
}

/** True once every resource measure is back within its bar, the sign that closes still in flight have landed. */
export function resourcesSettled(measures: readonly ResourceMeasure[], before: Probe, after: Probe): boolean {
  return measures.every((measure) => {
    const reading = readResource(measure, before, after);
    return reading.instrument === null || reading.value <= 0;
  });
}
