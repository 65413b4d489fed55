/**
 * The probe's earlier heaps, read while the probe goes on. The probe weighs
 * what a structure held before batch A, between the batches and after them:
 * the first two snapshots are parsed here, in a thread of their own, each as
 * soon as it is written, while the service runs the next batch and writes the
 * next snapshot; the probe's own thread parses the last one. When the probe
 * asks what a few objects retained in each, the answer is ready or nearly so.
 */
import { Worker } from 'node:worker_threads';

export type HistoryRequest = { type: 'read'; index: number; file: string } | { type: 'retained'; index: number; ids: number[]; ask: number };
export type HistoryReply =
  | { type: 'retained'; ask: number; sizes: number[] }
  | { type: 'failed'; ask: number; message: string };

/** What the heap parsed from one snapshot file says about some of its objects, by id (0: not in it). */
export interface EarlierHeap {
  retainedSizes(ids: readonly number[]): Promise<number[]>;
}

export class HeapHistory {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (sizes: number[]) => void; reject: (error: Error) => void }>();
  private asks = 0;
  private ended: Error | null = null;

  constructor() {
    // A thread does not inherit the TypeScript loader the probe runs under (Node 20): it registers it, then loads its part.
    const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./heap-history-worker.ts', import.meta.url).href)}); })`;
    this.worker = new Worker(entry, { eval: true });
    this.worker.on('message', (reply: HistoryReply) => {
      const waiting = this.pending.get(reply.ask);
      if (!waiting) return;
      this.pending.delete(reply.ask);
      if (reply.type === 'retained') waiting.resolve(reply.sizes);
      else waiting.reject(new Error(reply.message));
    });
    const end = (error: Error): void => {
      this.ended = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.once('error', end);
    this.worker.once('exit', (code) => end(new Error(`the thread that reads the earlier heaps ended (exit ${code})`)));
    // Not unref'd: while the probe waits for its answer, the thread is all that keeps the process alive.
  }

  /** Start parsing the snapshot written to `file`; `index` names it in later questions. */
  read(index: number, file: string): EarlierHeap {
    this.worker.postMessage({ type: 'read', index, file } satisfies HistoryRequest);
    return {
      retainedSizes: (ids) =>
        new Promise((resolve, reject) => {
          if (this.ended) return reject(this.ended);
          const ask = ++this.asks;
          this.pending.set(ask, { resolve, reject });
          this.worker.postMessage({ type: 'retained', index, ids: [...ids], ask } satisfies HistoryRequest);
        }),
    };
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
