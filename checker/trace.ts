/**
 * Turns V8's shortest retainer path (GC root to leaked object) into the few
 * steps a learner can follow: it starts at something they recognise (a
 * variable in a project file, a timer, an emitter, a socket) and drops V8's
 * internal plumbing (module records, hidden arrays, maps' backing tables).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IHeapEdge, IHeapNode } from '@memlab/core';
import { PROJECT_ROOT } from './fixtures.ts';
import type { RetainerPath, RetainerStep } from './types.ts';

/** Objects a learner knows as roots of long-lived memory, even without a variable name. */
const RECOGNISED_CLASSES = new Set(['Timeout', 'Immediate', 'EventEmitter', 'Server', 'Socket', 'IncomingMessage', 'ServerResponse', 'ReadStream', 'WriteStream', 'Gzip', 'AsyncLocalStorage']);

/** Internal containers that a JavaScript reader never sees. */
function isPlumbing(node: IHeapNode): boolean {
  if (node.type === 'hidden' || node.type === 'code' || node.type === 'object shape') return true;
  if (node.type === 'array' && (node.name === '' || node.name.startsWith('('))) return true;
  return node.name.startsWith('system / ') && node.name !== 'system / Context';
}

/** The edges from a GC root down to `node`, along V8's shortest retaining path. */
export function pathFromRoot(node: IHeapNode): IHeapEdge[] {
  const edges: IHeapEdge[] = [];
  const seen = new Set<number>();
  let current: IHeapNode | null = node;
  while (current?.pathEdge && !seen.has(current.id)) {
    seen.add(current.id);
    edges.unshift(current.pathEdge);
    current = current.pathEdge.fromNode;
  }
  return edges;
}

/** The file a closure was defined in, from its SharedFunctionInfo's script. */
export function scriptOfClosure(closure: IHeapNode): string | null {
  const shared = closure.getReference('shared')?.toNode;
  const script = shared?.getReference('script_or_debug_info')?.toNode ?? shared?.getReference('script')?.toNode;
  const name = script?.getReference('name')?.toNode;
  if (!name?.isString) return null;
  return name.toStringNode()?.stringValue ?? null;
}

/** Closures created in a scope (they point at its Context). */
function closuresOf(context: IHeapNode): IHeapNode[] {
  return context.referrers.filter((edge) => edge.type === 'internal' && edge.name_or_index === 'context' && edge.fromNode.type === 'closure').map((edge) => edge.fromNode);
}

/** A Context's file, found through any closure that shares it. */
export function scriptOfContext(context: IHeapNode): string | null {
  for (const closure of closuresOf(context)) {
    const script = scriptOfClosure(closure);
    if (script) return script;
  }
  return null;
}

/** A project-relative path for a script name (file URL or path); null for Node's own and dependencies' code. */
export function projectFile(script: string | null): string | null {
  if (!script) return null;
  let file = script;
  if (script.startsWith('file://')) file = fileURLToPath(script);
  if (!path.isAbsolute(file)) return null;
  const relative = path.relative(PROJECT_ROOT, file);
  if (relative.startsWith('..') || relative.split(path.sep).includes('node_modules')) return null;
  return relative.split(path.sep).join('/');
}

function isModuleScope(context: IHeapNode): boolean {
  const previous = context.getReference('previous')?.toNode;
  return !previous || previous.name === 'system / NativeContext' || previous.name.includes('NativeContext');
}

function closureLabel(closure: IHeapNode): string {
  return `${closure.name || '(anonymous function)'}()`;
}

function variablesOf(context: IHeapNode): string[] {
  return context.references.filter((edge) => edge.type === 'context').map((edge) => String(edge.name_or_index));
}

function nodeLabel(node: IHeapNode): string {
  if (node.type === 'closure') return closureLabel(node);
  if (node.name === 'system / Context') {
    const closures = closuresOf(node).map(closureLabel);
    const shared = closures.length ? ` shared by ${closures.slice(0, 4).join(', ')}${closures.length > 4 ? ', …' : ''}` : '';
    return `scope${shared} (holds ${variablesOf(node).slice(0, 6).join(', ') || 'nothing named'})`;
  }
  if (node.isString) return `string (${node.self_size} bytes)`;
  if (node.type === 'array') return 'Array';
  if (node.name === 'system / JSArrayBufferData') return 'the bytes (outside the JS heap)';
  return node.name || `(${node.type})`;
}

function edgeLabel(edge: IHeapEdge, skipped: readonly IHeapNode[]): string {
  const from = skipped[0] ?? edge.fromNode;
  const name = edge.name_or_index;
  if (edge.type === 'context') return `variable ${name}`;
  if (edge.type === 'property') return `.${name}`;
  if (edge.type === 'element') {
    if (from.name === 'Map' || from.name === 'Set') return `${from.name} entry`;
    if (from.name === 'WeakMap') return 'WeakMap entry';
    return `[${name}]`;
  }
  if (edge.type === 'internal' && name === 'context') return 'closes over';
  if (edge.type === 'internal' && name === 'buffer') return 'backing store';
  if (from.name === 'Map' || from.name === 'Set') return `${from.name} entry`;
  return String(name);
}

/** Where the learner's part of the path starts: a variable in a project file, or a recognised object. */
function startIndex(edges: readonly IHeapEdge[]): { index: number; root: string } | null {
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i]!;
    if (edge.type === 'context' && edge.fromNode.name === 'system / Context') {
      const file = projectFile(scriptOfContext(edge.fromNode));
      if (file) {
        const scope = isModuleScope(edge.fromNode) ? 'module variable' : 'variable';
        return { index: i, root: `${scope} in ${file}` };
      }
    }
    const to = edge.toNode;
    if (RECOGNISED_CLASSES.has(to.name) && to.type === 'object') {
      return { index: i, root: `${to.name === 'Timeout' ? 'a timer (setInterval/setTimeout) held by Node' : `a ${to.name} held by Node`}` };
    }
  }
  return null;
}

/** The readable retainer path to `node`; the full V8 path when nothing recognisable is on it. */
export function readablePath(node: IHeapNode): RetainerPath {
  const edges = pathFromRoot(node);
  const start = startIndex(edges);
  const steps: RetainerStep[] = [];
  const from = start?.index ?? 0;
  let skipped: IHeapNode[] = [];
  for (let i = from; i < edges.length; i++) {
    const edge = edges[i]!;
    const to = edge.toNode;
    const isLast = i === edges.length - 1;
    if (!isLast && isPlumbing(to) && to.name !== 'system / Context') {
      skipped = [edge.fromNode, ...skipped].slice(0, 1);
      continue;
    }
    if (to.name === 'system / JSArrayBufferData' && isLast && steps.length > 0) {
      // The bytes themselves: the ArrayBuffer step already names them.
      break;
    }
    steps.push({ via: edgeLabel(edge, skipped), label: nodeLabel(to), retainedBytes: to.retainedSize });
    skipped = [];
  }
  return { root: start?.root ?? 'a V8 root (no variable of yours on the path)', steps };
}

/** A key that is equal for objects kept the same way (same variables and properties; indexes ignored). */
export function pathSignature(retainerPath: RetainerPath): string {
  return retainerPath.root + ' ' + retainerPath.steps.map((step) => `${step.via.replace(/\[\d+\]/, '[]')}>${step.label.replace(/\(\d+ bytes\)/, '')}`).join(' ');
}
