/**
 * Instruments for what a process holds that a heap snapshot does not show as
 * such: file descriptors, timers, listeners on shared emitters, libuv handles.
 * Each reads one figure from a probe of the running server, or answers null
 * where the platform cannot give it, so that a measure can fall back on the
 * next instrument and the verdict can say which one it used.
 */
import { CONNECTION_LISTENER, OWN_EMITTER, type HeldResource, type Probe } from './protocol.ts';
import type { Instrument, MeasureResult, Place, ResourceMeasure } from './types.ts';

/**
 * File descriptors, each with the file it is open on and the line that opened
 * it: the harness records every open and close through node:fs (the file
 * store's streams included), and where the system lists a process's
 * descriptors (/proc/self/fd, /dev/fd) also counts those opened any other way.
 * A FileHandle nothing closed counts too, though the check's garbage
 * collection closed it: a service's collector runs when its heap says so.
 * Works on every platform, Windows included.
 */
export const openDescriptors: Instrument = {
  name: 'the file descriptors your server opened and never closed',
  read: (probe) => probe.held.descriptors.length,
  held: (probe) => probe.held.descriptors,
  verb: 'opened',
};

/** Every live Timeout the learner's code created, unref'd ones included (process.getActiveResourcesInfo leaves those out), with the line that created it. */
/** Write streams the server made and something of its own keeps after a garbage collection (absent where the harness is not: an attached service). */
export const keptWriteStreams: Instrument = {
  name: 'the write streams your server made (createWriteStream) still alive after a garbage collection',
  read: (probe) => probe.writeStreams?.length ?? null,
  held: (probe) => probe.writeStreams ?? [],
  verb: 'made',
  unavailable: 'the server runs without the checker',
};

export const liveTimers: Instrument = {
  name: "the timers your code created and never cleared, unref'd ones included",
  read: (probe) => probe.held.timers.length,
  held: (probe) => probe.held.timers,
  verb: 'created',
};

/**
 * The timers your code created that still run, unref'd ones included: a timer cleared by the handler of a later
 * request (a cache's timer per entry, cleared when a later miss evicts the entry) is not one of them, though
 * liveTimers holds it until then (see LateReleases).
 */
const stillRunning = (probe: Probe): readonly HeldResource[] => probe.held.timers.filter((timer) => timer.late !== 'later request');
export const runningTimers: Instrument = {
  name: "the timers your code created that still run, unref'd ones included",
  read: (probe) => stillRunning(probe).length,
  held: stillRunning,
  verb: 'created',
};

/** Listeners on one event of the file store's shared emitter (fileEvents), with the line that added each. */
export function fileEventListeners(event: string): Instrument {
  const what = `listener on fileEvents '${event}'`;
  // A listener a late timer removed carries a note after its name: "… 'changed' (removed by a timer of 5000 ms, …)".
  const on = (probe: Probe) => probe.held.listeners.filter((listener) => listener.what === what || listener.what.startsWith(`${what} (`));
  return { name: `the listeners added to fileEvents '${event}'`, read: (probe) => on(probe).length, held: on, verb: 'added' };
}

/**
 * Listeners on one event of fileEvents and on every EventEmitter the learner's
 * code made (any event), each with the line that added it, counted by
 * registration: the same function added once per request is as many
 * listeners, called as many times on every event.
 */
export function serviceEventListeners(event: string): Instrument {
  const onFileEvents = fileEventListeners(event);
  const on = (probe: Probe) => [...onFileEvents.held!(probe), ...probe.held.listeners.filter((listener) => listener.what.startsWith(`listener on ${OWN_EMITTER} (`))];
  return { name: `the listeners added to fileEvents '${event}' and to the EventEmitters your code made`, read: (probe) => on(probe).length, held: on, verb: 'added' };
}

/**
 * Listeners the server's code added to client connections that are still
 * open (those a keep-alive client holds), with the line that added each:
 * one added per request and never removed piles up on a connection that
 * serves many requests.
 */
export const connectionListeners: Instrument = {
  name: 'the listeners your code added to client connections still open',
  read: (probe) => probe.held.listeners.filter((listener) => listener.what.startsWith(CONNECTION_LISTENER)).length,
  held: (probe) => probe.held.listeners.filter((listener) => listener.what.startsWith(CONNECTION_LISTENER)),
  verb: 'added',
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
  /** What the growth is made of, by place (instruments that record them). */
  readonly places?: readonly Place[];
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
    if (!instrument.held) return { instrument, value: end - start, unavailable };
    const places = newPlaces(instrument.held(before), instrument.held(after), instrument.verb ?? 'made');
    return { instrument, value: places.reduce((sum, place) => sum + place.count, 0), unavailable, places };
  }
  return { instrument: null, value: 0, unavailable };
}

/**
 * A resource measure's result. A measure no instrument could read fails, and
 * says why: a check that cannot see a leak must not call the server clean.
 */
export function resourceResult(measure: ResourceMeasure, before: Probe, after: Probe): MeasureResult {
  const reading = readResource(measure, before, after);
  const base = { name: measure.name, unit: measure.unit, bar: measure.bar, unavailable: reading.unavailable, ...(measure.guards ? { guards: measure.guards } : {}) };
  if (!reading.instrument) return { ...base, value: 0, passed: false, notMeasured: true };
  const passed = reading.value <= measure.bar;
  // What stayed may be what a withheld clean-up would have let go of: a failing measure shows those too, and where they were registered.
  const withheld = passed || !reading.places ? [] : [...newPlaces(before.held.finalizers, after.held.finalizers, 'registered'), ...newPlaces(before.held.weakRefs, after.held.weakRefs, 'made')];
  const places = [...(reading.places ?? []), ...withheld];
  return { ...base, value: reading.value, passed, instrument: reading.instrument.name, ...(places.length ? { places } : {}) };
}

/** What is held after and was not before, grouped by what it is and the line that made it, most first. */
export function newPlaces(before: readonly HeldResource[], after: readonly HeldResource[], verb: string): Place[] {
  const old = new Set(before.map((held) => held.key));
  // One place per line of code: thirteen uploads opened at one line are one place with thirteen names, not thirteen
  // places. What has no line is grouped by what it is.
  const groups = new Map<string, { count: number; whats: Map<string, number>; location: string | null }>();
  for (const held of after) {
    if (old.has(held.key)) continue;
    const key = held.location ?? `\0${held.what}`;
    const group = groups.get(key) ?? { count: 0, whats: new Map<string, number>(), location: held.location };
    group.count++;
    group.whats.set(held.what, (group.whats.get(held.what) ?? 0) + 1);
    groups.set(key, group);
  }
  const places = [...groups.values()].map(({ count, whats, location }): Place => ({ count, what: namesOf(whats), verb, location }));
  // Most first; among equals, those with a line before those without, then by line.
  return places.sort((a, b) => b.count - a.count || Number(a.location === null) - Number(b.location === null) || (a.location ?? '').localeCompare(b.location ?? '') || a.what.localeCompare(b.what));
}

/** "access-log.csv", or for several at one line "upload-1.bin.partial, upload-2.bin.partial and 11 others", most first. */
function namesOf(whats: ReadonlyMap<string, number>): string {
  const names = [...whats.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([what]) => what);
  if (names.length <= 3) return names.join(names.length === 2 ? ' and ' : ', ');
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

/** True once every resource measure is back within its bar, the sign that closes still in flight have landed. */
export function resourcesSettled(measures: readonly ResourceMeasure[], before: Probe, after: Probe): boolean {
  return measures.every((measure) => {
    const reading = readResource(measure, before, after);
    return reading.instrument === null || reading.value <= 0;
  });
}
