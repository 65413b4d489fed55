/**
 * The check's heap analysis, in a thread of its own. memlab's parse and its
 * path and dominator passes run for seconds without a break: in the
 * checker's own thread they would hold up the contract's requests (and let
 * their timeouts fire while the server had long answered). Here they run
 * beside the contract, on the other core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseHeap, type HeapAfterTraffic } from './analysis.ts';
import type { AnalysisReply } from './analysis-thread.ts';
import { loadCheck } from './run.ts';
import type { HeapMeasure } from './types.ts';

// The check's measures are functions: the thread loads them from the check itself, in the order the checker filters them.
const spec = await loadCheck((workerData as { checkFile: string }).checkFile);
const heapMeasures = spec.measures.filter((measure): measure is HeapMeasure => measure.kind === 'heap');

parentPort!.once('message', (heap: HeapAfterTraffic) => {
  analyseHeap(heap, heapMeasures).then(
    (findings) => parentPort!.postMessage({ ok: true, findings } satisfies AnalysisReply),
    (error: unknown) => parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) } satisfies AnalysisReply),
  );
});
