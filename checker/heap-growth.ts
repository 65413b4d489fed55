/**
 * How objects born after a point of the traffic hang from the heap as it was
 * then: which objects are the program's (not V8's bookkeeping), and the older
 * object each hangs from (its container), and whose variable that is (its
 * owner: the file of the nearest scope or module binding above it). The probe weighs what each
 * container held before and after its batches; a check's growth measure does
 * the same for one repeated part of its traffic.
 */
import type { IHeapNode } from '@memlab/core';
import { isHarnessFile, isPlumbing, ownerFileAbove, pathFromRoot, projectFile, scriptOfContext } from './trace.ts';

/** V8's own objects (compiled code, shapes, feedback, backing stores): never the program's data. */
export function isProgramObject(node: IHeapNode): boolean {
  // Native objects (Node's bindings, parser buffers, module wraps) are Node's; what they cost outside the heap is a probe figure.
  if (node.type === 'synthetic' || node.type === 'code' || node.type === 'hidden' || node.type === 'object shape' || node.type === 'native') return false;
  if (node.type === 'array' && (node.name === '' || node.name.startsWith('('))) return false;
  return !node.name.startsWith('system / ') || node.name === 'system / Context';
}

/**
 * Objects only V8's compiled code and feedback keep (an object literal's
 * boilerplate under its AllocationSite, say): the JIT's, not the program's.
 * Also those memlab finds no retaining path to: V8 holds them by edges a
 * program cannot have.
 */
export function ownedByV8(node: IHeapNode): boolean {
  if (!node.pathEdge) return true;
  let dominator = node.dominatorNode;
  for (let depth = 0; dominator && depth < 8; depth++) {
    if (dominator.type === 'code') return true;
    if (isProgramObject(dominator)) return false;
    dominator = dominator.dominatorNode;
  }
  return false;
}

/** The links of a linked list, either way. */
const LIST_LINK = /^_*(idle)?(next|prev|previous)(sibling|node|item)?$/i;

/** An object used as a dictionary (`sessions[id] = …`): its property names are data, not the program's names. */
const DICTIONARY_PROPERTIES = 8;

/**
 * How new objects hang from the heap as it was before the batches: the
 * deepest object on their retainer path that is older than batch A, and the
 * edge from it, with keys and positions left out (`sessions.<key>`,
 * `queue[]`). Every link of a chain, every entry of a dictionary, every
 * element of a list hangs from the same place that way, however deep it sits.
 */
export function attachmentOf(node: IHeapNode, bornBefore: (id: number) => boolean): { container: IHeapNode | null; key: string; kits: boolean; owner: string | null } {
  const edges = pathFromRoot(node);
  for (let i = edges.length - 1; i >= 0; i--) {
    const edge = edges[i]!;
    const from = edge.fromNode;
    if (!bornBefore(from.id) || from.type === 'synthetic') continue;
    // The nearest scope or module binding at or above the container (a module scope is its own) says whose it is: the
    // harness's own bookkeeping is not the service's.
    const owner = ownerFileAbove(edges, i + 1);
    const kits = isHarnessFile(owner);
    let name: string;
    // Entries: array elements, the numbered slots of a Map's or Set's table (internal edges "159", "162"…), and the
    // keys of an object used as a dictionary, its values (.<key>) and the key strings its table holds (numbered slots) alike.
    // A backing store the container grew into (properties, elements, a hash table) is the container's entries too.
    if (edge.type === 'element' || edge.type === 'hidden' || /^\d+$/.test(String(edge.name_or_index))) name = '<entries>';
    else if (edge.type === 'internal' && isPlumbing(edge.toNode)) name = '<entries>';
    else if (edge.type === 'property' && from.references.filter((reference) => reference.type === 'property').length > DICTIONARY_PROPERTIES) name = '<entries>';
    // A doubly linked list (Node's timer lists: _idleNext, _idlePrev): the shortest path reaches its first half one way
    // and its second half the other, so one batch would hang from `next` and the other from `prev`. One list either way.
    else if (edge.type === 'property' && LIST_LINK.test(String(edge.name_or_index))) name = '<list>';
    else name = `${edge.type}:${edge.name_or_index}`;
    return { container: from, key: `${from.id} ${name}`, kits, owner };
  }
  return { container: null, key: '', kits: false, owner: null };
}

/**
 * The older object whose retained size tells what `node` adds to the state: its container, when the container alone
 * keeps it (dominates it), as a Map keeps its entries. An object kept from two places is kept by neither alone: a
 * record a WeakMap holds under a key the cache holds too is retained by what holds both, the module's scope. Then
 * the nearest older object that keeps it, when that is the program's, in a project file other than the checker's.
 */
export function growthHolder(node: IHeapNode, container: IHeapNode, bornBefore: (id: number) => boolean): IHeapNode {
  let dominator = node.dominatorNode;
  for (let depth = 0; dominator && depth < 10_000; depth++) {
    if (dominator.id === container.id) return container;
    if (bornBefore(dominator.id) || dominator.dominatorNode?.id === dominator.id) break;
    dominator = dominator.dominatorNode;
  }
  if (!dominator || !bornBefore(dominator.id) || !isProgramObject(dominator)) return container;
  const edges = pathFromRoot(dominator);
  const file = dominator.name === 'system / Context' ? projectFile(scriptOfContext(dominator)) : ownerFileAbove(edges, edges.length);
  return file && !isHarnessFile(file) ? dominator : container;
}

/**
 * Whether the path to `node` passes through the server's Express app (its `app` function) above `container`: the
 * harness holds the app it serves, but what hangs from the app (`app.locals`, its settings, its router's closures)
 * is the learner's state.
 */
export function throughTheApp(node: IHeapNode, container: IHeapNode): boolean {
  for (const edge of pathFromRoot(node)) {
    if (edge.toNode.type === 'closure' && edge.toNode.name === 'app') return true;
    if (edge.fromNode.id === container.id) return false;
  }
  return false;
}

/** Node's own records of the modules it loaded (with the source maps it reads for stack traces, lazily). */
const NODES_MODULE_RECORDS = new Set(['ModuleWrap', 'ModuleJob', 'ModuleLoader', 'LoadCache', 'SourceMap']);

/**
 * Whether the path to `node` passes, above `container`, through a scope of Node's own code or its records of the
 * modules it loaded (Node 24 reaches them from the global object, by a symbol of its own).
 */
export function throughNodesOwnScope(node: IHeapNode, container: IHeapNode): boolean {
  for (const edge of pathFromRoot(node)) {
    if (NODES_MODULE_RECORDS.has(edge.toNode.name) && edge.toNode.type === 'object') return true;
    // The container itself may be such a scope (a variable of Node's buffer module that gains a value on first use).
    if (edge.fromNode.name === 'system / Context' && (scriptOfContext(edge.fromNode) ?? '').startsWith('node:')) return true;
    if (edge.fromNode.id === container.id) return false;
  }
  return false;
}
