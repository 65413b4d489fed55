/**
 * Scenario 12's check: the incident. Traffic: a working day of Share in a
 * few seconds. A draft (64 KiB) saved 100 times, its thumbnail asked for
 * after each save; then six rounds of: a document uploaded (4 MiB), the list,
 * three thumbnails, the thumbnails of five files that are not shared (old
 * links, each a name of its own), a HEAD and a download that completes, a scan
 * whose upload is dropped halfway (256 KiB of 512), four people who start the
 * meeting recording and hang up after 256 KiB, two who hang up before its
 * first byte (while the handler still awaits the file), and the CSV export.
 * What must not stay: each of the service's three leaks is a measure of its
 * own, named by what it shows, not by where it is, so that the verdict can
 * say how many of the three are fixed; a measure that fails on what another
 * leak's module made counts against that module's leak (leakFiles).
 * Contract: uploads are stored byte-exact (a new version replaces the old);
 * the list and the export show every file with its size and the type its
 * bytes show; downloads are byte-exact, and streamed (a viewer who pauses
 * does not make the server hold the recording); a thumbnail is the file's, is
 * made once and kept (a garbage collection does not lose it), and is made
 * again when a new version of its own file is uploaded (not when another file
 * changes, and still after another file's new version); a 404 is not kept (a
 * file shared after its link was first opened gets its thumbnail); a dropped
 * upload leaves no file; HEAD answers the size; unknown files are 404, unsafe
 * names 400 (PUT and GET), uploads over 64 MiB 413.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fixtureBytes, generateBytes, sha256 } from '../../checker/fixtures.ts';
import { openDescriptors, serviceEventListeners } from '../../checker/instruments.ts';
import { anyOf, arrayBuffersOutsidePool, closuresOfTheService, externalStrings, recordsKeptByModuleState, stringsKeptByModuleState, stringsRetaining } from '../../checker/select.ts';
import { formatBytes } from '../../checker/format.ts';
import type { CreatedFile } from '../../checker/protocol.ts';
import { detectFileType, SNIFF_BYTES } from '../../checker/service/file-types.ts';
import { makeThumbnail, THUMBNAIL_TYPE } from '../../checker/service/thumbnails.ts';
import { MAX_VIDEO_UPLOAD_BYTES } from '../../checker/service/upload-limits.ts';
import type { CheckContext, CheckSpec, HeapSelector } from '../../checker/types.ts';

const KiB = 1024;
/** Functions the service may make during the traffic and keep: a few made once, lazily; not one per request. */
const CLOSURES_BAR = 4;
/**
 * Strings the service's module-level variables may gain during the traffic: a name or two for each file it knows
 * (its catalogue entry, its thumbnail's key), and the traffic shares nine; not one per thumbnail asked for (118).
 */
const STRINGS_BAR = 48;
/**
 * Text those strings may hold, in bytes: what the service knows of the nine files the traffic shares (their names:
 * the solution's 16 strings are 704 bytes; a head of a few hundred bytes each, as a catalogue may keep: 4.3 KiB). A
 * line per request is more: 36 downloads end with a hang-up, 60 names asked for are not there (a log of them: 23 KiB).
 */
const TEXT_BAR = 12 * KiB;
/**
 * Objects the service's module-level variables may gain during the traffic, Buffers aside (the first measure weighs
 * those): a record or two for each file it learns of (its catalogue entry and its date; the traffic shares seven
 * new ones), not one per download (36 of them end with a hang-up) nor one per name asked for (60 old links).
 */
const RECORDS_BAR = 36;
const MiB = 1024 * KiB;
const ROUNDS = 6;
const DOCUMENT_BYTES = 4 * MiB;
const RECORDING = 'all-hands-2026-10.mp4';
const VIEWERS_WHO_HANG_UP = 4;
const HANG_UP_AFTER = 256 * KiB;
/** Viewers who hang up before the first byte, while the handler still awaits the recording's stat or open, per round. */
const VIEWERS_WHO_GIVE_UP_AT_ONCE = 2;
/** Old links (or typos) per round, each to a file that was never shared, each a name of its own. */
const OLD_LINKS = 10;
/** A scan whose uploader's connection drops halfway, per round: its partial file must not stay, nor its descriptor. */
const DROPPED_UPLOAD_BYTES = 512 * KiB;
/** Documents as people name them; their bytes are of the kind in KINDS, whatever the name says. */
const KINDS = ['.pdf', '.png', '.jpg', '.mp4'] as const;

