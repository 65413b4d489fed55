/**
 * Turns V8's shortest retainer path (GC root to leaked object) into the few
 * steps a learner can follow: it starts at something they recognise (a
 * variable in a project file, a timer, an emitter, a socket) and drops V8's
 * internal plumbing (module records, hidden arrays, maps' backing tables).
 */
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire, SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IHeapEdge, IHeapNode } from '@memlab/core';
import { PROJECT_ROOT } from './fixtures.ts';
import { PATH_LABEL_WIDTH } from './format.ts';
import type { RetainerPath, RetainerStep } from './types.ts';
import { compileOptions } from './typescript-hooks.mjs';

/** Objects a learner knows as roots of long-lived memory, even without a variable name. */
const RECOGNISED_CLASSES = new Set(['process', 'Timeout', 'Immediate', 'EventEmitter', 'Server', 'Socket', 'IncomingMessage', 'ServerResponse', 'ReadStream', 'WriteStream', 'Gzip', 'AsyncLocalStorage']);

/** Internal containers that a JavaScript reader never sees. */
export function isPlumbing(node: IHeapNode): boolean {
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

/**
 * The function a bound function calls (what `f.bind(…)` was called on), or the
 * function itself: V8 names every bound function "native_bind", with no code
 * of its own; where it comes from is its target's.
 */
export function functionBehind(closure: IHeapNode): IHeapNode {
  if (closure.name !== 'native_bind') return closure;
  const target = closure.getReference('bound_function')?.toNode;
  return target?.type === 'closure' ? functionBehind(target) : closure;
}

/** The file a closure was defined in, from its SharedFunctionInfo's script. */
export function scriptOfClosure(closure: IHeapNode): string | null {
  const shared = closure.getReference('shared')?.toNode;
  const script = shared?.getReference('script_or_debug_info')?.toNode ?? shared?.getReference('script')?.toNode;
  const name = script?.getReference('name')?.toNode;
  if (!name?.isString) return null;
  return name.toStringNode()?.stringValue ?? null;
}

/**
 * The package an object's class comes from ("lru-cache"), when its
 * constructor was defined under node_modules: a library's classes are often
 * minified to one letter, and the package is what the reader knows.
 */
export function packageOf(node: IHeapNode): string | null {
  if (node.type !== 'object') return null;
  const prototype = node.getReference('map')?.toNode.getReference('prototype')?.toNode;
  const constructor = prototype?.references.find((edge) => edge.type === 'property' && edge.name_or_index === 'constructor')?.toNode;
  if (constructor?.type !== 'closure') return null;
  const script = scriptOfClosure(constructor);
  const inPackage = script ? /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(script) : null;
  return inPackage ? inPackage[1]!.replace(/\\/g, '/') : null;
}

/** The raw arrays of a parsed snapshot that memlab keeps (for what its API does not give right). */
interface RawSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly location_fields: readonly string[] } };
  readonly locations: ArrayLike<number>;
}

const sourceLines = new WeakMap<object, Map<number, { line: number; column: number }>>();

/**
 * Where a function was defined (1-based line and column), from the snapshot's
 * `locations`. memlab 2.0.5's `node.location` maps a location by the node's
 * offset in the nodes array as if it were its index, so it answers for almost
 * no node: read the table here instead.
 */
export function sourceLineOf(closure: IHeapNode): { line: number; column: number } | null {
  const heap = closure.snapshot as unknown as { snapshot?: RawSnapshot };
  const raw = heap.snapshot;
  if (!raw?.locations) return null;
  let lines = sourceLines.get(heap);
  if (!lines) {
    lines = new Map();
    const nodeFields = raw.snapshot.meta.node_fields.length;
    const fields = raw.snapshot.meta.location_fields;
    const [object, line, column] = ['object_index', 'line', 'column'].map((name) => fields.indexOf(name)) as [number, number, number];
    for (let at = 0; at + fields.length <= raw.locations.length; at += fields.length) {
      lines.set(raw.locations[at + object]! / nodeFields, { line: raw.locations[at + line]! + 1, column: raw.locations[at + column]! + 1 });
    }
    sourceLines.set(heap, lines);
  }
  return lines.get((closure as unknown as { idx: number }).idx) ?? null;
}

