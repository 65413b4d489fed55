/**
 * half-fix (blind red team, round 13). Downloads fixed (close tracked from the start, pipeline), but every download
 * cut short appends a line to a module-level string (parts/downloads-hangup-string-log.ts) that is never trimmed;
 * the catalogue and the thumbnails as the solution has them.
 * Proof (red team, by hand): 40 downloads cut after the first chunk left 40 lines in the string, one per hang-up.
 * Check before round 13: PASS (one growing string counted as one of 12's strings). Now: FAIL, the text measure
 * (bytes of strings the module-level variables gained) names the variable and its line.
 */
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { downloads } from './parts/downloads-hangup-string-log.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
