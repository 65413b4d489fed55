/**
 * alternative. A Download class that owns the file: stream.finished(res) (which fires even for a response already closed) destroys it, open() destroys a file that opens after the hang-up, and send() pauses/resumes on write()===false/'drain' instead of pipe().
 * Proof: drv/drive07.mjs 3 rounds: 0 descriptors left at every hang-up point; timers 0; keep-alive listeners unchanged; paused player 0.1 MiB; bytes exact; 404/400 kept.
 * Check: PASS. Correct verdict.
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
 */
import express, { type Response } from 'express';
import type { ReadStream } from 'node:fs';
import { finished } from 'node:stream';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/**
 * One Download per request. It owns the file from the moment it is asked to
 * open it: whichever comes first, the response closing (finished, failed, or
 * the player gone) or the file opening, the other finds the download over
 * and closes the file. stream.finished() watches the response once, whether
 * it has already closed or not.
 */
class Download {
  private file: ReadStream | undefined;
  private over = false;

  constructor(private readonly res: Response) {
    finished(res, () => this.close());
  }

  /** The file for this download, or undefined when the player is already gone. */
  async open(name: string): Promise<ReadStream | undefined> {
    const file = await openStoredFile(name);
    if (this.over) {
      file.destroy();
      return undefined;
    }
    this.file = file;
    return file;
  }

  /** Send the file, pausing it whenever the player's connection is full. */
  send(file: ReadStream, onError: (error: Error) => void): void {
    file.on('error', onError);
    file.on('data', (chunk) => {
      if (!this.res.write(chunk)) {
        file.pause();
        this.res.once('drain', () => file.resume());
      }
    });
    file.on('end', () => this.res.end());
  }

  private close(): void {
    this.over = true;
    this.file?.destroy();
    this.file = undefined;
  }
}

app.get('/files/:name', async (req, res, next) => {
  const download = new Download(res);
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await download.open(name);
  if (!file) return;
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  download.send(file, next);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
