/**
 * half-fix. One listener per name (a Set of names already watched) instead of one per request, but added before the file is read: every missing name asked for adds a listener that stays.
 * Proof: drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): 'changed' listeners +5 a round (the 5 missing names), MaxListenersExceededWarning.
 * Check: FAIL (listeners 38, functions 38). Correct verdict.
 * (Blind red team, round 13; its changed modules are in parts/, the others as the solution has them.)
 */
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from './parts/thumbnails-listener-per-name.ts';
import { downloads } from './parts/downloads-listener-per-name.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
