/**
 * The module hooks a scenario's server runs under: TypeScript files compiled
 * by esbuild (the compiler tsx uses), with the very options trace.ts compiles
 * them with again to read a snapshot's positions, and kept compiled in the
 * machine's temporary folder, so that a server starts without loading tsx.
 * A server starts for every check (and in watch mode for every save); tsx
 * took ≈ 0.3 s of each start on its own, before any file of the server was
 * read. Plain JavaScript, so that it needs no loader itself.
 *
 * Node 22.15 and later run these hooks in the server's own thread
 * (module.registerHooks); Node 20 in a thread of their own (module.register),
 * through the async hooks below.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files compiled here: ES modules in TypeScript (the kit is `"type": "module"`). */
const TYPESCRIPT = /\.(ts|mts|tsx)$/;

let esbuild = null;
/** esbuild starts a service process on first use: only a file not compiled before pays for it. */
function compiler() {
  esbuild ??= createRequire(import.meta.url)('esbuild');
  return esbuild;
}

const esbuildVersion = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')).version;

/** The options trace.ts reads positions with (see compiledMap there): the code a snapshot holds is this code. */
export function compileOptions(file) {
  return {
    loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: true,
    minifyWhitespace: true,
    keepNames: true,
    sourcefile: file,
  };
}

/** One per user (a shared machine's temporary folder is shared), as tsx's own cache is. */
const cacheDir = path.join(os.tmpdir(), `fg-compiled-typescript-${esbuildVersion}-${process.getuid?.() ?? 'user'}`);

/**
 * The module `file` holds, compiled, with its source map inline (Node reads it
 * for stack traces: a recorder names the learner's own line). From the cache
 * when the same source was compiled before by the same Node and esbuild.
 */
export function compile(source, file) {
  const options = compileOptions(file);
  const key = createHash('sha256').update(JSON.stringify(options)).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.mjs`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // Not compiled before.
  }
  const { code, map } = compiler().transformSync(source, options);
  const compiled = `${code}//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}\n`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written whole, then renamed: two servers starting at once never read half a file.
    const partial = `${cached}.${process.pid}.partial`;
    writeFileSync(partial, compiled);
    renameSync(partial, cached);
  } catch {
    // A cache that cannot be written costs a compile next time, nothing more.
  }
  return compiled;
}

/** `./helpers` or `./helpers.js` from a TypeScript file, for `./helpers.ts`, as tsx and TypeScript's bundler resolution allow. */
function candidates(specifier) {
  if (specifier.endsWith('.js')) return [`${specifier.slice(0, -3)}.ts`];
  if (specifier.endsWith('.mjs')) return [`${specifier.slice(0, -4)}.mts`];
  if (path.extname(specifier) === '') return [`${specifier}.ts`, `${specifier}/index.ts`];
  return [];
}

function isRelative(specifier) {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
}

function fromTypeScript(context) {
  return typeof context.parentURL === 'string' && TYPESCRIPT.test(new URL(context.parentURL).pathname);
}

function loaded(url) {
  const file = fileURLToPath(url);
  return { format: 'module', source: compile(readFileSync(file, 'utf8'), file), shortCircuit: true };
}

// Hooks in the server's thread (Node 22.15 and later).
export function resolveSync(specifier, context, nextResolve) {
  try {
    return nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isRelative(specifier) || !fromTypeScript(context)) throw error;
    for (const candidate of candidates(specifier)) {
      try {
        return nextResolve(candidate, context);
      } catch {
        // The next candidate.
      }
    }
    throw error;
  }
}

export function loadSync(url, context, nextLoad) {
  return url.startsWith('file:') && TYPESCRIPT.test(new URL(url).pathname) ? loaded(url) : nextLoad(url, context);
}

// Hooks in a thread of their own (Node 20 up to 22.14).
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isRelative(specifier) || !fromTypeScript(context)) throw error;
    for (const candidate of candidates(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // The next candidate.
      }
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  return url.startsWith('file:') && TYPESCRIPT.test(new URL(url).pathname) ? loaded(url) : nextLoad(url, context);
}
