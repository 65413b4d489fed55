/**
 * A check's rules for letting go, in a process of their own
 * (release-rules/exercise.ts): what a timer of a second or more lets go of
 * (a sweep, a grace period, a timers/promises sleep) or a later request's
 * handler lets go of for an ended one is still held, and says so; what is
 * let go of at once or by a short timer is gone; no FinalizationRegistry
 * callback of the code's own runs, and each one withheld names the line that
 * registered it; a WeakRef to an emitter stays full, one to data does not.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../checker/fixtures.ts';

interface Held {
  readonly what: string;
  readonly line: string | null;
}

test('late releases (long timers, timers/promises sleeps, a later request) count as held, short ones do not; finalizers never run; WeakRefs to emitters stay full', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('test', 'release-rules', 'exercise.ts')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  const held = JSON.parse(out) as Record<'listeners' | 'timers' | 'descriptors' | 'finalizers' | 'weakRefs', Held[]> & { called: number; promisified: string; kept: { emitter: boolean; data: boolean } };
  expect(held.listeners).toEqual([
    { what: "listener on events 'swept' (removed by a timer of 1000 ms, not when its request ended: held until it fires)", line: '43' },
    { what: "listener on events 'swept-all' (removed by a timer of 1000 ms, not when its request ended: held until it fires)", line: '44' },
    // A timers/promises sleep of a second is a timer of a second; one of 100 ms is not.
    { what: "listener on events 'slept' (removed by a timer of 1000 ms, not when its request ended: held until it fires)", line: '78' },
  ]);
  expect(held.timers).toEqual([
    { what: 'interval, every 50 ms (cleared by a timer of 1500 ms, not when its request ended: held until it fires)', line: '54' },
    { what: 'timeout of 60000 ms (cleared by a timer of 1500 ms, not when its request ended: held until it fires)', line: '55' },
  ]);
  // Only the descriptors the exercise opened have a line; the process's own (its pipes, the event loop's) have none.
  // The one a request left open and the next request's handler closed is held; the one closed by a request that started
  // before its own ended, and the one closed by a timer the next request set, are not.
  expect(held.descriptors.filter((descriptor) => descriptor.line !== null)).toEqual([
    { what: 'exercise.ts (closed by the handler of a later request, not when its own request ended: held until the next request comes)', line: '105' },
    { what: 'exercise.ts (closed by a timer of 1000 ms, not when its request ended: held until it fires)', line: '86' },
    { what: 'exercise.ts (closed by a timer of 1200 ms, not when its request ended: held until it fires)', line: '64' },
  ]);
  // fetch registers clean-ups of its own: they run, and only the exercise's is withheld.
  expect(held.finalizers).toEqual([{ what: expect.stringContaining('clean-up left to a FinalizationRegistry'), line: '73' }]);
  expect(held.called).toBe(0);
  expect(held.weakRefs).toEqual([{ what: expect.stringContaining("WeakRef to a request's EventEmitter, which the check never empties"), line: '97' }]);
  expect(held.kept).toEqual({ emitter: true, data: false });
  // setTimeout keeps what util.promisify and timers/promises rely on.
  expect(held.promisified).toBe('function');
});
