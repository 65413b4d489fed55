/**
 * Run by release-rules.test.ts in a process of its own (the rules patch
 * timers, fs, FinalizationRegistry and WeakRef for the whole process): lets
 * go of a listener, a timer and a descriptor in each way a server may, then
 * prints what the recorders hold, as JSON.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setInterval as setIntervalPromise, setTimeout as wait } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DescriptorRecorder, FinalizerRecorder, KeptWeakRefs, LateReleases, ListenerRecorder, TimerRecorder } from '../../checker/recorders.ts';

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

// timers/promises: a listener removed after a sleep of a second (late), one after 100 ms (not late), a descriptor closed
// by a for-await interval of a second (late).
const slept = (): void => undefined;
events.on('slept', slept);
done.push(wait(1_000).then(() => void events.off('slept', slept)));
const napped = (): void => undefined;
events.on('napped', napped);
done.push((async () => {
  await wait(100);
  events.off('napped', napped);
})());
const polled = fs.openSync(fileURLToPath(import.meta.url), 'r');
done.push((async () => {
  for await (const _ of setIntervalPromise(1_000)) {
    fs.closeSync(polled);
    break;
  }
})());

// WeakRefs: to an emitter, kept; to plain data, emptied.
const weakRefs = new KeptWeakRefs(here);
weakRefs.install();
const keptEmitter = (() => new WeakRef(new EventEmitter()))();
const emptiedData = (() => new WeakRef({ data: new Array(1_000).fill(1) }))();

// Requests: a descriptor of a request that ended, closed by the handler of the next (late); one closed by a
// request that started before its own ended (not late); one closed by a timer the next request set (not late).
const server = http.createServer(async (request, response) => {
  const { pathname } = new URL(request.url!, 'http://localhost');
  if (pathname === '/open') {
    openedBy.set(request.headers['x-name'] as string, fs.openSync(fileURLToPath(import.meta.url), 'r'));
    if (request.headers['x-hold'] === 'yes') await new Promise((resolve) => (releaseHeld = resolve));
  }
  if (pathname === '/close') fs.closeSync(openedBy.get(request.headers['x-name'] as string)!);
  if (pathname === '/close-soon') {
    const fd = openedBy.get(request.headers['x-name'] as string)!;
    await new Promise<void>((resolve) => setTimeout(() => resolve(fs.closeSync(fd)), 10));
  }
  response.end('ok');
});
const openedBy = new Map<string, number>();
let releaseHeld: (value: unknown) => void = () => undefined;
late.spanRequests(server);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
const ask = (pathname: string, name: string, hold = 'no') => fetch(`http://127.0.0.1:${port}${pathname}`, { headers: { 'x-name': name, 'x-hold': hold, connection: 'close' } }).then((answer) => answer.text());
await ask('/open', 'ended');
await ask('/close', 'ended');
const held = ask('/open', 'in-flight', 'yes');
while (!openedBy.has('in-flight')) await wait(5);
await ask('/close', 'in-flight');
releaseHeld(null);
await held;
await ask('/open', 'by-timer');
await ask('/close-soon', 'by-timer');
server.close();

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
    weakRefs: relative(weakRefs.held()),
    kept: { emitter: keptEmitter.deref() instanceof EventEmitter, data: emptiedData.deref() !== undefined },
    called,
    promisified: typeof (setTimeout as unknown as Record<symbol, unknown>)[Symbol.for('nodejs.util.promisify.custom')],
  }),
);
