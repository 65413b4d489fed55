/** The types of typescript-hooks.mjs (plain JavaScript, so that it runs before any loader). */
import type { TransformOptions } from 'esbuild';

/** The esbuild options a kit's server file is compiled with, for trace.ts to compile it again the same way. */
export function compileOptions(file: string): TransformOptions;
/** `file`'s module compiled, its source map inline. */
export function compile(source: string, file: string): string;
