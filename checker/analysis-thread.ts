/**
 * The checker's side of the analysis thread (analysis-worker.ts): started
 * with the check, it loads memlab and the check's measures while the server
 * starts, reads the heap when asked, and is ended with the check. A process
 * that runs check after check (checker/warm.ts) keeps one thread warm between
 * them: memlab and the checks stay loaded.
 */
import { Worker } from 'node:worker_threads';
import type { HeapAfterTraffic, HeapFinding } from './analysis.ts';

export type AnalysisReply = { ok: true; findings: HeapFinding[] } | { ok: false; message: string };
/** What the checker asks the thread: the heap after a check's traffic, measured by that check's heap measures. */
export interface AnalysisRequest {
  readonly checkFile: string;
  readonly heap: HeapAfterTraffic;
}

/** An idle thread kept for the next check, when this process keeps threads warm. */
let idle: AnalysisThread | null = null;
let keepWarm = false;

export class AnalysisThread {
  private readonly worker: Worker;
  /** Why the thread can answer no more: it failed or ended. */
  private dead: Error | null = null;
  /** The request in flight, if any. */
  private pending: { resolve(findings: HeapFinding[]): void; reject(error: Error): void } | null = null;

  private constructor(checkFile: string) {
    // A thread does not inherit the TypeScript loader the checker runs under (Node 20): it registers it, then loads the analysis.
    const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./analysis-worker.ts', import.meta.url).href)}); })`;
    this.worker = new Worker(entry, { eval: true, workerData: { checkFile } });
    this.worker.on('message', (reply: AnalysisReply) => {
      const pending = this.pending;
      this.pending = null;
      if (reply.ok) pending?.resolve(reply.findings);
      else pending?.reject(new Error(reply.message));
    });
    const die = (error: Error): void => {
      this.dead ??= error;
      this.pending?.reject(this.dead);
      this.pending = null;
      if (idle === this) idle = null;
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`the heap analysis thread ended (exit ${code}) before it answered`)));
  }

  /**
   * A thread for a check: the warm one if this process keeps one and it is
   * free, or a new one that starts loading memlab and the check now.
   */
  static forCheck(checkFile: string): AnalysisThread {
    const warm = idle;
    idle = null;
    if (warm && !warm.dead) {
      warm.worker.ref();
      return warm;
    }
    return new AnalysisThread(checkFile);
  }

  /** From now on, a thread released after a check stays loaded for the next one (a process that runs many checks). */
  static keepWarm(): void {
    keepWarm = true;
  }

  /** What each of the check's heap measures selects in this heap. One request at a time. */
  analyse(checkFile: string, heap: HeapAfterTraffic): Promise<HeapFinding[]> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error('the heap analysis thread is already reading a heap'));
    const reply = new Promise<HeapFinding[]>((resolve, reject) => (this.pending = { resolve, reject }));
    reply.catch(() => undefined);
    this.worker.postMessage({ checkFile, heap } satisfies AnalysisRequest);
    return reply;
  }

  /**
   * The check is done with the thread: kept for the next check when this
   * process keeps one warm and the thread is free, ended otherwise (memlab
   * may still be reading a snapshot the check is about to delete).
   */
  async release(): Promise<void> {
    if (keepWarm && !this.dead && !this.pending && !idle) {
      // Idle, it must not keep the process alive.
      this.worker.unref();
      idle = this;
      return;
    }
    await this.stop();
  }

  async stop(): Promise<void> {
    if (idle === this) idle = null;
    await this.worker.terminate();
  }
}
