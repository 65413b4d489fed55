/**
 * A check's rules for letting go, in a process of their own
 * (release-rules/exercise.ts): what a timer of a second or more lets go of
 * (a sweep, a grace period) is still held, and says so; what is let go of at
 * once or by a short timer is gone; no FinalizationRegistry callback runs,
 * and each one withheld names the line that registered it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../checker/fixtures.ts';

interface Held {
  readonly what: string;
  readonly line: string | null;
}

test('late releases count as held, short ones do not, and finalizers never run', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('test', 'release-rules', 'exercise.ts')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  const held = JSON.parse(out) as Record<'listeners' | 'timers' | 'descriptors' | 'finalizers', Held[]> & { called: number; promisified: string };
  expect(held.listeners).toEqual([
    { what: "listener on events 'swept' (removed by a timer of 1000 ms, not when its request ended: held until it fires)", line: '41' },
    { what: "listener on events 'swept-all' (removed by a timer of 1000 ms, not when its request ended: held until it fires)", line: '42' },
  ]);
  expect(held.timers).toEqual([
    { what: 'interval, every 50 ms (cleared by a timer of 1500 ms, not when its request ended: held until it fires)', line: '52' },
    { what: 'timeout of 60000 ms (cleared by a timer of 1500 ms, not when its request ended: held until it fires)', line: '53' },
  ]);
  // Only the descriptors the exercise opened have a line; the process's own (its pipes, the event loop's) have none.
  expect(held.descriptors.filter((descriptor) => descriptor.line !== null)).toEqual([{ what: 'exercise.ts (closed by a timer of 1200 ms, not when its request ended: held until it fires)', line: '62' }]);
  expect(held.finalizers).toEqual([{ what: expect.stringContaining('clean-up left to a FinalizationRegistry'), line: '71' }]);
  expect(held.called).toBe(0);
  // setTimeout keeps what util.promisify and timers/promises rely on.
  expect(held.promisified).toBe('function');
});
