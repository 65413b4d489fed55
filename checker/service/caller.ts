/**
 * Who called into the file store, kept across the store's own awaits: a file
 * the store opens for its caller after an await (createUploadStream's write
 * stream, after its mkdir) is put down to the caller's line by the checker's
 * recorders, whether the caller awaited the call (an async stack frame names
 * it then) or chained .then() on it (nothing does).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The first frames of the stack below a store function, as V8 prints them: a few lines, not an Error (kept small, as contexts live on). */
export const fileStoreCallers = new AsyncLocalStorage<string>();

const CALLER_FRAMES = 4;

/** Run `work` (a store function's body) with the stack of whoever called `below` kept for the recorders. */
export function asCalledFrom<T>(below: Function, work: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CALLER_FRAMES;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, below);
  Error.stackTraceLimit = limit;
  return fileStoreCallers.run(holder.stack ?? '', work);
}
