/**
 * The red team's half-head-only.ts (half fix): Only the head fixed (copied); downloads and thumbnails as shipped.
 * Hand proof: drive.ts: fds +33, listeners +35, arrayBuffers +0.03 MiB.
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic: 72); Leak 3 (event listeners added
 *   during the traffic and never removed: 118); Leak 3 (functions your code made during the traffic and still alive
 *   after it: 118).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 */
import express from 'express';
import { downloads } from '../../../checker/originals/12-the-incident/downloads.ts';
import { thumbnails } from '../../../checker/originals/12-the-incident/thumbnails.ts';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { shareApp } from './share-app.ts';

export default shareApp({ catalog, downloads, thumbnails });
