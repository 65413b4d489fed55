/**
 * half-fix. fileEvents.once instead of on: listeners pile up between uploads, and the first 'changed' of any file removes them all, so a file's later new version keeps its stale thumbnail.
 * Proof: drv/extra12.mjs once: thumbnail of b.pdf, new version of a.pdf, new version of b.pdf: b.pdf's thumbnail STALE (reference fix: remade).
 * Check: FAIL (listeners 118 + contract breach: stale thumbnail). Correct verdict.
 * (Blind red team, round 13; its changed modules are in parts/, the others as the solution has them.)
 */
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from './parts/thumbnails-thumbnail-once.ts';
import { downloads } from './parts/downloads-thumbnail-once.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
