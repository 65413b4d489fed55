/**
 * half-fix. No listener: the thumbnail cache is keyed by name@mtimeNs:size from a stat on each request, so a new version gets a new entry and the old versions' thumbnails stay for ever.
 * Proof: drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): arrayBuffers +0.02 to +0.03 MiB a round (a 4 KiB thumbnail per draft version), listeners 0.
 * Check: FAIL (Buffers 454.8 KiB, strings 115). Correct verdict.
 * (Blind red team, round 13; its changed modules are in parts/, the others as the solution has them.)
 */
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from './parts/thumbnails-thumbnail-cache-by-version.ts';
import { downloads } from './parts/downloads-thumbnail-cache-by-version.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
