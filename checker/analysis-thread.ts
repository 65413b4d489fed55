/**
 * The checker's side of the analysis thread (analysis-worker.ts): started
 * with the check, it loads memlab and the check's measures while the server
 * starts, reads the heap when asked, and is ended with the check.
 */
import { Worker } from 'node:worker_threads';
import type { HeapAfterTraffic, HeapFinding } from './analysis.ts';

export type AnalysisReply = { ok: true; findings: HeapFinding[] } | { ok: false; message: string };

export class AnalysisThread {
  private readonly worker: Worker;
  private readonly reply: Promise<HeapFinding[]>;

  constructor(checkFile: string) {
    // A thread does not inherit the TypeScript loader the checker runs under (Node 20): it registers it, then loads the analysis.
    const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./analysis-worker.ts', import.meta.url).href)}); })`;
    this.worker = new Worker(entry, { eval: true, workerData: { checkFile } });
    this.reply = new Promise((resolve, reject) => {
      this.worker.once('message', (reply: AnalysisReply) => (reply.ok ? resolve(reply.findings) : reject(new Error(reply.message))));
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the heap analysis thread ended (exit ${code}) before it answered`)));
    });
    this.reply.catch(() => undefined);
  }

  /** What each of the check's heap measures selects in this heap. */
  analyse(heap: HeapAfterTraffic): Promise<HeapFinding[]> {
    this.worker.postMessage(heap);
    return this.reply;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
