/**
 * The check's heap analysis, in a thread of its own. memlab's parse and its
 * path and dominator passes run for seconds without a break: in the
 * checker's own thread they would hold up the contract's requests (and let
 * their timeouts fire while the server had long answered). Here they run
 * beside the contract, on the other core. The thread answers one request
 * after another, so a process that runs many checks keeps it loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseHeap } from './analysis.ts';
import type { AnalysisReply, AnalysisRequest } from './analysis-thread.ts';
import { loadCheck } from './run.ts';
import type { GrowthMeasure, HeapMeasure } from './types.ts';

/** A check's heap and growth measures, each in the order the checker filters them. The measures are functions: the thread loads them from the check itself. */
interface HeapReadMeasures {
  readonly heap: HeapMeasure[];
  readonly growth: GrowthMeasure[];
}
const heapMeasuresOf = new Map<string, Promise<HeapReadMeasures>>();
function heapMeasures(checkFile: string): Promise<HeapReadMeasures> {
  let measures = heapMeasuresOf.get(checkFile);
  if (!measures) {
    measures = loadCheck(checkFile).then((spec) => ({
      heap: spec.measures.filter((measure): measure is HeapMeasure => measure.kind === 'heap'),
      growth: spec.measures.filter((measure): measure is GrowthMeasure => measure.kind === 'growth'),
    }));
    heapMeasuresOf.set(checkFile, measures);
  }
  return measures;
}

// Loaded while the server starts: the check this thread was started for.
await heapMeasures((workerData as { checkFile: string }).checkFile).catch(() => undefined);

parentPort!.on('message', ({ checkFile, heap }: AnalysisRequest) => {
  heapMeasures(checkFile)
    .then((measures) => analyseHeap(heap, measures.heap, measures.growth))
    .then(
      (findings) => parentPort!.postMessage({ ok: true, findings } satisfies AnalysisReply),
      (error: unknown) => parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) } satisfies AnalysisReply),
    );
});