/** Source maps of TypeScript files as the loader compiled them, by path (null: could not be made the same). */
const compiledMaps = new Map<string, SourceMap | null>();

/**
 * The source map of a TypeScript file as it was compiled when the server
 * loaded it: the kit's hooks (typescript-hooks.mjs) and tsx run esbuild with
 * these options and put a module on one line, so a position in the snapshot
 * is in that code. The file is compiled again here and used only if it agrees
 * with the snapshot's copy of the code (its first KiB: a snapshot keeps no
 * more of a string).
 */
function compiledMap(file: string, compiledStart: string): SourceMap | null {
  if (compiledMaps.has(file)) return compiledMaps.get(file)!;
  let map: SourceMap | null = null;
  try {
    // The kit's servers are compiled by typescript-hooks.mjs, a service of the user's by tsx: both with esbuild, with these options.
    const { transformSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const compiled = transformSync(readFileSync(file, 'utf8'), compileOptions(file));
    // The loaded code ends with its inline source map: a short module's whole code fits in the snapshot's first KiB.
    const same = compiledStart.length > 0 && (compiled.code.startsWith(compiledStart) || compiledStart.startsWith(compiled.code));
    if (same) map = new SourceMap(JSON.parse(compiled.map));
  } catch {
    map = null;
  }
  compiledMaps.set(file, map);
  return map;
}

/**
 * "scenarios/12-the-incident/thumbnails.ts:21": the file and line where a
 * function of a project file was written (for TypeScript, through the
 * source map of the code tsx made of it); the file alone when the line
 * cannot be told; null for a function of Node's or a dependency's.
 */
export function definedAt(closure: IHeapNode, root: string = PROJECT_ROOT): string | null {
  const script = scriptOfClosure(closure);
  const file = projectFile(script, root);
  if (!file || !script) return null;
  const position = sourceLineOf(closure);
  if (!position) return file;
  if (!/\.(ts|tsx|mts|cts)$/.test(file)) return `${file}:${position.line}`;
  const shared = closure.getReference('shared')?.toNode;
  const scriptNode = shared?.getReference('script_or_debug_info')?.toNode ?? shared?.getReference('script')?.toNode;
  const compiledStart = scriptNode?.getReference('source')?.toNode.toStringNode()?.stringValue ?? '';
  const map = compiledMap(path.join(root, file), compiledStart);
  const entry = map?.findEntry(position.line - 1, position.column - 1) as { originalLine?: number } | undefined;
  return entry?.originalLine !== undefined ? `${file}:${entry.originalLine + 1}` : file;
}

/** "function at scenarios/12-the-incident/thumbnails.ts:21", its path cut from the start if need be: the line must show. */
function closureAt(label: string, where: string): string {
  const name = label.startsWith('(anonymous function)') ? 'function' : label;
  const full = `${name} at ${where}`;
  return full.length <= PATH_LABEL_WIDTH ? full : `${name} at …${where.slice(-(PATH_LABEL_WIDTH - name.length - 5))}`;
}

/** Closures created in a scope (they point at its Context). */
function closuresOf(context: IHeapNode): IHeapNode[] {
  return context.referrers.filter((edge) => edge.type === 'internal' && edge.name_or_index === 'context' && edge.fromNode.type === 'closure').map((edge) => edge.fromNode);
}

/** A Context's file, found through any closure that shares it, or else through a scope inside it (whose `previous` it is). */
export function scriptOfContext(context: IHeapNode, depth = 0): string | null {
  for (const closure of closuresOf(context)) {
    const script = scriptOfClosure(closure);
    if (script) return script;
  }
  if (depth >= 4) return null;
  for (const edge of context.referrers) {
    if (edge.name_or_index !== 'previous' || edge.fromNode.name !== 'system / Context') continue;
    const script = scriptOfContext(edge.fromNode, depth + 1);
    if (script) return script;
  }
  return null;
}

/**
 * A path relative to `root` (the kit's folder, or the folder of a service the
 * probe runs) for a script name (file URL or path); null for Node's own code,
 * dependencies' code and anything outside `root`.
 */
export function projectFile(script: string | null, root: string = PROJECT_ROOT): string | null {
  if (!script) return null;
  let file = script;
  if (script.startsWith('file://')) file = fileURLToPath(script);
  if (!path.isAbsolute(file)) return null;
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || relative.split(path.sep).includes('node_modules')) return null;
  return relative.split(path.sep).join('/');
}

