/**
 * Heap selectors a scenario's check combines: which retained objects count as
 * the scenario's leak. memlab's default filter is made for browsers and finds
 * nothing in a Node server; every measure names its objects explicitly.
 */
import http from 'node:http';
import net from 'node:net';
import type { IHeapEdge, IHeapNode } from '@memlab/core';
import { formatBytes } from './format.ts';
import { dominators, functionBehind, isHarnessFile, isPlumbing, keptByModuleStateOf, nearestScope, projectFile, scriptOfClosure, scriptOfContext } from './trace.ts';
import type { HeapSelector, TrafficHeap } from './types.ts';

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

/**
 * The slab Node cuts its next small Buffers from (`allocPool` in Node's
 * lib/buffer.js; Buffer.poolSize, 8 KiB on Node 20 and 64 KiB on Node 24).
 * Node keeps it whatever the server does, so it is nobody's leak.
 */
export function isBufferPoolSlab(node: IHeapNode): boolean {
  return node.name === 'ArrayBuffer' && node.referrers.some((edge) => edge.type === 'context' && edge.name_or_index === 'allocPool');
}

/**
 * ArrayBuffers that retain at least `minBytes`, except Node's current Buffer
 * pool slab: for measures small enough that one slab would matter. Older
 * slabs count, since only the small Buffers cut from them keep them alive.
 */
export function arrayBuffersOutsidePool(minBytes: number): HeapSelector {
  const buffers = arrayBuffers(minBytes);
  return {
    describe: buffers.describe,
    matches: (node) => buffers.matches(node) && !isBufferPoolSlab(node),
  };
}

/**
 * Strings that retain at least `minBytes`. A flat string retains its own
 * characters; V8 also makes a substring of 13 characters or more a "sliced
 * string" that points to its parent (the `parent` edge in a snapshot) instead
 * of copying, so a large text kept only through small substrings of it is
 * selected here, whole, with the substrings on its retainer path.
 */
export function stringsRetaining(minBytes: number): HeapSelector {
  return {
    describe: `strings of ${formatBytes(minBytes)} or more`,
    matches: (node) => node.isString && node.retainedSize >= minBytes,
  };
}

/** Objects that any of `selectors` selects: several classes judged together (a request with its response and socket). */
export function anyOf(...selectors: readonly HeapSelector[]): HeapSelector {
  const describe = selectors.length > 1 ? `${selectors.slice(0, -1).map((selector) => selector.describe).join(', ')} and ${selectors.at(-1)!.describe}` : (selectors[0]?.describe ?? 'nothing');
  return {
    describe,
    matches: (node, traffic) => selectors.some((selector) => selector.matches(node, traffic)),
  };
}

/**
 * Strings that contain `text`, one per string kept: a substring or a
 * concatenation that contains it points to its parts (`parent`, `first`,
 * `second` edges), and a part that contains it too is not counted again.
 * For names the traffic makes up ("broken-link-17.jpg"): whatever keeps them
 * after their request is over keeps one per name.
 */
export function stringsContaining(text: string, describe: string): HeapSelector {
  const contains = (node: IHeapNode): boolean => node.isString && (node.toStringNode()?.stringValue ?? '').includes(text);
  return {
    describe,
    matches: (node) => contains(node) && !node.referrers.some((edge) => edge.fromNode.isString && contains(edge.fromNode)),
  };
}

/**
 * Kept by the checker's own code in the server's process, not by the server:
 * the nearest scope that every path to `node` passes through is the
 * harness's (which remembers, say, the name of each file opened in the
 * uploads folder, by descriptor, to slow its reads down). For a measure whose
 * objects are plain data the harness may also hold (names, records); not for
 * functions, which the harness's timer wrappers hold on the learner's behalf.
 */
export function keptByTheChecker(node: IHeapNode): boolean {
  const scope = nearestScope(node);
  return scope !== null && isHarnessFile(projectFile(scriptOfContext(scope)));
}

/**
 * Objects (records, arrays, class instances) that only the server's own
 * module-level variables keep: a registry of requests in flight, a log of
 * downloads for a status page. Born during the traffic and still alive after
 * it, each is state that something per request added and nothing took away.
 */
export function keptByModuleState(describe: string): HeapSelector {
  return {
    describe,
    matches: (node, traffic) => node.type === 'object' && !isPlumbing(node) && !node.name.startsWith('system /') && keptByModuleStateOf(node, undefined, madeBeforeThe(traffic)) !== null,
  };
}

/** Bytes: Buffers, typed arrays and what is behind them, which a scenario's bytes measure weighs, not its records'. */
const BYTES = /^(Buffer|ArrayBuffer|SharedArrayBuffer|DataView|(Big)?(Int|Uint|Float)\d+(Clamped)?Array)$/;