/** A draft someone saves again and again: each save is a new version, whose thumbnail is asked for at once. */
const DRAFT = 'budget-draft.xlsx';
const DRAFT_SAVES = 100;
const DRAFT_BYTES = 64 * KiB;

/** A file whose thumbnail is asked for before it is shared (404), then after (the file's). */
const LATE = 'minutes-2026-10-12.pdf';

/** A streamed download holds a read-ahead of KiB while its viewer pauses; one that ignores write()'s answer holds most of the recording. */
const PAUSED_VIEWER_BYTES = 8 * MiB;

/** What the traffic uploaded last under each name: the service must show exactly that. */
const shared = new Map<string, Buffer>();
/** Uploads whose client hung up halfway: nothing of them may stay on the disk. */
const dropped = new Set<string>();
/** The files the server had made by the time the traffic began, by the harness's key. */
const madeBeforeTraffic = new WeakMap<CheckContext, Set<string>>();

function documentBytes(name: string, version: number, bytes = DOCUMENT_BYTES): Buffer {
  return generateBytes(`${name}-v${version}${KINDS[name.length % KINDS.length]}`, bytes);
}

async function upload(context: CheckContext, name: string, body: Buffer): Promise<void> {
  const replacing = shared.has(name);
  const wanted = replacing ? 200 : 201;
  const response = await context.http.request(`/files/${name}`, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
  if (response.status !== wanted) {
    context.breach(`PUT /files/${name} answered ${response.status} instead of ${wanted}${replacing ? ' (a new version of a file that exists)' : ''}.`);
    return;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored || sha256(stored) !== sha256(body)) context.breach(`After PUT /files/${name}, the stored file was not byte-exact.`);
  shared.set(name, body);
}

async function download(context: CheckContext, name: string): Promise<void> {
  const body = shared.get(name)!;
  const response = await context.http.get(`/files/${name}`);
  if (response.status !== 200) context.breach(`GET /files/${name} answered ${response.status} instead of 200.`);
  else if (response.sha256 !== sha256(body)) context.breach(`GET /files/${name} sent ${response.bytes} bytes that are not the file (${body.length} bytes).`);
  else if (response.headers['content-length'] !== String(body.length)) {
    context.breach(`GET /files/${name} announced content-length ${response.headers['content-length'] ?? '(none)'} instead of ${body.length}.`);
  }
}

/** The hash of a file's thumbnail, made once for each file's contents (a check kept loaded checks many servers). */
const thumbnails = new WeakMap<Buffer, string>();
function expectedThumbnail(body: Buffer): string {
  let hash = thumbnails.get(body);
  if (hash === undefined) thumbnails.set(body, (hash = sha256(makeThumbnail(body))));
  return hash;
}

async function thumbnail(context: CheckContext, name: string): Promise<void> {
  const response = await context.http.get(`/files/${name}/thumbnail`);
  if (response.status !== 200) {
    context.breach(`GET /files/${name}/thumbnail answered ${response.status} instead of 200.`);
    return;
  }
  if (response.sha256 !== expectedThumbnail(shared.get(name)!)) {
    context.breach(`GET /files/${name}/thumbnail sent a thumbnail that is not the one of the file's latest version.`);
  }
  if (!String(response.headers['content-type'] ?? '').startsWith(THUMBNAIL_TYPE)) {
    context.breach(`GET /files/${name}/thumbnail was sent as ${response.headers['content-type'] ?? '(no type)'} instead of ${THUMBNAIL_TYPE}.`);
  }
}

/** A file the server made during the traffic and left on the disk, though no finished upload made it. */
interface LeftFile {
  readonly file: string;
  readonly bytes: number;
  readonly location: string | null;
}

/**
 * What the server made during the traffic and left on the disk, though no upload that finished is stored there: a
 * dropped upload's partial file, in the uploads folder or anywhere the harness saw the server make it. The uploads
 * folder is listed too, for files made in a way the harness does not see. Shown from the uploads folder where they are
 * in it.
 */
async function leftovers(context: CheckContext): Promise<LeftFile[]> {
  const uploads = path.resolve(context.uploadsDir);
  const isShared = (file: string): boolean => path.dirname(file) === uploads && shared.has(path.basename(file));
  const before = madeBeforeTraffic.get(context) ?? new Set<string>();
  const found = new Map<string, LeftFile>();
  for (const { key, file, bytes, location } of (await context.probe()).createdFiles ?? ([] as readonly CreatedFile[])) {
    if (!before.has(key) && !isShared(file)) found.set(file, { file, bytes, location });
  }
  for (const entry of await readdir(uploads, { withFileTypes: true }).catch(() => [])) {
    const file = path.join(uploads, entry.name);
    if (entry.isFile() && !isShared(file) && !found.has(file)) found.set(file, { file, bytes: (await readFile(file).catch(() => Buffer.alloc(0))).length, location: null });
  }
  return [...found.values()].map((left) => ({ ...left, file: path.dirname(left.file) === uploads ? `uploads/${path.basename(left.file)}` : left.file }));
}

/** GET /files must show every file as it was last uploaded: size, and the type its bytes show. */
async function checkList(context: CheckContext): Promise<void> {
  const response = await context.http.get('/files');
  let listed: unknown;
  try {
    listed = JSON.parse(response.text);
  } catch {
    listed = null;
  }
  if (response.status !== 200 || !Array.isArray(listed)) {
    context.breach(`GET /files answered ${response.status}${Array.isArray(listed) ? '' : ' without a JSON list'}: it must list the shared files.`);
    return;
  }
  const byName = new Map((listed as { name?: unknown }[]).map((entry) => [entry.name, entry as { size?: unknown; type?: unknown }]));
  for (const [name, body] of shared) {
    const entry = byName.get(name);
    const type = detectFileType(body.subarray(0, SNIFF_BYTES));
    if (!entry) context.breach(`GET /files does not list ${name}.`);
    else if (entry.size !== body.length || entry.type !== type) {
      context.breach(`GET /files lists ${name} with size ${String(entry.size)} and type ${String(entry.type)} instead of ${body.length} and ${type}.`);
    }
  }
}

async function checkExport(context: CheckContext): Promise<void> {
  const response = await context.http.get('/export.csv');
  if (response.status !== 200 || !String(response.headers['content-type'] ?? '').startsWith('text/csv')) {
    context.breach(`GET /export.csv answered ${response.status} as ${response.headers['content-type'] ?? '(no type)'} instead of 200 with text/csv.`);
    return;
  }
  const rows = response.text.trimEnd().split(/\r?\n/).slice(1);
  for (const [name, body] of shared) {
    const row = `${name},${body.length},${detectFileType(body.subarray(0, SNIFF_BYTES))},`;
    if (!rows.some((line) => line.startsWith(row))) context.breach(`GET /export.csv has no row "${row}…" for ${name}.`);
  }
}

const check: CheckSpec = {
  async warmup(context) {
    // A new server shares no files: forget a previous check's (several checks can share one process).
    shared.clear();
    dropped.clear();
    await upload(context, 'welcome.pdf', documentBytes('welcome.pdf', 1, MiB));
    await upload(context, 'welcome.pdf', documentBytes('welcome.pdf', 2, MiB));
    await thumbnail(context, 'welcome.pdf');
    await download(context, 'welcome.pdf');
    await upload(context, RECORDING, fixtureBytes('video-1.mp4'));
    await context.http.abortedDownload(`/files/${RECORDING}`, HANG_UP_AFTER);
    await checkList(context);
    await context.http.get('/export.csv');
  },

  async traffic(context) {
    madeBeforeTraffic.set(context, new Set(((await context.probe()).createdFiles ?? []).map(({ key }) => key)));
    // A download whose client hangs up leaves its file to be read by nobody: the disk answers those reads last.
    await context.readsAfterHangUpLast();
    // A draft saved again and again, first thing in the morning: each version's thumbnail is asked for at once,
    // and the previous version's is no use any more.
    // What goes wrong with one save goes wrong with the next ninety-nine: the verdict says it once.
    let said = false;
    const draft: CheckContext = { ...context, breach: (sentence) => void (said || ((said = true), context.breach(sentence))) };
    for (let version = 1; version <= DRAFT_SAVES; version++) {
      await upload(draft, DRAFT, documentBytes(DRAFT, version, DRAFT_BYTES));
      await thumbnail(draft, DRAFT);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const name = `report-${round + 1}.bin`;
      await upload(context, name, documentBytes(name, 1));
      await context.http.get('/files');
      for (const wanted of [name, 'welcome.pdf', RECORDING]) await thumbnail(context, wanted);
      // Links to files that were never shared (or typos) still ask for their thumbnails, each under a name of its own.
      for (let link = 1; link <= OLD_LINKS; link++) {
        const gone = await context.http.get(`/files/old-link-${round + 1}-${link}.pdf/thumbnail`);
        if (gone.status !== 404) context.breach(`GET /files/old-link-${round + 1}-${link}.pdf/thumbnail answered ${gone.status} instead of 404: no such file is shared.`);
      }
      // A download manager asks the size first (HEAD: Express answers it through the GET route, without a body).
      const size = await context.http.request(`/files/${name}`, { method: 'HEAD' });
      if (size.status !== 200 || size.headers['content-length'] !== String(DOCUMENT_BYTES)) {
        context.breach(`HEAD /files/${name} answered ${size.status} with content-length ${size.headers['content-length'] ?? '(none)'}, instead of 200 and ${DOCUMENT_BYTES}, as its GET does.`);
      }
      await download(context, name);
      // Someone on a train shares a scan, and the connection drops halfway through the upload.
      const scan = `scan-${round + 1}.pdf`;
      await context.http.abortedUpload(`/files/${scan}`, documentBytes(scan, 1, DROPPED_UPLOAD_BYTES), DROPPED_UPLOAD_BYTES / 2, 'PUT', { 'content-type': 'application/octet-stream' });
      dropped.add(scan);
      await context.http.abortedDownloads(`/files/${RECORDING}`, HANG_UP_AFTER, VIEWERS_WHO_HANG_UP);
      // A hang-up may come while the handler awaits any of its calls on the file store, not only the first one.
      await context.hangUpAtEachAwait(`/files/${RECORDING}`, Array.from({ length: VIEWERS_WHO_GIVE_UP_AT_ONCE }, () => undefined));
      await context.http.get('/export.csv');
    }
  },

  async contract(context) {
    const { http, breach } = context;
    await checkList(context);
    await checkExport(context);
    // Downloads stream from disk, without loading the file into memory: a viewer who pauses shows whether they do.
    const held = await context.heldWhilePaused(`/files/${RECORDING}`);
    if (held > PAUSED_VIEWER_BYTES) {
      breach(
        `While a viewer paused their download of ${RECORDING} (${(shared.get(RECORDING)!.length / MiB).toFixed(0)} MiB), the server held ${(held / MiB).toFixed(1)} MiB more in Buffers: it reads the file faster than the viewer takes it, and a few viewers on a slow line hold a recording each. Either it loads the whole file, or it writes without waiting when the response is full (res.write() returned false and nothing waited for 'drain'): pipeline() waits for you.`,
      );
    }
    await download(context, RECORDING);

    // Thumbnails are made once: the second one of an unchanged file must not read the file again, even after the
    // garbage collector has run, as it does all day in production (a thumbnail held weakly is gone by then).
    await thumbnail(context, 'report-1.bin');
    const readsBefore = (await context.probe({ collected: true })).storage.diskReads;
    await thumbnail(context, 'report-1.bin');
    const reads = (await context.probe()).storage.diskReads - readsBefore;
    if (reads > 0) {
      breach(
        `A second thumbnail of report-1.bin, unchanged, read the file again once the garbage collector had run (${reads} read(s)): each thumbnail must be made once and kept, with a strong reference (a WeakRef or WeakMap lets the collector empty the cache), until a new version of its file arrives.`,
      );
    }

    // A new version of a file gets a new thumbnail, and the list shows its new size and type; the thumbnails of
    // the other files, unchanged, are kept: a new version of one file must not make another's be read again.
    await thumbnail(context, 'report-2.bin');
    await thumbnail(context, 'welcome.pdf');
    await upload(context, 'report-1.bin', documentBytes('report-1.bin', 2, 3 * MiB));
    const othersBefore = (await context.probe()).storage.diskReads;
    await thumbnail(context, 'report-2.bin');
    const otherReads = (await context.probe()).storage.diskReads - othersBefore;
    if (otherReads > 0) {
      breach(`After a new version of report-1.bin, the thumbnail of report-2.bin, unchanged, read its file again (${otherReads} read(s)): a thumbnail is made again only when a new version of its own file arrives.`);
    }
    await thumbnail(context, 'report-1.bin');
    await download(context, 'report-1.bin');
    // And a new version of welcome.pdf, after report-1.bin's, gets its own new thumbnail too: what drops a thumbnail must
    // still be there after another file's new version.
    await upload(context, 'welcome.pdf', documentBytes('welcome.pdf', 3, MiB));
    const welcome = await http.get('/files/welcome.pdf/thumbnail');
    if (welcome.status === 200 && welcome.sha256 !== expectedThumbnail(shared.get('welcome.pdf')!)) {
      breach(
        "After a new version of report-1.bin, then one of welcome.pdf, GET /files/welcome.pdf/thumbnail sent the old version's thumbnail: what was to drop it went with report-1.bin's new version. A listener added with once() goes at the first 'changed' event of any file, not of its own; one listener, added once, that drops whichever file changed, is there for the next.",
      );
    } else if (welcome.status !== 200) breach(`GET /files/welcome.pdf/thumbnail answered ${welcome.status} after a new version of welcome.pdf, instead of 200.`);
    await checkList(context);

    // A name first asked for when nothing is shared under it (a link sent before the upload ends) is 404; once the file is
    // uploaded, its thumbnail is the file's: a 404 is not kept as if it were a thumbnail.
    const early = await http.get(`/files/${LATE}/thumbnail`);
    if (early.status !== 404) breach(`GET /files/${LATE}/thumbnail answered ${early.status} before ${LATE} was shared, instead of 404.`);
    await upload(context, LATE, documentBytes(LATE, 1, MiB));
    const late = await http.get(`/files/${LATE}/thumbnail`);
    if (late.status !== 200 || late.sha256 !== expectedThumbnail(shared.get(LATE)!)) {
      breach(
        `GET /files/${LATE}/thumbnail answered ${late.status}${late.status === 200 ? ' with a thumbnail that is not the file\'s' : ''} once ${LATE} was shared, after a first request had found no such file (404): whatever the service keeps of a failed thumbnail (a promise that rejected, a "not found") must not outlive its request, or a file shared after its link was first opened never gets a thumbnail, and every unknown name stays in memory for good.`,
      );
    }

    // An upload whose client hung up leaves nothing behind: no partial file, in the uploads folder or elsewhere.
    await context.settle();
    const left = await leftovers(context);
    if (left.length) {
      const first = left[0]!;
      breach(
        `${left.length} file(s) no finished upload made are still on the disk after ${dropped.size} uploads whose client hung up halfway (PUT /files/scan-N.pdf, ${formatBytes(DROPPED_UPLOAD_BYTES / 2)} of ${formatBytes(DROPPED_UPLOAD_BYTES)} sent): ${left.map(({ file, bytes }) => `${file} (${formatBytes(bytes)})`).join(', ')}${first.location ? `, made at ${first.location}` : ''}. A dropped upload must destroy its write stream and remove its partial file (discardUpload) when its client hangs up ('close' on the request before it ended, or pipeline's error), or the disk fills with them.`,
      );
    }

    for (const route of ['/files/never-shared.pdf', '/files/never-shared.pdf/thumbnail']) {
      const missing = await http.get(route);
      if (missing.status !== 404) breach(`GET ${route} answered ${missing.status} instead of 404.`);
    }
    const oversized = await http.request('/files/huge.mp4', { method: 'PUT', headers: { 'content-length': String(MAX_VIDEO_UPLOAD_BYTES + MiB) } }).catch(() => null);
    if (oversized && oversized.status !== 413) breach(`An upload announced as ${MAX_VIDEO_UPLOAD_BYTES / MiB + 1} MiB was answered ${oversized.status} instead of 413.`);
    const traversal = await http.request('/files/..%2f..%2fescape.pdf', { method: 'PUT', body: Buffer.from('x') });
    if (traversal.status !== 400) breach(`PUT /files/..%2f..%2fescape.pdf answered ${traversal.status}: names with a path must be refused (400).`);
    for (const route of ['/files/..%2f..%2fpackage.json', '/files/..%2f..%2fpackage.json/thumbnail']) {
      const outside = await http.get(route);
      if (outside.status !== 400) breach(`GET ${route} answered ${outside.status}: names with a path must be refused (400).`);
    }
  },

  // Three leaks, one measure each, named by what they show rather than where they are.
  countLeaks: true,
  // One leak per module: a measure that fails on what another module's line made counts against that module's leak.
  leakFiles: ['catalog.ts', 'downloads.ts', 'thumbnails.ts'],
  measures: [
    {
      kind: 'heap',
      name: 'memory held by Buffers and strings after the traffic',
      // A thumbnail is 4 KiB: the service keeps one per file, not one per version of it. Strings count too: the first
      // bytes kept as text sliced from the whole file's (toString().slice(0, 512)) keep the whole file's text.
      select: anyOf(arrayBuffersOutsidePool(4 * KiB), stringsRetaining(4 * KiB)),
      unit: 'bytes',
      // The service needs little: what it keeps of each file is a few hundred bytes and its thumbnail
      // (about 40 KiB in all); a thumbnail kept for every version of the draft is 400 KiB.
      bar: 256 * KiB,
      retainer: 'head',
    },
    {
      // The same leak where the first bytes are kept as text sliced from the whole file's (toString('latin1').slice(0, 512)):
      // Node keeps a text of over about 1 MiB outside the JS heap, where a snapshot gives it 32 bytes. Each one is counted.
      kind: 'heap',
      name: 'large strings held outside the JS heap after the traffic',
      sameLeak: true,
      select: externalStrings(),
      unit: 'objects',
      bar: 0,
      guards: "the shipped catalogue keeps its head as a Buffer view (the measure before this one); a fix that keeps it as text sliced from the whole file's keeps the file outside the heap",
      retainer: 'head',
    },
    {
      kind: 'resources',
      name: 'file descriptors still open after the traffic',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
    },
    {
      // The same leak where what a dropped download leaves is no descriptor but a record: a Map of the downloads in
      // progress (for a status page, a graceful shutdown) that forgets one on 'finish' only keeps every hang-up's.
      // Any module's records count: a Map of thumbnails being made that keeps each 404 grows with every old link.
      kind: 'heap',
      name: 'records your module-level variables gained during the traffic',
      sameLeak: true,
      select: recordsKeptByModuleState('the traffic'),
      unit: 'objects',
      bar: RECORDS_BAR,
      guards: "the shipped downloads keep nothing of a dropped download but its descriptor (the measure before this one); a fix that closes it and records the downloads in progress, forgetting one on 'finish' only, keeps a record per hang-up",
      retainer: 'active',
    },
    {
      kind: 'resources',
      name: 'event listeners added during the traffic and never removed',
      // On fileEvents, and on any EventEmitter your code made: one registration per request, of whatever function, is one too many.
      instruments: [serviceEventListeners('changed')],
      unit: 'objects',
      bar: 0,
      advice:
        "Each listener that stays is called on every upload of a new version, and Node warns at the eleventh (the incident's MaxListenersExceededWarning). One per request is too many, and so is one per file with a thumbnail, even one that removes itself when its file changes: Share holds hundreds of files. One listener, added once when the module loads, drops the thumbnail of whichever file changed.",
    },
    {
      // The same leak where the listeners are not on fileEvents: a function made per request and kept, on an emitter of
      // the service's own or in an array of invalidators, stays alive as long as whatever keeps it.
      kind: 'heap',
      name: 'functions your code made during the traffic and still alive after it',
      sameLeak: true,
      select: closuresOfTheService('functions your code created'),
      unit: 'objects',
      // A fixed service makes a function or two during the traffic and keeps it (a listener added on the first request
      // that needs it, a cache's own); one per thumbnail the traffic asks for is 118.
      bar: CLOSURES_BAR,
      retainer: '._events.changed',
    },
    {
      // The same leak where what is kept per request is no function but a name: a list of the names watched, which
      // every upload then scans. The service keeps a name or two per file it knows; one per thumbnail asked for is 118.
      kind: 'heap',
      name: 'strings your module-level variables gained during the traffic',
      sameLeak: true,
      select: stringsKeptByModuleState('strings kept by your module-level variables'),
      unit: 'objects',
      bar: STRINGS_BAR,
      guards: "the shipped thumbnails keep each request's name in the scope of its listener (the measures before this one); a fix that keeps one listener and a list of the names it watches keeps a name per request in a module-level array",
      retainer: 'watched',
    },
    {
      // The same, where what is kept is one string that grows: a log of the hang-ups (`log += line`) is one string, whatever its length.
      kind: 'heap',
      name: 'text your module-level variables gained during the traffic',
      sameLeak: true,
      select: stringsKeptByModuleState('bytes of text (strings) kept by your module-level variables'),
      unit: 'bytes',
      bar: TEXT_BAR,
      guards: 'a fix that logs each download or each name asked for in a module-level string keeps a line per request for ever',
      retainer: 'hangUpLog',
    },
  ],
  routes: {
    fileNames: ['PUT /files/:name', 'GET /files/:name', 'GET /files/:name/thumbnail'],
    uploads: ['PUT /files/:name'],
  },
};

export default check;
