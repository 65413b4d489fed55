/**
 * Two leaks of three fixed: the catalogue's heads and the thumbnail listeners; downloads still pipe.
 */
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { downloads } from '../../../checker/originals/12-the-incident/downloads.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, thumbnails, downloads });