/**
 * Records (plain objects, class instances, arrays, dates, promises) that only the service's module-level variables
 * keep, made during the traffic (`during`: "the uploads"), whatever they are kept in and under whatever key: one per
 * request in flight, and none once they are all over. Bytes are another measure's; what the checker holds is not the
 * service's.
 */
export function recordsKeptByModuleState(during = 'the traffic'): HeapSelector {
  const kept = keptByModuleState(`records your module-level variables gained during ${during} (objects other than Buffers)`);
  return { describe: kept.describe, matches: (node, traffic) => !BYTES.test(node.name) && kept.matches(node, traffic) && !keptByTheChecker(node) };
}

/** A scope made before the traffic (when the modules loaded, or during the warmup), when the heap tells. */
function madeBeforeThe(traffic: TrafficHeap | undefined): ((scope: IHeapNode) => boolean) | undefined {
  return traffic ? (scope) => !traffic.bornDuringTraffic(scope) : undefined;
}

/**
 * How many entries a collection's storage has room for, from its size in the
 * snapshot: 8-byte slots after a 16-byte header. An array's elements take a
 * slot each; a Map's table starts with three counts and takes half a bucket
 * and a slot per key, value and link for each entry (a Set's, no value); an
 * object used as a dictionary (`counts[id] = n`, `byName[name] = …`) has its
 * elements or properties in a hash table of three slots per entry after four
 * or five counts (taken at that, the room of one still in fast mode is
 * underestimated, never over). V8 leaves small numbers out of a snapshot, so
 * a collection of them shows no entry, only its room.
 */
function roomOf(storage: IHeapNode, edge: IHeapEdge): number {
  const collection = edge.fromNode;
  if (edge.name_or_index === 'table') return (storage.self_size - 16 - 3 * 8) / (8 * (collection.name === 'Map' ? 3.5 : 2.5));
  if (collection.name === 'Array' && edge.name_or_index === 'elements') return (storage.self_size - 16) / 8;
  return (storage.self_size - 16 - 5 * 8) / (3 * 8);
}

/** The storage edge of a collection (a Map's or Set's table, an array's or object's elements, an object's properties), or null. */
function storageEdge(node: IHeapNode): IHeapEdge | null {
  if (node.type !== 'array') return null;
  return (
    node.referrers.find((edge) => {
      const from = edge.fromNode;
      if (from.type !== 'object' || isPlumbing(from) || from.name.startsWith('system /')) return false;
      if (edge.name_or_index === 'table') return from.name === 'Map' || from.name === 'Set';
      return edge.name_or_index === 'elements' || edge.name_or_index === 'properties';
    }) ?? null
  );
}

/**
 * The storage of a collection the service's module-level variables hold
 * (a Map, a Set, an array, or a plain object used as one: `bytesSent[id] =
 * n`), grown during the traffic past room for `room` entries: it kept
 * something of requests that were over (an id and its bytes sent, a time
 * per abort), whatever the entries are, numbers included, which a snapshot
 * does not show. One per collection: an object counts its elements, or its
 * named properties when its elements have not grown. A module variable kept
 * by a factory's scope (`const tracker = makeTracker()`) counts as one.
 */
export function collectionsGrownPast(room: number, during = 'the traffic'): HeapSelector {
  return {
    describe: `tables (one per Map, Set, array or object your module-level variables hold) grown during ${during} to room for more than ${room} entries,`,
    matches: (node, traffic) => {
      const edge = storageEdge(node);
      if (!edge || roomOf(node, edge) <= room) return false;
      const collection = edge.fromNode;
      if (edge.name_or_index === 'properties') {
        const elements = collection.references.find((other) => other.name_or_index === 'elements' && other.type === 'internal');
        if (elements && elements.toNode.type === 'array' && roomOf(elements.toNode, elements) > room) return false;
      }
      return isServiceFile(keptByModuleStateOf(collection, undefined, madeBeforeThe(traffic)));
    },
  };
}

/**
 * Names of what Node itself puts on a connection's socket (net's fields, the
 * HTTP server's parser and listener wrappers, its symbols), as a snapshot
 * names a property: "<symbol kBuffer>" for Symbol(kBuffer). Read from a socket
 * an HTTP server is given here, so they are this Node's; with the methods of
 * a socket and an emitter, which libraries and the checker wrap on it.
 */
let nodeSocketKeys: Set<string> | null = null;
function socketPropertiesOfNode(): Set<string> {
  if (nodeSocketKeys) return nodeSocketKeys;
  const names = new Set<string>(['_httpMessage', '_consuming', '_requestsCount', 'timeout']);
  const socket = new net.Socket();
  new http.Server().emit('connection', socket);
  for (const key of Reflect.ownKeys(socket)) names.add(typeof key === 'symbol' ? `<symbol ${key.description ?? ''}>` : key);
  socket.destroy();
  for (let prototype: object | null = net.Socket.prototype; prototype && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype)) {
    for (const key of Reflect.ownKeys(prototype)) names.add(typeof key === 'symbol' ? `<symbol ${key.description ?? ''}>` : key);
  }
  nodeSocketKeys = names;
  return names;
}

