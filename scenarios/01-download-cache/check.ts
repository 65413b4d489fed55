/**
 * Scenario 01's check. Traffic: the gallery's photos downloaded again and
 * again, with the query strings real clients add (sizes, cache-busters), then
 * twelve thumbnails (300 KiB) and three panoramas (3, 5 and 7 MiB), then a
 * whole album of 32 photos (64 MiB) once each, eight at a time as a browser
 * fetches them, then the store's larger files (two 16 MiB logs, a 32 MiB video),
 * which the same route serves, then the twelve thumbnails again, then 200
 * photos that are not there and 200 names with a path in them (a link
 * checker), then 200 hits on the thumbnails with cache-busters. What must not
 * stay: the bytes read during that traffic, beyond the cache's budget
 * (8 MiB), which the warm-up fills with the four gallery photos, after any
 * part of the traffic (read after each, after a collection); nor the names of
 * the missing photos (a few may be remembered); nor a listener per download;
 * nor anything the server's state gains over the second half of the link
 * checker and the hits (the heap numbered between the halves: a cache at its
 * budget holds what it held).
 * Contract: downloads are byte-exact, and a photo asked for again, with
 * whatever query string, even after a garbage collection, and one of the
 * album as well as one of the gallery, is served from memory, without
 * reading the disk.
 */
import { fixtureSha256 } from '../../checker/fixtures.ts';
import { serviceEventListeners } from '../../checker/instruments.ts';
import { arrayBuffers, stringsContaining } from '../../checker/select.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const PHOTOS = ['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg', 'photo-4.jpg'];
const ALBUM = Array.from({ length: 32 }, (_, index) => `album-${String(index + 1).padStart(2, '0')}.jpg`);
/**
 * Files of other sizes from the same store. Every photo is 2 MiB, so a cache
 * that counts entries (four of them) looks like one that counts bytes until
 * these arrive; the video alone is four times the budget, so a cache that
 * admits a file larger than its budget keeps it. The largest comes last.
 */
const LARGER_FILES = ['access-log.csv', 'access.log', 'video-1.mp4'];
/** A browser fetches an album's photos over several connections at once: misses that overlap must keep to the budget too. */
const ALBUM_FETCHES_AT_ONCE = 8;
/**
 * Photos smaller and larger than the album's, in that order: once small ones
 * fill the cache, a large one needs room that one eviction does not make.
 */
const MIXED_SIZES = [
  ...Array.from({ length: 12 }, (_, index) => `thumb-${String(index + 1).padStart(2, '0')}.jpg`),
  'panorama-1.jpg',
  'panorama-2.jpg',
  'panorama-3.jpg',
];
const MiB = 1024 * 1024;

const THUMBNAILS = MIXED_SIZES.filter((file) => file.startsWith('thumb-'));
/** Cache hits once the cache is warm (the thumbnails, again and again): its state must not grow with them. */
const HITS = 200;
const CACHE_WARM = 'the cache warm';

/** Names of photos that are not there, as old pages link to them: each asked for once. */
const BROKEN_LINK = 'broken-link-';
const BROKEN_LINKS = 200;
const LINK_CHECKS_AT_ONCE = 8;
/** A fix may remember a few missing names (to spare the disk a lookup), not every one it was ever asked for. */
const MISSING_NAMES_KEPT = 32;
/** Cache-busters are fresh on every request, as real clients make them (and as `npm run demo` repeats the traffic). */
let requestsSent = 0;

async function download(context: CheckContext, name: string, query = ''): Promise<void> {
  const response = await context.http.get(`/files/${name}${query}`);
  if (response.status !== 200) {
    context.breach(`GET /files/${name}${query} answered ${response.status} instead of 200.`);
  } else if (response.sha256 !== fixtureSha256(name)) {
    context.breach(`GET /files/${name}${query} sent ${response.bytes} bytes that are not the file's contents.`);
  }
}

/** Old links with a path in them, refused, after each eight missing photos. */
const REFUSED_PER_BATCH = 8;