/**
 * The name and file of the ES module export whose binding (a Cell) this is.
 * Every module that imports the name holds the same Cell (in its list of
 * imports), so the first referrer V8 happens to list may be any importer:
 * the declaring module is the one whose exports table pairs the Cell with
 * its name (a hash table of name, Cell entries).
 */
function exportOfCell(cell: IHeapNode): { name: string; file: string | null } | null {
  for (const toCell of cell.referrers) {
    const table = toCell.fromNode;
    // A table's slots are internal edges named by their index, as strings.
    const slot = Number(toCell.name_or_index);
    if (!Number.isInteger(slot)) continue;
    const key = table.references.find((edge) => Number(edge.name_or_index) === slot - 1)?.toNode;
    const name = key?.isString ? key.toStringNode()?.stringValue : undefined;
    if (!name) continue;
    for (const toTable of table.referrers) {
      const module = toTable.fromNode;
      if (module.name !== 'system / SourceTextModule') continue;
      const generator = module.references.find((edge) => edge.toNode.name === 'Generator')?.toNode;
      const body = generator?.getReference('function')?.toNode;
      return { name, file: body ? scriptOfClosure(body) : null };
    }
  }
  return null;
}

/**
 * The project file whose variable an object on a path hangs from: the nearest
 * function scope or module binding (a Cell) above `below` (an index into the
 * path's edges). The shortest path may pass through the checker's harness,
 * which imports the service's modules; the binding nearest the object, not
 * the first on the path, says whose the structure is.
 */
export function ownerFileAbove(edges: readonly IHeapEdge[], below: number): string | null {
  for (let i = below - 1; i >= 0; i--) {
    const from = edges[i]!.fromNode;
    if (from.name === 'system / Cell') {
      const declared = exportOfCell(from);
      if (declared) return projectFile(declared.file);
    }
    if (from.name === 'system / Context') return projectFile(scriptOfContext(from));
  }
  return null;
}

/**
 * An object a project module exports, by its export's name, whichever path
 * V8 took to it: the shortest path may reach it through an importer or
 * through the checker's own harness, and the name must not change with that.
 */
function exportedAs(node: IHeapNode, root: string): Omit<Start, 'index'> | null {
  for (const edge of node.referrers) {
    if (edge.fromNode.name !== 'system / Cell' || edge.name_or_index !== 'value') continue;
    const declared = exportOfCell(edge.fromNode);
    const file = learnerVisibleFile(declared?.file ?? null, root);
    if (!declared || !file) continue;
    // `export default app`: the learner knows it by its variable's name.
    const variable = declared.name === 'default' ? defaultExportVariable(file, root) : null;
    return variable ? { name: variable, description: `module variable in ${file}`, file } : { name: declared.name, description: `exported by ${file}`, file };
  }
  return null;
}

/**
 * The project file whose module-level state keeps `node` and nothing else
 * does: the nearest scope or module binding (a Cell) that every path to it
 * passes through is a module scope or an export of a learner's file, or the
 * nearest object every path passes through is one that a learner's
 * module-level variable or export holds (the app, which Node's server holds
 * too: what hangs from `app.locals` is that module's state). Null when that
 * nearest scope is a function's (a request's closure: other measures judge
 * those), the checker's or a library's, or when nothing of a learner's
 * module dominates it. With `madeAtLoad`, a function's scope it accepts
 * (one made before the traffic) passes the question on to what keeps it.
 */
