/**
 * The thread of heap-history.ts: parses each earlier snapshot with memlab
 * when told it is written, and answers what objects retained in it.
 */
import { parentPort } from 'node:worker_threads';
import type { IHeapSnapshot } from '@memlab/core';
import { readHeap } from './analysis.ts';
import type { HistoryReply, HistoryRequest } from './heap-history.ts';

const heaps = new Map<number, Promise<IHeapSnapshot>>();
// One parse at a time, in the order they were asked for: two at once would only share the same core.
let queue: Promise<unknown> = Promise.resolve();

parentPort!.on('message', (request: HistoryRequest) => {
  if (request.type === 'read') {
    const parsed = queue.then(() => readHeap(request.file, { paths: false }));
    parsed.catch(() => undefined);
    queue = parsed.catch(() => undefined);
    heaps.set(request.index, parsed);
    return;
  }
  const heap = heaps.get(request.index);
  if (!heap) {
    parentPort!.postMessage({ type: 'failed', ask: request.ask, message: `no snapshot ${request.index} was read` } satisfies HistoryReply);
    return;
  }
  heap.then(
    (snapshot) => parentPort!.postMessage({ type: 'retained', ask: request.ask, sizes: request.ids.map((id) => snapshot.getNodeById(id)?.retainedSize ?? 0) } satisfies HistoryReply),
    (error: unknown) => parentPort!.postMessage({ type: 'failed', ask: request.ask, message: error instanceof Error ? error.message : String(error) } satisfies HistoryReply),
  );
});