/** `count` photos that are gone, eight at a time (404), each eight followed by names with a path in them (refused). */
async function linkChecker(context: CheckContext, count: number): Promise<void> {
  for (let batch = 0; batch < count / LINK_CHECKS_AT_ONCE; batch++) {
    await Promise.all(
      Array.from({ length: LINK_CHECKS_AT_ONCE }, async () => {
        const name = `${BROKEN_LINK}${requestsSent++}.jpg`;
        const response = await context.http.get(`/files/${name}`);
        if (response.status !== 404) context.breach(`GET /files/${name}, a photo that is not there, answered ${response.status} instead of 404.`);
      }),
    );
    for (let i = 0; i < REFUSED_PER_BATCH; i++) {
      const refused = `..%2fold-${requestsSent++}.jpg`;
      const response = await context.http.get(`/files/${refused}`);
      if (response.status !== 400 && response.status !== 404) context.breach(`GET /files/${refused} answered ${response.status}: names with a path must be refused (400).`);
    }
  }
}

const check: CheckSpec = {
  async warmup(context) {
    for (const name of PHOTOS) await download(context, name);
    await context.http.get('/files/no-such-photo.jpg');
  },

  async traffic(context) {
    for (let i = 0; i < 24; i++) {
      const name = PHOTOS[i % PHOTOS.length]!;
      const n = requestsSent++;
      await download(context, name, i % 2 ? `?v=${1700000000 + n}` : `?size=large&t=${n}`);
    }
    for (const name of MIXED_SIZES) await download(context, name);
    // The cache's size is read after each part: what one part puts over the budget counts, even if a later one evicts it.
    await context.checkpoint();
    // Someone scrolls through a whole album: more photos than the cache may keep. Last of the photos, so that no
    // one-at-a-time miss after them evicts what overlapping misses let in.
    for (let first = 0; first < ALBUM.length; first += ALBUM_FETCHES_AT_ONCE) {
      await Promise.all(ALBUM.slice(first, first + ALBUM_FETCHES_AT_ONCE).map((name) => download(context, name)));
    }
    await context.checkpoint();
    for (const name of LARGER_FILES) await download(context, name);
    await context.checkpoint();
    // The gallery's thumbnails again, last of the files: small ones must count against the budget as large ones do,
    // however small (a size rounded to whole MiB counts a thumbnail as nothing).
    for (const name of MIXED_SIZES.filter((file) => file.startsWith('thumb-'))) await download(context, name);
    await context.checkpoint();
    // A link checker walks the site's old pages: photos that are gone, each asked for once, eight at a time, and names
    // that are refused. Half of it, then, the cache being full and a few missing names remembered, the other half and
    // the gallery's thumbnails asked for again and again over one connection, with the cache-busters the app adds, as
    // a page that scrolls back and forth does: misses that admit nothing, and hits, so the state of a fixed server
    // holds what it held before them.
    await linkChecker(context, BROKEN_LINKS / 2);
    await context.checkpoint(CACHE_WARM);
    await linkChecker(context, BROKEN_LINKS / 2);
    const browser = context.http.keepAlive();
    for (let hit = 0; hit < HITS; hit++) {
      const name = THUMBNAILS[hit % THUMBNAILS.length]!;
      const response = await browser.get(`/files/${name}?v=${1900000000 + requestsSent++}`);
      if (response.status !== 200 || response.sha256 !== fixtureSha256(name)) context.breach(`GET /files/${name}, asked for again, answered ${response.status}${response.status === 200 ? ' with bytes that are not the file' : ''}.`);
    }
    browser.close();
  },

  async contract(context) {
    const { http, breach } = context;
    const reads = async (): Promise<number> => (await context.probe()).storage.diskReads;
    const start = await reads();
    await download(context, 'photo-3.jpg');
    const afterFirst = await reads();
    await download(context, 'photo-3.jpg');
    if ((await reads()) > afterFirst) {
      breach('A photo asked for twice was read from disk twice: the cache no longer saves disk reads.');
    }
    if (afterFirst - start > 1) breach('One download of a photo read the disk more than once.');
    // A photo of the album, not of the gallery the warm-up cached first, asked for again once the garbage collector has
    // run, as it does all day in production: a cache that stopped letting photos in once it was full, or that holds
    // them weakly (WeakRef, WeakMap), reads the disk again.
    const latest = ALBUM.at(-1)!;
    await download(context, latest);
    const afterLatest = await reads();
    await context.probe({ collected: true });
    await download(context, latest);
    if ((await reads()) > afterLatest) {
      breach(
        `${latest}, asked for a moment ago, was read from disk again once the garbage collector had run: the cache must keep the photos asked for lately, with strong references (a WeakRef or WeakMap lets the collector empty it), and make room for new ones (a cache that admits nothing once it is full saves no reads after its first 8 MiB).`,
      );
    }
    // The app adds its own query strings (README): the same photo asked for with another one is still the same photo.
    const beforeQueries = await reads();
    for (const query of ['?size=large', `?v=${1800000000 + requestsSent++}`]) {
      await download(context, 'photo-3.jpg', query);
      if ((await reads()) > beforeQueries) {
        breach(`photo-3.jpg, cached a moment ago, was read from disk again when asked for as /files/photo-3.jpg${query}: the query strings the app adds must not bypass the cache.`);
        break;
      }
    }

    const missing = await http.get('/files/no-such-photo.jpg');
    if (missing.status !== 404) breach(`GET /files/no-such-photo.jpg answered ${missing.status} instead of 404.`);
    const traversal = await http.get('/files/..%2f..%2fpackage.json');
    if (traversal.status !== 400 && traversal.status !== 404) {
      breach(`GET /files/..%2f..%2fpackage.json answered ${traversal.status}: names with a path must be refused (400).`);
    }
  },

  measures: [
    {
      kind: 'probe',
      name: "file bytes kept beyond the cache's 8 MiB",
      // The warm-up filled the cache with four 2 MiB photos, its whole budget: a cache that keeps to it grows no further.
      // Memory outside the JS heap: Buffers, and the strings of 1 MiB or more a file read as text becomes.
      read: (probe) => probe.memory.external,
      atCheckpoints: true,
      unit: 'bytes',
      bar: 1 * MiB,
    },
    {
      kind: 'heap',
      name: 'file bytes kept after the traffic',
      select: arrayBuffers(64 * 1024),
      unit: 'bytes',
      // Wide enough for the 8 MiB a cache may keep; the measure above holds it to its budget, this one names what keeps the bytes.
      bar: 20 * MiB,
      retainer: 'thumbnailCache',
    },
    {
      kind: 'heap',
      name: 'names of missing photos kept after the traffic',
      select: stringsContaining(BROKEN_LINK, 'strings naming a missing photo'),
      unit: 'objects',
      bar: MISSING_NAMES_KEPT,
      retainer: 'knownMissing',
      guards: 'a fix that remembers every missing name it was asked for, to skip the disk next time, keeps one string per name for ever',
    },
    {
      kind: 'resources',
      name: 'event listeners added during the traffic and never removed',
      // On fileEvents (a cache that drops a file when it changes), and on any emitter your code made: one per download is one too many.
      instruments: [serviceEventListeners('changed')],
      unit: 'objects',
      bar: 0,
      guards: 'a fix that listens for changed files to drop them from the cache, once per download instead of once when the module loads',
      advice: "A listener added for each download stays, and is called on every change of a file, for ever (Node warns at the eleventh: MaxListenersExceededWarning). One listener, added once when the module loads, can drop whichever file changed.",
    },
    {
      kind: 'growth',
      name: `memory your server's state gained over ${BROKEN_LINKS / 2} more missing photos and ${HITS} cache hits`,
      from: CACHE_WARM,
      unit: 'bytes',
      bar: 2 * 1024,
      retainer: 'thumbnailCache',
      advice: 'Something keeps a little of every request and never lets it go: a key pushed on an array at each use, an entry or a count per URL (each query string is a new one), a name, a number or a listener per missing photo. A cache at its budget, and a few missing names, hold as much after these requests as before them.',
    },
  ],
  routes: { fileNames: ['GET /files/:name'], uploads: [] },
};

export default check;