export function keptByModuleStateOf(node: IHeapNode, root: string = PROJECT_ROOT, madeAtLoad?: (scope: IHeapNode) => boolean, depth = 0): string | null {
  // An object a module-level variable holds that Node holds too (the app, which the server calls): what only it keeps is that module's state.
  let holder: string | null = null;
  const scope = nearestScope(node, { exports: true, stopAt: (dominator) => (holder = moduleVariableHolding(dominator, root)) !== null });
  if (holder) return holder;
  if (!scope) return null;
  if (scope.name === 'system / Context') {
    if (isModuleScope(scope)) return learnerVisibleFile(scriptOfContext(scope), root);
    // A function's scope made before the traffic (a factory's, `const tracker = makeTracker()`) that module state keeps is
    // that module's state too; one made per request is not.
    return madeAtLoad?.(scope) && depth < 8 ? keptByModuleStateOf(scope, root, madeAtLoad, depth + 1) : null;
  }
  return learnerVisibleFile(exportOfCell(scope)!.file, root);
}

/**
 * What a service's code keeps on the global object (`globalThis.downloads = []`) is module state too, whichever
 * file put it there: said as GLOBAL_STATE. Node's own globals (and the builtin modules a REPL puts there) are not.
 */
export const GLOBAL_STATE = 'globalThis';
let nodeGlobals: Set<string> | null = null;
function globalsOfNode(): Set<string> {
  nodeGlobals ??= new Set([...Object.getOwnPropertyNames(globalThis), ...builtinModules, 'global', 'globalThis']);
  return nodeGlobals;
}

/** Whether `edge` is a property the service put on the global object (not one of Node's). */
function isGlobalOfTheService(edge: IHeapEdge): boolean {
  return edge.type === 'property' && edge.fromNode.type === 'object' && edge.fromNode.name === 'global' && !globalsOfNode().has(String(edge.name_or_index));
}

/** The learner's file whose module-level variable or export holds `node` itself, GLOBAL_STATE for a property of the global object of its own, or null. */
function moduleVariableHolding(node: IHeapNode, root: string): string | null {
  for (const edge of node.referrers) {
    const from = edge.fromNode;
    if (isGlobalOfTheService(edge)) return GLOBAL_STATE;
    if (edge.type === 'context' && from.name === 'system / Context' && isModuleScope(from)) {
      const file = learnerVisibleFile(scriptOfContext(from), root);
      if (file) return file;
    }
    if (from.name === 'system / Cell' && edge.name_or_index === 'value') {
      const declared = exportOfCell(from);
      const file = declared ? learnerVisibleFile(declared.file, root) : null;
      if (file) return file;
    }
  }
  return null;
}

/**
 * The nearest scope (a Context) that every path to `node` passes through,
 * or with `exports`, the nearest such scope or module export (a Cell):
 * whose variable keeps it, when nothing else does. With `stopAt`, the walk
 * also ends (answering null) at the first object on the way it accepts.
 */
export function nearestScope(
  node: IHeapNode,
  { exports = false, stopAt }: { exports?: boolean; stopAt?: (dominator: IHeapNode) => boolean } = {},
): IHeapNode | null {
  for (const { dominator } of dominators(node)) {
    if (dominator.name === 'system / Context') return dominator;
    if (exports && dominator.name === 'system / Cell' && exportOfCell(dominator)) return dominator;
    if (stopAt?.(dominator)) return null;
  }
  return null;
}

/** The objects every path to `node` passes through, nearest first, each with the one below it on the way (`node` first). */
export function* dominators(node: IHeapNode): Generator<{ dominator: IHeapNode; below: IHeapNode }> {
  let below = node;
  let dominator = node.dominatorNode;
  for (let depth = 0; dominator && depth < 10_000; depth++) {
    yield { dominator, below };
    if (dominator.dominatorNode?.id === dominator.id) return;
    below = dominator;
    dominator = dominator.dominatorNode;
  }
}

/** The checker's code in the server's process: it holds what it watches, and is never where a leak starts. */
const HARNESS_FILES = new Set(['checker/harness.ts', 'checker/recorders.ts', 'checker/slow-disk.ts', 'checker/steady.ts', 'checker/peak-sampler.ts']);

