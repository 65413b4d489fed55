/**
 * Stored text files (logs, CSV exports) read whole, as one string.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkFileName, FileNotFoundError, FILES_DIR, storageStats } from './storage.ts';

/** Read a whole stored text file (UTF-8) as one string. */
export async function readStoredText(name: string): Promise<string> {
  try {
    const text = await readFile(path.join(FILES_DIR, checkFileName(name)), 'utf8');
    storageStats.diskReads += 1;
    storageStats.bytesRead += text.length;
    return text;
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new FileNotFoundError(name) : error;
  }
}
