/**
 * `node --import ./checker/typescript.mjs server.ts`: runs a scenario's
 * TypeScript as tsx would, through typescript-hooks.mjs, in a fraction of
 * tsx's start-up time. Stack traces follow the source maps back to the
 * learner's own lines.
 */
import module from 'node:module';

process.setSourceMapsEnabled(true);
const hooks = new URL('./typescript-hooks.mjs', import.meta.url);
if (typeof module.registerHooks === 'function') {
  const { resolveSync, loadSync } = await import(hooks.href);
  module.registerHooks({ resolve: resolveSync, load: loadSync });
} else {
  module.register(hooks);
}
