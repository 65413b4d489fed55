/**
 * Heap selectors a scenario's check combines: which retained objects count as
 * the scenario's leak. memlab's default filter is made for browsers and finds
 * nothing in a Node server; every measure names its objects explicitly.
 */
import type { IHeapNode } from '@memlab/core';
import { formatBytes } from './format.ts';
import { projectFile, scriptOfClosure } from './trace.ts';
import type { HeapSelector } from './types.ts';


/** ArrayBuffers (the memory behind Buffers and typed arrays) that retain at least `minBytes`. */
export function arrayBuffers(minBytes: number): HeapSelector {
  return {
    describe: `Buffers of ${formatBytes(minBytes)} or more`,
    matches: (node) => node.type === 'object' && node.name === 'ArrayBuffer' && node.retainedSize >= minBytes,
  };
}

/** Instances of a class, by its constructor's name (Timeout, IncomingMessage, UploadRecord…). */
export function instancesOf(className: string): HeapSelector {
  return {
    describe: `${className} objects`,
    matches: (node) => node.type === 'object' && node.name === className,
  };
}

/** Functions created by code in a project file whose path ends with `fileSuffix`. */
export function closuresFrom(fileSuffix: string): HeapSelector {
  return {
    describe: `functions created in ${fileSuffix}`,
    matches: (node: IHeapNode) => node.type === 'closure' && (projectFile(scriptOfClosure(node))?.endsWith(fileSuffix) ?? false),
  };
}

/** Objects that any of `selectors` selects: several classes judged together (a request with its response and socket). */
export function anyOf(...selectors: readonly HeapSelector[]): HeapSelector {
  const describe = selectors.length > 1 ? `${selectors.slice(0, -1).map((selector) => selector.describe).join(', ')} and ${selectors.at(-1)!.describe}` : (selectors[0]?.describe ?? 'nothing');
  return {
    describe,
    matches: (node) => selectors.some((selector) => selector.matches(node)),
  };
}
