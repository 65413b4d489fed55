/**
 * alternative. No emitter at all for thumbnails: catalog.ts calls thumbnails.ts's forgetThumbnail(name) when it stores a new version; the head is copied with Buffer.copyBytesFrom; downloads use an AbortController aborted by res 'close' and stream/promises pipeline(file, res, {signal}), with a finally that destroys the file.
 * Proof: drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): 0 descriptors, 0 'changed' listeners, arrayBuffers +0.01 MiB a round (reference fix the same), no leftovers; thumbnail remade on a new version, left alone for another file's, a 404-then-shared file gets its own; download byte-exact, HEAD size, 404, 400; 413 for 65 MiB announced and for 66 MiB chunked; paused download +0.1 MiB.
 * Check: PASS (3 of 3). Correct verdict.
 * (Blind red team, round 13; its changed modules are in parts/, the others as the solution has them.)
 */
import { catalog } from './parts/catalog-direct-invalidation-abortsignal.ts';
import { thumbnails } from './parts/thumbnails-direct-invalidation-abortsignal.ts';
import { downloads } from './parts/downloads-direct-invalidation-abortsignal.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
