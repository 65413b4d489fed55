/**
 * Samples a process's memory while traffic runs, and keeps the peak of each
 * figure: what a heap snapshot taken after the traffic cannot see, because
 * it is gone by then (a response's write buffer, a whole upload held in
 * memory on its way to disk).
 *
 * Runs in the server's process (the harness starts it). Memory figures count
 * only what is alive: garbage that V8 has not collected yet does not count.
 * V8 lets tens of MiB of dead Buffers wait for a collection, so a streaming
 * server would otherwise look as if it held the chunks it has long passed
 * on. A raw reading above the peak by more than a step triggers a garbage
 * collection, and only the reading after it can raise the peak: the peak is
 * exact for a server that holds little, and at most a step below the truth
 * for one that holds a lot. At the moments that matter most (the server has
 * done all it can while its slow client or disk makes it wait) the harness
 * asks for a reading after a collection, whatever the raw figure says.
 */
import type { SampledFigure, SampledPeaks, SampledValues } from './protocol.ts';

/** Figures a garbage collection can lower: they count only what survives one. */
const COLLECTED: readonly SampledFigure[] = ['heapUsed', 'external', 'arrayBuffers', 'heapAndExternal'];

/** How far a raw reading must rise above the peak before a collection confirms it. */
export const CONFIRM_STEP_BYTES = 4 * 1024 * 1024;

export interface PeakSamplerOptions {
  /** Bytes the server has written that its clients have not taken yet. */
  readonly bufferedBytes: () => number;
  /** A full garbage collection (global.gc under --expose-gc). */
  readonly collectGarbage: () => void;
}

export class PeakSampler {
  private timer: NodeJS.Timeout | null = null;
  private before: SampledValues | null = null;
  private peak: SampledValues | null = null;
  private samples = 0;
  private steadyReadings = 0;
  private started = 0;
  private peakAt: Partial<Record<SampledFigure, number>> = {};

  constructor(private readonly options: PeakSamplerOptions) {}

  private read(): SampledValues {
    const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
    return { heapUsed, external, arrayBuffers, heapAndExternal: heapUsed + external, rss, bufferedBytes: this.options.bufferedBytes() };
  }

  private raise(peak: SampledValues, reading: SampledValues, figures: readonly SampledFigure[]): void {
    const now = performance.timeOrigin + performance.now();
    for (const figure of figures) {
      if (reading[figure] <= peak[figure]) continue;
      peak[figure] = reading[figure];
      this.peakAt[figure] = now;
    }
  }

  /** Start sampling every `intervalMs`; the first reading (after a collection) is the baseline. */
  start(intervalMs: number): void {
    if (this.timer) throw new Error('the sampler is already running');
    this.options.collectGarbage();
    this.before = this.read();
    this.peak = { ...this.before };
    this.samples = 0;
    this.steadyReadings = 0;
    this.peakAt = {};
    this.started = performance.now();
    // Unref'd: the sampler is no work of the server's, and the harness tells when the server is steady by the work it has left.
    this.timer = setInterval(() => this.sample(), intervalMs).unref();
  }

  /** Take one reading now; the timer calls it, and so can code that knows a peak is near. */
  sample(): void {
    const peak = this.peak;
    if (!peak) return;
    let reading = this.read();
    this.samples += 1;
    if (COLLECTED.some((figure) => reading[figure] > peak[figure] + CONFIRM_STEP_BYTES)) {
      this.options.collectGarbage();
      reading = this.read();
      this.raise(peak, reading, COLLECTED);
    }
    this.raise(peak, reading, ['rss', 'bufferedBytes']);
  }

  /** A reading after a collection, counted whatever the raw figures say: for a moment the caller knows to be a peak. */
  sampleCollected(): void {
    const peak = this.peak;
    if (!peak) return;
    this.options.collectGarbage();
    this.samples += 1;
    this.steadyReadings += 1;
    this.raise(peak, this.read(), [...COLLECTED, 'rss', 'bufferedBytes']);
  }

  /** Take a last reading, stop the timer (nothing of the sampler stays scheduled) and report. */
  stop(): SampledPeaks {
    if (!this.timer || !this.before || !this.peak) throw new Error('the sampler is not running');
    this.sample();
    clearInterval(this.timer);
    this.timer = null;
    const result: SampledPeaks = {
      before: this.before,
      peak: this.peak,
      samples: this.samples,
      steadyReadings: this.steadyReadings,
      durationMs: performance.now() - this.started,
      peakAt: this.peakAt,
    };
    this.before = null;
    this.peak = null;
    return result;
  }
}
