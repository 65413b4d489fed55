/**
 * The peak sampler on its own, in this process: a Buffer held alive while
 * sampling shows in the peak; garbage that was never held does not; the
 * buffered-bytes figure is read as given; and stopping leaves no timer.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { CONFIRM_STEP_BYTES, PeakSampler } from '../checker/peak-sampler.ts';

const MiB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gcOnce = runInNewContext('gc') as () => void;
/** As the harness collects: twice, so that the first collection's freed Buffers are swept by the second. */
function gc(): void {
  gcOnce();
  gcOnce();
}

function nextTimerTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

test('a Buffer held while the traffic runs raises the peak by its size', async () => {
  const sampler = new PeakSampler({ bufferedBytes: () => 0, collectGarbage: gc });
  sampler.start(1);
  let held: Buffer | null = Buffer.alloc(48 * MiB, 1);
  for (let i = 0; i < 5; i++) await nextTimerTurn();
  held = null;
  const peaks = sampler.stop();
  expect(held).toBeNull();
  const rise = peaks.peak.arrayBuffers - peaks.before.arrayBuffers;
  // Less whatever of the test runner's own Buffers the collections freed since the baseline.
  expect(rise).toBeGreaterThanOrEqual(47 * MiB);
  expect(rise).toBeLessThan(48 * MiB + CONFIRM_STEP_BYTES);
  expect(peaks.samples).toBeGreaterThan(0);
});

test('garbage that was never held does not count, however much of it there was', async () => {
  const sampler = new PeakSampler({ bufferedBytes: () => 0, collectGarbage: gc });
  sampler.start(1);
  let sum = 0;
  for (let i = 0; i < 400; i++) {
    // 256 KiB at a time, dropped at once: 100 MiB of garbage in all.
    sum += Buffer.alloc(256 * 1024, i)[0]!;
    if (i % 20 === 0) await nextTimerTurn();
  }
  const peaks = sampler.stop();
  expect(sum).toBeGreaterThan(0);
  expect(peaks.peak.arrayBuffers - peaks.before.arrayBuffers).toBeLessThan(CONFIRM_STEP_BYTES + MiB);
});

test('buffered bytes are read as the server reports them, without a collection', async () => {
  let buffered = 0;
  let collections = 0;
  const sampler = new PeakSampler({ bufferedBytes: () => buffered, collectGarbage: () => void collections++ });
  sampler.start(1);
  buffered = 3 * MiB;
  await nextTimerTurn();
  buffered = 0;
  await nextTimerTurn();
  const peaks = sampler.stop();
  expect(peaks.before.bufferedBytes).toBe(0);
  expect(peaks.peak.bufferedBytes).toBe(3 * MiB);
  expect(collections).toBe(1); // the one before the baseline
});

test('stopping leaves no timer behind', () => {
  const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  const sampler = new PeakSampler({ bufferedBytes: () => 0, collectGarbage: gc });
  sampler.start(5);
  expect(timers()).toBe(before + 1);
  sampler.stop();
  expect(timers()).toBe(before);
  expect(() => sampler.stop()).toThrow(/not running/);
});
