/**
 * Scenario 01's check. Traffic: the gallery's four photos, then downloaded
 * again and again with the query strings real clients add (sizes,
 * cache-busters), then twelve thumbnails (300 KiB) and three panoramas (3, 5
 * and 7 MiB), then a whole album of 32 photos (64 MiB) once each, eight at a
 * time as a browser fetches them, and four clients that hang up while the
 * server reads an album photo, then the store's larger files (two 16 MiB logs,
 * a 32 MiB video), which the same route serves, and log downloads cut off
 * mid-transfer and at each of the handler's awaits, then the twelve
 * thumbnails again, then 200 photos that are not there and 200 names with a
 * path in them (a link checker), then the album again as 32 clients that hang
 * up while it is read, then 400 hits on the thumbnails with cache-busters and
 * many User-Agents, one in four a HEAD, from four phones whose connections
 * stay open while the memory is read. What must not stay: the files' bytes,
 * in whatever form (Buffers, strings, copies), beyond the cache's budget
 * (8 MiB), weighed from an empty cache after each part of the traffic (after
 * a collection); nor the names of the missing photos (a few may be
 * remembered); nor a file left open, a listener per download, or a timer
 * beyond one for each photo the cache holds; nor anything the server's state
 * gains, besides the files it keeps, over the second half of the link
 * checker, the album again and the hits (the heap numbered between the
 * halves: a cache at its budget holds what it held, or more files or fewer in
 * the same bytes).
 * Contract: downloads are byte-exact, and a photo asked for again, with
 * whatever query string, even after a garbage collection, and one of the
 * album as well as one of the gallery, is served from memory, without
 * reading the disk; photos missed by three clients at once count once against
 * the budget; the cache answers no name the store would not (a name with a
 * path, another case); clients that miss one missing name at once each get a
 * 404.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, fixtureSha256 } from '../../checker/fixtures.ts';
import { openDescriptors, runningTimers, serviceEventListeners } from '../../checker/instruments.ts';
import { anyOf, arrayBuffers, stringsContaining, stringsRetaining } from '../../checker/select.ts';
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
/** The README's budget: what the cache may keep, all of it. */
const CACHE_BUDGET = 8 * MiB;

const THUMBNAILS = MIXED_SIZES.filter((file) => file.startsWith('thumb-'));
/** Thumbnails (900 KiB) after the gallery's 8 MiB: what a cache keeps beyond its budget shows at once. */
const FIRST_THUMBNAILS = 3;
/** Cache hits once the cache is warm (the thumbnails, again and again): its state must not grow with them. */
const HITS = 400;
/**
 * The phones that make them, each over a connection of its own kept alive through the measures, as an app's is: what
 * a server keeps per connection (a copy of the last photo, a history of its requests) is read while they are open.
 */
const PHONES = 4;
/** Timers a cache may keep running, one for each photo it holds: 8 MiB of 300 KiB thumbnails is 27. */
const TIMERS_KEPT = 32;
const CACHE_WARM = 'half the link checker';
/** Downloads of a log cut off mid-transfer (after 256 KiB), then one at each of the handler's awaits on the disk. */
const CUT_OFF_FILE = 'access.log';
const CUT_OFF = 2;
const CUT_AFTER = 256 * 1024;
/** A read shared by clients that missed one name at once must answer every one of them, a 404 as well; bounded here. */
const SHARED_MISS_ANSWER_MS = 5_000;
/** Album photos whose client hangs up while the server reads them. */
const HANG_UPS = 4;
/** Clients that miss one photo at the same moment (a page opened in several tabs), in rounds of one photo each. */
const SAME_PHOTO_AT_ONCE = 3;
const SAME_PHOTO_ROUNDS = 4;