/**
 * Objects, strings and numbers that only a client's connection keeps, through
 * a property the service's code put on its socket (`req.socket.history`, a
 * Symbol of its own), not one of Node's: a record per request on a
 * connection kept open grows for as long as the client keeps it, hours for
 * a browser or a proxy's pool. Node's own (its parser, buffers, listeners)
 * are left out, and listeners are the listeners measure's. So is what a
 * WeakMap keyed by the socket holds (`perConnection.set(req.socket, [])`):
 * its value lives as long as the connection does, as a property would.
 */
export function keptByConnections(describe = 'objects your code hung on a client\'s connection (a property of its socket, or a WeakMap keyed by it)'): HeapSelector {
  return {
    describe,
    matches: (node) => {
      if (isPlumbing(node) || node.name.startsWith('system /') || node.type === 'closure' || node.type === 'object shape') return false;
      if (node.type !== 'object' && node.type !== 'heap number' && !(node.isString && !node.referrers.some((edge) => edge.fromNode.isString))) return false;
      for (const { dominator, below } of dominators(node)) {
        // A WeakMap's value is kept by its key and its table at once: no single object dominates it, and the walk would end at the roots.
        if (valueOfASocketsWeakMapEntry(below)) return true;
        if (dominator.type === 'object' && dominator.name === 'Socket' && dominator.getReference('server', 'property')) {
          const edge = dominator.references.find((candidate) => candidate.toNode.id === below.id && candidate.type === 'property');
          return edge !== undefined && !socketPropertiesOfNode().has(String(edge.name_or_index));
        }
        if (dominator.name === 'system / Context') return false;
      }
      return false;
    },
  };
}

/** Whether a WeakMap keeps `node` as the value of an entry whose key is a client's socket (V8 names that edge from the key). */
function valueOfASocketsWeakMapEntry(node: IHeapNode): boolean {
  return node.referrers.some(
    (edge) => edge.fromNode.type === 'object' && edge.fromNode.name === 'Socket' && String(edge.name_or_index).includes('part of key') && edge.fromNode.getReference('server', 'property') !== undefined,
  );
}

/**
 * Strings that only the service's own module-level variables keep (see
 * keptByModuleState), one per string kept: a name cut from a request's URL
 * counts once, not again with the text it was cut from. A service keeps a
 * name or two per file it knows (its entry in a list, its thumbnail's key);
 * a list that gains one per request grows with the traffic, a few bytes at a
 * time, for ever.
 */
export function stringsKeptByModuleState(describe: string): HeapSelector {
  return {
    describe,
    matches: (node) => node.isString && !node.referrers.some((edge) => edge.fromNode.isString) && isServiceFile(keptByModuleStateOf(node)),
  };
}

/**
 * The service's own code, wherever its files are: any file of the kit's
 * (a scenario's, a solution's, a test variant's, the leaky modules as
 * shipped) but the checker's, whose service modules stand for libraries
 * (the file store, the thumbnailer) and whose harness runs beside the
 * server. Node's code and the dependencies' are no project file at all.
 */
export function isServiceFile(file: string | null): boolean {
  return file !== null && (!file.startsWith('checker/') || file.startsWith('checker/originals/'));
}

/**
 * Functions the service's own code created (closures), in any of its files:
 * one made per request and kept after it (a listener on any emitter, an
 * invalidator pushed to an array, a callback in a Map) stays alive however it
 * is kept. Each function counts once; the scope it closes over is on its path.
 * A bound function counts as one of the function it binds.
 */
export function closuresOfTheService(describe = 'functions your code created'): HeapSelector {
  return {
    describe,
    // A bound function (f.bind(null, name)) is one too: made by the service's code, from its function.
    matches: (node) => node.type === 'closure' && isServiceFile(projectFile(scriptOfClosure(functionBehind(node)))),
  };
}

/**
 * Strings whose characters are outside the JS heap (V8's external strings):
 * Node makes one of every string over about 1 MiB it decodes from bytes
 * (`buffer.toString()`, `readFile(…, 'utf8')`), so each is a megabyte or more
 * of a file's bytes as text. A snapshot gives such a string the size of its
 * header alone (32 bytes), whatever it holds: a measure of bytes does not see
 * them, a count does. The sources of Node's own modules, kept by their
 * scripts, are left out.
 */
export function externalStrings(describe = 'strings of about 1 MiB or more kept outside the JS heap'): HeapSelector {
  return {
    describe,
    matches: (node) =>
      node.isString &&
      (node.getReference('map')?.toNode.name ?? '').includes('External') &&
      !node.referrers.some((edge) => edge.name_or_index === 'source' || edge.fromNode.name.startsWith('system / Script')),
  };
}
