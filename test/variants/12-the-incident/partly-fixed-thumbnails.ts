/**
 * One leak of three fixed: one change listener for all thumbnails (the other modules as shipped).
 */
import { catalog } from '../../../checker/originals/12-the-incident/catalog.ts';
import { downloads } from '../../../checker/originals/12-the-incident/downloads.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