/** Code of the checker's own that runs in the server's process (a project-relative path). */
export function isHarnessFile(file: string | null): boolean {
  return file !== null && HARNESS_FILES.has(file);
}

/** A project file whose variables may start a path the learner reads. */
function learnerVisibleFile(script: string | null, root: string): string | null {
  const file = projectFile(script, root);
  return file && !HARNESS_FILES.has(file) ? file : null;
}

function isModuleScope(context: IHeapNode): boolean {
  const previous = context.getReference('previous')?.toNode;
  return !previous || previous.name === 'system / NativeContext' || previous.name.includes('NativeContext');
}

function closureLabel(closure: IHeapNode): string {
  const target = functionBehind(closure);
  if (target !== closure) return `${closureLabel(target).replace(/\(\)$/, '')}.bind(…)`;
  // Transpiled code often defines functions as __name(() => …, "name"): the name is then a property.
  const named = closure.name || closure.getReference('name', 'property')?.toNode.toStringNode()?.stringValue;
  return `${named || '(anonymous function)'}()`;
}

function variablesOf(context: IHeapNode): string[] {
  return context.references.filter((edge) => edge.type === 'context').map((edge) => String(edge.name_or_index));
}

export function nodeLabel(node: IHeapNode): string {
  if (node.type === 'closure') return closureLabel(node);
  if (node.name === 'system / Context') {
    const closures = closuresOf(node).map(closureLabel);
    const named = closures.filter((label) => !label.startsWith('('));
    const owners =
      closures.length === 1
        ? ` of ${closures[0]}`
        : closures.length > 1
          ? ` shared by ${named.length === closures.length && closures.length <= 3 ? closures.join(', ') : `${closures.length} functions${named.length ? ` (${named.slice(0, 3).join(', ')}…)` : ''}`}`
          : '';
    const variables = variablesOf(node);
    return `scope${owners}: ${variables.slice(0, 6).join(', ')}${variables.length > 6 ? ', …' : ''}`;
  }
  if (node.isString) return stringLabel(node);
  if (node.type === 'array') return 'Array';
  if (node.name === 'system / JSArrayBufferData') return 'the bytes (outside the JS heap)';
  return node.name || `(${node.type})`;
}

/**
 * A string as the path shows it. V8 keeps a substring of 13 characters or
 * more as a "sliced string" (a view of its `parent`) and a concatenation as a
 * "concatenated string" (`first` + `second`); only a flat string holds its
 * characters itself.
 */
export function stringLabel(node: IHeapNode): string {
  if (node.type === 'sliced string' || node.type === 'concatenated string') return node.type;
  // Node keeps a text of over about 1 MiB outside the heap: the snapshot sizes its header alone.
  if ((node.getReference('map')?.toNode.name ?? '').includes('External')) return 'string (its characters outside the JS heap)';
  return `string (${node.self_size} bytes)`;
}

