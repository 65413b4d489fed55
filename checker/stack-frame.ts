/**
 * Where a line of a V8 stack trace points: "at fn (file:line:col)" or
 * "at file:line:col". The file is everything up to its last :line:col, so a
 * folder with spaces or parentheses ("C:\Users\First Last", "OneDrive - Company (2)")
 * stays whole; a file:// URL comes back as a path.
 */
import { fileURLToPath } from 'node:url';

const FRAME = /^\s*at (?:.*? \((.+):(\d+):(\d+)\)|(.+):(\d+):(\d+))\s*$/;

export interface StackFrame {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function parseStackFrame(text: string): StackFrame | null {
  const match = FRAME.exec(text);
  if (!match) return null;
  const [file, line, column] = match[1] ? [match[1], match[2], match[3]] : [match[4]!, match[5], match[6]];
  if (!file.startsWith('file://')) return { file, line: Number(line), column: Number(column) };
  try {
    return { file: fileURLToPath(file), line: Number(line), column: Number(column) };
  } catch {
    return null;
  }
}
