/**
 * Run by release-rules.test.ts in a process of its own (the rules patch
 * timers, fs and FinalizationRegistry for the whole process): lets go of a
 * listener, a timer and a descriptor in each way a server may, then prints
 * what the recorders hold, as JSON.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DescriptorRecorder, FinalizerRecorder, LateReleases, ListenerRecorder, TimerRecorder } from '../../checker/recorders.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const late = new LateReleases(1_000);
late.install();
const descriptors = new DescriptorRecorder(here, late);
descriptors.install();
const timers = new TimerRecorder(here, late);
timers.install();
const finalizers = new FinalizerRecorder(here);
finalizers.install();
const events = new EventEmitter();
const listeners = new ListenerRecorder(here, late);
listeners.watch('events', events);

const done: Array<Promise<void>> = [];
/** Resolves when `fn` has run from a timer of `ms`. */
function after(ms: number, fn: () => void | Promise<void>): void {
  done.push(new Promise((resolve) => setTimeout(() => void Promise.resolve(fn()).then(resolve), ms)));
}

// Listeners: removed at once, by a short timer, by a long one (after an await, through removeAllListeners too).
const direct = (): void => undefined;
events.on('direct', direct);
events.off('direct', direct);
const soon = (): void => undefined;
events.on('soon', soon);
after(200, () => void events.removeListener('soon', soon));
const sweptOne = (): void => undefined;
events.once('swept', sweptOne);
events.on('swept-all', () => undefined);
after(1_000, async () => {
  await null;
  events.off('swept', sweptOne);
  events.removeAllListeners('swept-all');
});

// Timers: cleared by a short timer, by a long one (clearInterval and close()).
const beat = setInterval(() => undefined, 50);
after(200, () => clearInterval(beat));
const heartbeat = setInterval(() => undefined, 50);
const other = setTimeout(() => undefined, 60_000);
after(1_500, () => {
  clearInterval(heartbeat);
  other.close();
});

// Descriptors: closed by a short timer, by a long one, after an await.
const quick = fs.openSync(fileURLToPath(import.meta.url), 'r');
after(100, () => fs.closeSync(quick));
const swept = fs.openSync(fileURLToPath(import.meta.url), 'r');
after(1_200, async () => {
  await wait(1);
  await new Promise<void>((resolve) => fs.close(swept, () => resolve()));
});

// A FinalizationRegistry: its object goes, its callback must not run.
let called = 0;
const registry = new FinalizationRegistry<string>(() => void called++);
(() => registry.register({ big: new Array(1_000).fill(1) }, 'gone'))();

await Promise.all(done);
global.gc!();
global.gc!();
await wait(50);
global.gc!();
await wait(50);

const relative = (list: Array<{ what: string; location: string | null }>) => list.map(({ what, location }) => ({ what, line: location?.split(':')[1] ?? null }));
process.stdout.write(
  JSON.stringify({
    listeners: relative(listeners.held()),
    timers: relative(timers.held()),
    descriptors: relative(descriptors.held()),
    finalizers: relative(finalizers.held()),
    called,
    promisified: typeof (setTimeout as unknown as Record<symbol, unknown>)[Symbol.for('nodejs.util.promisify.custom')],
  }),
);
