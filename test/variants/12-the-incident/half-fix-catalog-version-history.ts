/**
 * half-fix. Head copied (plain fix), but each stored file now carries the history of its earlier versions ({size, uploadedAt}), copied forward on every new version for a "versions" column: one record per save, for ever (downloads.ts and thumbnails.ts plainly fixed).
 * Proof: drv/extra12.mjs versions: a second batch of 2000 new versions of one file: list says versions 4001, heap +183 B per version against +50 B for the reference fix.
 * Check: FAIL (records 219, bar 36). Correct verdict.
 * (Blind red team, round 13; its changed modules are in parts/, the others as the solution has them.)
 */
import { catalog } from './parts/catalog-catalog-version-history.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { downloads } from './parts/downloads-catalog-version-history.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
