/**
 * One leak of three fixed: the catalogue copies each upload's head (the other modules as shipped).
 */
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { downloads } from '../../../checker/originals/12-the-incident/downloads.ts';
import { thumbnails } from '../../../checker/originals/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