/** Names of photos that are not there, as old pages link to them: each asked for once. */
const BROKEN_LINK = 'broken-link-';
/** The rest of a missing photo's name, as old pages name them: a fix that remembers every name keeps all of it. */
const BROKEN_LINK_END = '-IMG_summer_holiday.jpg';
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
        const name = `${BROKEN_LINK}${requestsSent++}${BROKEN_LINK_END}`;
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
    // The route, warm; the cache, empty: the budget line weighs what the cache keeps from the first photo on.
    await context.http.get('/files/no-such-photo.jpg');
  },

  async traffic(context) {
    for (const name of PHOTOS) await download(context, name);
    for (let i = 0; i < 24; i++) {
      const name = PHOTOS[i % PHOTOS.length]!;
      const n = requestsSent++;
      await download(context, name, i % 2 ? `?v=${1700000000 + n}` : `?size=large&t=${n}`);
    }
    await context.checkpoint('the gallery');
    // The first thumbnails: a cache at its budget makes room for each; one with a budget of its own above the README's
    // keeps them beside the photos.
    for (const name of THUMBNAILS.slice(0, FIRST_THUMBNAILS)) await download(context, name);
    await context.checkpoint('the first thumbnails');
    for (const name of MIXED_SIZES.slice(FIRST_THUMBNAILS)) await download(context, name);
    // The cache's size is read after each part: what one part puts over the budget counts, even if a later one evicts it.
    await context.checkpoint('the thumbnails and panoramas');
    // Someone scrolls through a whole album: more photos than the cache may keep. Last of the photos, so that no
    // one-at-a-time miss after them evicts what overlapping misses let in.
    for (let first = 0; first < ALBUM.length; first += ALBUM_FETCHES_AT_ONCE) {
      await Promise.all(ALBUM.slice(first, first + ALBUM_FETCHES_AT_ONCE).map((name) => download(context, name)));
    }
    await context.checkpoint('the album');
    // Phones that give up while the server reads a photo from the disk: what the server started for them must go too.
    // After the album's checkpoint: misses one at a time evict what overlapping misses let in.
    for (const name of ALBUM.slice(0, HANG_UPS)) await context.hangUpWhileReadingFile(`/files/${name}`);
    for (const name of LARGER_FILES) await download(context, name);
    // The ops team's downloads are cut off too: mid-transfer, and while the server opens the file.
    await context.http.abortedDownloads(`/files/${CUT_OFF_FILE}`, CUT_AFTER, CUT_OFF);
    await context.hangUpAtEachAwait(`/files/${CUT_OFF_FILE}`, [undefined]);
    await context.checkpoint('the larger files');
    // The gallery's thumbnails again, last of the files: small ones must count against the budget as large ones do,
    // however small (a size rounded to whole MiB counts a thumbnail as nothing).
    for (const name of MIXED_SIZES.filter((file) => file.startsWith('thumb-'))) await download(context, name);
    await context.checkpoint('the thumbnails again');
    // A link checker walks the site's old pages: photos that are gone, each asked for once, eight at a time, and names
    // that are refused. Half of it, then, the cache being full and a few missing names remembered, the other half and
    // the gallery's thumbnails asked for again and again over one connection, with the cache-busters the app adds, as
    // a page that scrolls back and forth does: misses that admit nothing, and hits, so the state of a fixed server
    // holds what it held before them.
    await linkChecker(context, BROKEN_LINKS / 2);
    await context.checkpoint(CACHE_WARM);
    await linkChecker(context, BROKEN_LINKS / 2);
    // Phones scroll through the album again, one photo at a time, and give up while the server reads each: each a miss
    // that makes room (the read goes on), as many evictions, and a client gone before its answer.
    for (const name of ALBUM) await context.hangUpWhileReadingFile(`/files/${name}`);
    const phones = Array.from({ length: PHONES }, () => context.http.keepAlive());
    for (let hit = 0; hit < HITS; hit++) {
      const browser = phones[hit % PHONES]!;
      const name = THUMBNAILS[hit % THUMBNAILS.length]!;
      // Each version of the app says so in its User-Agent; one request in four only asks for the size (HEAD), as a
      // layout pass does before the picture.
      const path = `/files/${name}?v=${1900000000 + requestsSent++}`;
      const headers = { 'user-agent': `GalleryApp/5.${hit} (Android ${10 + (hit % 5)})` };
      if (hit % 4 === 3) {
        const head = await browser.request(path, { method: 'HEAD', headers });
        if (head.status !== 200) context.breach(`HEAD ${path} answered ${head.status} instead of 200, as its GET does.`);
        continue;
      }
      const response = await browser.request(path, { headers });
      if (response.status !== 200 || response.sha256 !== fixtureSha256(name)) context.breach(`GET /files/${name}, asked for again, answered ${response.status}${response.status === 200 ? ' with bytes that are not the file' : ''}.`);
    }
    // The phones stay connected while the memory is read; the check closes them after the contract.
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

    // The same photo missed by several clients at once, a few photos in a row: each is one file, counted once.
    const together = ALBUM.slice(0, SAME_PHOTO_ROUNDS);
    for (const name of together) {
      for (const outcome of await context.missTogether(`/files/${name}`, SAME_PHOTO_AT_ONCE)) {
        const response = outcome.status === 'fulfilled' ? outcome.value : null;
        if (response?.status !== 200 || response.sha256 !== fixtureSha256(name)) {
          breach(`Of ${SAME_PHOTO_AT_ONCE} clients that asked for /files/${name} at once, one got ${response ? `${response.status}${response.status === 200 ? ' with bytes that are not the file' : ''}` : 'no answer'}.`);
          break;
        }
      }
    }
    // Then the thumbnails twice (3.5 MiB, well within the budget): the second time from memory.
    for (const name of THUMBNAILS) await download(context, name);
    const beforeAgain = await reads();
    for (const name of THUMBNAILS) await download(context, name);
    const readAgain = (await reads()) - beforeAgain;
    if (readAgain > 0) {
      breach(
        `After ${together.join(', ')} were each asked for by ${SAME_PHOTO_AT_ONCE} clients at once, the ${THUMBNAILS.length} thumbnails (${((THUMBNAILS.length * 300) / 1024).toFixed(1)} MiB, well within the budget), asked for twice, were read from disk ${readAgain} time(s) the second time: the cache counts bytes it does not hold. A file stored again under a name already there must count once (a size added at every set, even of a name already there, soon leaves no room).`,
      );
    }
    // A name with a path in it is refused even when the file it ends with is cached, and another name (a case of its
    // own) is answered as the store answers it: the cache must not answer for the store.
    await download(context, 'photo-3.jpg');
    for (const name of ['..%2fphoto-3.jpg', 'old%2fphoto-3.jpg', '.%2fphoto-3.jpg']) {
      const response = await http.get(`/files/${name}`);
      if (response.status === 200) breach(`GET /files/${name} answered 200 with photo-3.jpg, which is cached: names with a path must be refused (400), whatever the cache holds.`);
    }
    // On a disk that tells cases apart (Linux) Photo-3.jpg is not there; on one that does not (macOS, Windows), it is photo-3.jpg.
    const otherCase = 'Photo-3.jpg';
    const storeHasIt = existsSync(path.join(FIXTURES_DIR, otherCase));
    const cased = await http.get(`/files/${otherCase}`);
    if (cased.status !== (storeHasIt ? 200 : 404)) {
      breach(`GET /files/${otherCase} answered ${cased.status} once photo-3.jpg was cached, where the file store answers ${storeHasIt ? '200' : '404 (this disk tells cases apart)'}: the cache's key must be the name the store reads, not a name made from it (lower case, its last part).`);
    }
    // Several clients miss one name at once (a page opened in several tabs); each gets its answer, a 404 too.
    const gone = `${BROKEN_LINK}${requestsSent++}${BROKEN_LINK_END}`;
    const answers = (await context.missTogether(`/files/${gone}`, SAME_PHOTO_AT_ONCE, SHARED_MISS_ANSWER_MS)).map((outcome) => (outcome.status === 'fulfilled' ? String(outcome.value.status) : 'no answer'));
    const unanswered = answers.filter((answer) => answer !== '404');
    if (unanswered.length) {
      breach(`Of ${SAME_PHOTO_AT_ONCE} clients that asked at once for /files/${gone}, a photo that is not there, ${unanswered.length} got ${unanswered.join(', ')} within ${SHARED_MISS_ANSWER_MS / 1000} s instead of a 404: a read shared by clients that missed one name must answer each of them, when it fails too.`);
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
      // From an empty cache (the warm-up's read): memory outside the JS heap (Buffers, strings of 1 MiB or more), and the
      // heap's objects of more than 128 KiB (a smaller file kept as a string): a file counts against the budget however
      // it is kept, and each copy of it. Beyond the budget, read after each part of the traffic.
      read: (probe) => probe.memory.external + (probe.largeObjects ?? 0),
      atCheckpoints: true,
      allowance: CACHE_BUDGET,
      unit: 'bytes',
      // A quarter of a photo: a cache of 9 MiB keeps 0.9 MiB more once the first thumbnails come.
      bar: 512 * 1024,
      advice: "Everything your server keeps of the files counts, however it keeps them: each copy (a compressed one, a string, a slice of a larger Buffer), what a client that hung up left in flight, a second cache beside the first. The path under the next line shows what keeps Buffers and large strings.",
    },
    {
      kind: 'heap',
      name: 'file bytes kept after the traffic',
      select: anyOf(arrayBuffers(64 * 1024), stringsRetaining(64 * 1024)),
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
      name: 'file descriptors left open after downloads were cut off',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
      guards: 'a fix that streams the larger files instead of caching them, and leaves a file open when its client hangs up',
      advice: 'A file streamed to a client that hangs up must be closed: pipe() does not close it, pipeline() (or stream.finished) does.',
    },
    {
      kind: 'resources',
      name: `timers still running after the traffic (one for each photo the cache holds at most: ${TIMERS_KEPT})`,
      // A timer a later miss clears when it evicts its photo is a cache's own (lru-cache's ttlAutopurge): not counted.
      instruments: [runningTimers],
      unit: 'objects',
      bar: TIMERS_KEPT,
      guards: 'a fix that expires cached photos with a timer for each, and never clears it when the photo leaves the cache',
      advice: "A timer per cached photo, per miss or per request stays until it fires or is cleared, with all its closure holds: clear it when the photo leaves the cache (a cache of 8 MiB holds at most 27 thumbnails, so as many timers), or let the cache expire entries itself (lru-cache's ttl).",
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
      name: `memory your server's state gained besides the files it keeps, over ${BROKEN_LINKS / 2} more missing photos, the album again and ${HITS} cache hits`,
      from: CACHE_WARM,
      unit: 'bytes',
      // Correct fixes read about 300 B (what the open phones' connections leave); 4 bytes a hit (a timestamp pushed at
      // each, a counter per request) over the 400 hits read 1.6 KiB and more.
      bar: 1.5 * 1024,
      retainer: 'thumbnailCache',
      // The files a server keeps, with what keeps each (its Buffer, its key), are the first two lines': a cache at its
      // budget holds more files or fewer in the same bytes, and the leaky server's leak is its files.
      guards: 'a fix that keeps a little of every request beside its cache: an entry or a count per URL or per User-Agent, a key pushed at each use, a record per eviction, a name per missing photo',
      advice: 'Something keeps a little of every request and never lets it go: a key pushed on an array at each use, an entry or a count per URL (each query string is a new one), a name, a number or a listener per missing photo. A cache at its budget, and a few missing names, hold as much after these requests as before them.',
    },
  ],
  routes: { fileNames: ['GET /files/:name'], uploads: [] },
};

export default check;
