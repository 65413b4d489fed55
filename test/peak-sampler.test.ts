/**
 * The peak sampler on its own, in this process: a Buffer held alive while
 * sampling shows in the peak, in arrayBuffers and in the process's memory as
 * a whole; garbage that was never held does not; a reading asked for after a
 * collection counts even below the step; the buffered-bytes figure is read
 * as given; and its timer is no work of the server's and stops with it.
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
  // Less whatever of the test runner's own Buffers the collections freed since the baseline.
  for (const figure of ['arrayBuffers', 'heapAndExternal'] as const) {
    const rise = peaks.peak[figure] - peaks.before[figure];
    expect(rise, figure).toBeGreaterThanOrEqual(47 * MiB);
    expect(rise, figure).toBeLessThan(48 * MiB + CONFIRM_STEP_BYTES);
  }
  expect(peaks.samples).toBeGreaterThan(0);
  expect(peaks.steadyReadings).toBe(0);
});

test('a reading asked for after a collection counts what is alive then, however little above the peak', () => {
  const sampler = new PeakSampler({ bufferedBytes: () => 0, collectGarbage: gc });
  // A timer interval no test waits for: only the readings asked for count.
  sampler.start(60_000);
  const held = Buffer.alloc(CONFIRM_STEP_BYTES / 2, 1);
  sampler.sampleCollected();
  const peaks = sampler.stop();
  expect(held[0]).toBe(1);
  expect(peaks.steadyReadings).toBe(1);
  const rise = peaks.peak.heapAndExternal - peaks.before.heapAndExternal;
  expect(rise).toBeGreaterThanOrEqual(CONFIRM_STEP_BYTES / 2 - MiB);
  expect(rise).toBeLessThan(CONFIRM_STEP_BYTES / 2 + MiB);
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

test('its timer is no work of the process (unref\'d, out of the active resources), and stopping ends it', async () => {
  const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  const sampler = new PeakSampler({ bufferedBytes: () => 0, collectGarbage: gc });
  sampler.start(1);
  expect(timers()).toBe(before);
  await nextTimerTurn();
  const peaks = sampler.stop();
  expect(peaks.samples).toBeGreaterThan(1);
  expect(() => sampler.stop()).toThrow(/not running/);
  // Stopped: no reading comes any more, not even into a new run's count.
  sampler.start(60_000);
  await nextTimerTurn();
  expect(sampler.stop().samples).toBe(1);
});