export function edgeLabel(edge: IHeapEdge, skipped: readonly IHeapNode[]): string {
  const from = skipped[0] ?? edge.fromNode;
  const name = edge.name_or_index;
  if (edge.type === 'context') return `variable ${name}`;
  // A WeakRef a check keeps full (see KeptWeakRefs in recorders.ts): say so where the path passes it.
  if (edge.type === 'property' && name === '#kept' && from.name === 'WeakRef') return 'kept: a check never empties a WeakRef to a request\'s objects';
  if (edge.type === 'property') return `.${name}`;
  if (edge.type === 'element') {
    if (from.name === 'Map' || from.name === 'Set') return `${from.name} entry`;
    if (from.name === 'WeakMap') return 'WeakMap entry';
    return `[${name}]`;
  }
  if (edge.type === 'internal' && name === 'context') return 'closes over';
  if (edge.type === 'internal' && name === 'buffer') return 'backing store';
  // V8 names the edge from a WeakMap entry's key to its value "3 / part of key (Socket @1) -> value (Array @2) pair in WeakMap (table @3)".
  if (/part of key \(.* -> value \(.*\) pair in WeakMap/.test(String(name))) {
    const map = weakMapHolding(edge);
    return map ? `its value in WeakMap ${map}, keyed by this ${from.name}` : `its value in a WeakMap keyed by this ${from.name}`;
  }
  if (from.name === 'Map' || from.name === 'Set') return `${from.name} entry`;
  return String(name);
}

/**
 * "history (scenarios/07-aborted-downloads/server.ts:24)": the WeakMap whose
 * entry `edge` is (from the key to the value), by the variable, export or
 * property that holds it, with the line that declares it where that can be
 * told. The edge's name gives the WeakMap's table; the WeakMap holds the table.
 */
function weakMapHolding(edge: IHeapEdge, root: string = PROJECT_ROOT): string | null {
  const tableId = /pair in WeakMap \(table @(\d+)\)/.exec(String(edge.name_or_index))?.[1];
  const table = tableId ? edge.fromNode.snapshot.getNodeById(Number(tableId)) : null;
  const map = table?.referrers.find((toTable) => toTable.fromNode.name === 'WeakMap' && toTable.name_or_index === 'table')?.fromNode;
  if (!map) return null;
  for (const holder of map.referrers) {
    const from = holder.fromNode;
    let name: string | null = null;
    let file: string | null = null;
    if (holder.type === 'context' && from.name === 'system / Context') {
      name = String(holder.name_or_index);
      file = learnerVisibleFile(scriptOfContext(from), root);
    } else if (from.name === 'system / Cell' && holder.name_or_index === 'value') {
      const declared = exportOfCell(from);
      name = declared?.name ?? null;
      file = learnerVisibleFile(declared?.file ?? null, root);
    } else if (isGlobalOfTheService(holder)) {
      return `globalThis.${String(holder.name_or_index)}`;
    } else if (holder.type === 'property') {
      name = String(holder.name_or_index);
      file = keptByModuleStateOf(map, root);
      if (file === GLOBAL_STATE) file = null;
      if (name) return file ? `.${name} (${assignmentLine(file, name, root) ?? file})` : `.${name}`;
    }
    if (name) return file ? `${name} (${declarationLine(file, name, root) ?? assignmentLine(file, name, root) ?? file})` : name;
  }
  return null;
}

/** "server.ts:31": the first line of a project file that gives `name` a value (`name = …`, `name: … = …`, `.name ??= …`), or undefined. */
export function assignmentLine(file: string, name: string, root: string = PROJECT_ROOT): string | undefined {
  return firstLineMatching(file, new RegExp(`(?:^|[^\\w$])${escapeName(name)}\\s*(?::[^=;]*)?(?:\\?\\?|\\|\\|)?=(?![=>])`), root);
}

/**
 * A path whose root is a property the service put on the global object
 * (`globalThis.downloads`), placed at the first line of the server's own files
 * that gives it a value: the server file first, then the files it imports.
 * The snapshot says which object holds it, never which file set it.
 */
export function placeGlobalRoot(retainerPath: RetainerPath, serverFile: string, root: string = PROJECT_ROOT): RetainerPath {
  const name = retainerPath.root.name.startsWith(`${GLOBAL_STATE}.`) ? retainerPath.root.name.slice(GLOBAL_STATE.length + 1) : null;
  if (!name || retainerPath.root.declaredAt) return retainerPath;
  const escaped = escapeName(name);
  const property = `(?:\\.\\s*${escaped}\\b|\\[\\s*['"\`]${escaped}['"\`]\\s*\\])`;
  const assigned = `\\s*(?:\\?\\?|\\|\\||&&)?=(?![=>])`;
  // Best first: `globalThis.name = …`; then the property given a value or added to through an alias of the global
  // object (`const g = globalThis as …; (g.name ??= []).push(…)`); then any line of code that names it.
  const tiers = [
    new RegExp(`\\b(?:globalThis|global)\\b[^;\\n]*?${property}${assigned}`),
    new RegExp(`${property}(?:${assigned}|\\s*\\.\\s*(?:push|unshift|set|add)\\s*\\()`),
    new RegExp(property),
  ];
  const files = filesOfTheServer(path.resolve(root, serverFile)).map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n') }));
  for (const tier of tiers) {
    for (const { file, lines } of files) {
      const index = lines.findIndex((line) => !/^\s*(?:\/\/|\*|\/\*)/.test(line) && tier.test(line));
      const relative = projectFile(file, root);
      if (index >= 0 && relative) return { ...retainerPath, root: { ...retainerPath.root, declaredAt: `${relative}:${index + 1}` } };
    }
  }
  return retainerPath;
}

/** The server file and the project files it imports, nearest first (relative imports, a few levels deep). */
function filesOfTheServer(serverFile: string): string[] {
  const found: string[] = [];
  const queue = [serverFile];
  while (queue.length && found.length < 32) {
    const file = queue.shift()!;
    if (found.includes(file)) continue;
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    found.push(file);
    for (const match of source.matchAll(/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      queue.push(path.resolve(path.dirname(file), match[1] ?? match[2]!));
    }
  }
  return found;
}

interface Start {
  readonly index: number;
  readonly name: string;
  readonly description: string;
  /** The project file that declares the root's name, for the line it is declared on. */
  readonly file?: string;
}

/** `app` for a project file that ends with `export default app;`, or null. */
function defaultExportVariable(file: string, root: string): string | null {
  try {
    return /^export\s+default\s+([A-Za-z_$][\w$]*)\s*;?\s*$/m.exec(readFileSync(path.join(root, file), 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** "scenarios/12-the-incident/catalog.ts:21": the line of a module-level declaration of `name` in a project file. */
export function declarationLine(file: string, name: string, root: string = PROJECT_ROOT): string | undefined {
  return firstLineMatching(file, new RegExp(`^(?:export\\s+)?(?:async\\s+)?(?:const|let|var|function\\*?|class)\\s+${escapeName(name)}\\b`), root);
}

/** A name as a regular expression matches it (`$` is a name's letter too). */
function escapeName(name: string): string {
  return name.replace(/[$]/g, '\\$&');
}

/** "file:line" of the first line of a project file that `pattern` matches, or undefined (none, or no such file). */
function firstLineMatching(file: string, pattern: RegExp, root: string): string | undefined {
  let source: string;
  try {
    source = readFileSync(path.join(root, file), 'utf8');
  } catch {
    return undefined;
  }
  const index = source.split('\n').findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : `${file}:${index + 1}`;
}

/**
 * Where the learner's part of the path starts, in order of preference: a
 * module-level variable or export of a project file (the name the learner
 * wrote), then an object Node keeps for a reason the learner knows (a timer,
 * a server, a socket), then any variable of a project file. The shortest path
 * V8 finds may pass through Node's objects first (an http.Server whose app
 * reaches the module scope): the learner's own name still wins.
 */
function startOf(edges: readonly IHeapEdge[], root: string): Start | null {
  // The deepest module variable or export on the path names the leak best: the
  // app that reaches a cache is the way in, the cache is what keeps the bytes.
  let named: Start | null = null;
  let recognised: Start | null = null;
  let innerVariable: Start | null = null;
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i]!;
    const to = edge.toNode;
    if (edge.type === 'context' && edge.fromNode.name === 'system / Context') {
      const file = learnerVisibleFile(scriptOfContext(edge.fromNode), root);
      if (file) {
        if (isModuleScope(edge.fromNode)) named = { index: i, name: String(edge.name_or_index), description: `module variable in ${file}`, file };
        innerVariable ??= { index: i, name: String(edge.name_or_index), description: `variable in ${file}` };
      }
    }
    const exported = exportedAs(to, root);
    if (exported) named = { index: i, ...exported };
    if (isGlobalOfTheService(edge)) {
      named = { index: i, name: `globalThis.${String(edge.name_or_index)}`, description: 'a property your code put on the global object: it lives as long as the program' };
    }
    if (!recognised && RECOGNISED_CLASSES.has(to.name) && to.type === 'object') {
      // In a linked list of one kind (Node's timer lists), start at the last: the one that holds the leak.
      let last = i;
      while (last + 1 < edges.length && edges[last + 1]!.toNode.name === to.name && edges[last + 1]!.toNode.type === 'object') last++;
      const description = to.name === 'Timeout' ? 'a timer: Node keeps it until it is cleared' : to.name === 'process' ? "Node's process object: it lives as long as the program" : 'kept by Node while it is in use';
      recognised = { index: last, name: to.name, description };
    }
  }
  return named ?? recognised ?? innerVariable;
}

/**
 * The checker's own functions and scopes in the server's process (a timer's
 * callback it wraps, an fs callback it records): the path passes over them
 * to the learner's function they hold, with the learner's edge into them.
 */
function isHarnessCode(node: IHeapNode): boolean {
  const script = node.type === 'closure' ? scriptOfClosure(node) : node.name === 'system / Context' ? scriptOfContext(node) : null;
  return isHarnessFile(projectFile(script, PROJECT_ROOT));
}

/** Plain containers whose step reads better folded into the next one's "via" (._events.changed[3]). */
function isFoldable(node: IHeapNode, via: string): boolean {
  return (node.name === 'Object' || node.name === 'Array') && (via.startsWith('.') || via.startsWith('['));
}

/** The readable retainer path to `node`, named from the code under `root`; the full V8 path when nothing recognisable is on it. */
export function readablePath(node: IHeapNode, root: string = PROJECT_ROOT, { packages = false }: { packages?: boolean } = {}): RetainerPath {
  // A service's own paths pass through its libraries' objects: say which library each one is from.
  const labelOf = (to: IHeapNode): string => {
    const label = nodeLabel(to);
    const from = packages ? packageOf(to) : null;
    return from ? `${label} (${from})` : label;
  };
  const edges = pathFromRoot(node);
  const start = startOf(edges, root);
  const steps: RetainerStep[] = [];
  let skipped: IHeapNode[] = [];
  /** The edge into the checker's code the path is passing over (see isHarnessCode). */
  let harnessVia: string | null = null;
  let folded = '';
  for (let i = (start?.index ?? -1) + 1; i < edges.length; i++) {
    const edge = edges[i]!;
    const to = edge.toNode;
    const isLast = i === edges.length - 1;
    if (!isLast && isPlumbing(to) && to.name !== 'system / Context') {
      skipped = [edge.fromNode];
      continue;
    }
    if (!isLast && isHarnessCode(to)) {
      harnessVia ??= edgeLabel(edge, skipped);
      skipped = [];
      continue;
    }
    if (to.name === 'system / JSArrayBufferData' && isLast && steps.length > 0) break;
    const via = harnessVia ?? edgeLabel(edge, skipped);
    harnessVia = null;
    skipped = [];
    if (!isLast && isFoldable(to, via)) {
      folded += via;
      continue;
    }
    // The object the path leads to, when it is a function of a project file: where it was written.
    const where = isLast && to.type === 'closure' ? definedAt(functionBehind(to), root) : null;
    const label = where ? closureAt(labelOf(to), where) : labelOf(to);
    steps.push({ via: folded && (via.startsWith('.') || via.startsWith('[')) ? folded + via : folded ? `${folded} ${via}` : via, label, retainedBytes: to.retainedSize });
    folded = '';
  }
  const first = start ? edges[start.index]!.toNode : edges[0]?.toNode;
  const declaredAt = start?.file ? declarationLine(start.file, start.name, root) : undefined;
  return {
    root: {
      name: start?.name ?? 'a V8 root',
      description: start?.description ?? 'no variable of yours is on the path',
      ...(declaredAt ? { declaredAt } : {}),
      label: first ? labelOf(first) : '',
      retainedBytes: first?.retainedSize ?? 0,
    },
    steps,
  };
}

/** A key that is equal for objects kept the same way (same variables and properties; indexes ignored). */
export function pathSignature(retainerPath: RetainerPath): string {
  return `${retainerPath.root.name} ${retainerPath.root.description} ` + retainerPath.steps.map((step) => `${step.via.replace(/\[\d+\]/, '[]')}>${step.label.replace(/\(\d+ bytes\)/, '')}`).join(' ');
}
