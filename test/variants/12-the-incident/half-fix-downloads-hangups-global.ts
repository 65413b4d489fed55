/**
 * half-fix (blind red team, round 13). Downloads fixed, but every download cut short pushes a record onto
 * globalThis.shareHangUps (parts/downloads-hangups-global.ts), an array on the global object that nothing empties;
 * the catalogue and the thumbnails as the solution has them.
 * Proof (red team, by hand): globalThis.shareHangUps held 40 records after 40 downloads cut after the first chunk.
 * Check before round 13: PASS (the array is reached from no module-level variable). Now: FAIL, a property of the
 * global object the service set counts as module state, named globalThis.shareHangUps.
 */
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { downloads } from './parts/downloads-hangups-global.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
