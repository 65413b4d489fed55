/**
 * Scenario 11's check. Traffic: clients start downloads of a 16 MiB access
 * log, four at a time, and hang up after 128 KiB of compressed bytes, as a
 * browser tab closed early does: a dashboard's own fetch (gzip only), a
 * browser (gzip, deflate, br, zstd), the iOS app (Brotli first) and curl
 * (deflate first), so every compression the server offers them is cancelled too;
 * clients that do not accept gzip, two at a time, do the same with the plain
 * file; some hang up before the first byte, while the handler still awaits
 * the file; photos and the screen recording are cancelled too, gzipped and
 * plain; and link checkers and download managers ask HEAD. What must not
 * stay: the files those requests opened (their descriptors, each with the
 * line that opened it). Last, a dashboard downloads 8 files (photos, the log)
 * over a connection it keeps open. Guards against leaks a fix brings in: the
 * listeners left on that connection and the records hung on its socket, the
 * compressors (Gzip, Deflate, BrotliCompress) still alive after the traffic,
 * the records module-level variables gained, and the module-level
 * collections grown past the downloads in flight (a Map of numbers by
 * download id, an array of ratios: no object per entry; 07's measure). Contract: the service
 * streams, in both branches (a client that pauses its download, plain,
 * gzipped or as the iOS app, makes the server hold no more than 8 MiB more in
 * Buffers, and the log's first bytes go out before the server has read its
 * first 4 MiB, its first 12 MiB for a browser, the app or curl, which may get
 * Brotli); a gzip client gets a gzipped body that
 * gunzips to the exact file; a browser gets a body compressed in an encoding
 * it accepts that unpacks to the exact file, and so do the iOS app and curl
 * (deflate first); a client without gzip, or that
 * refuses it (gzip;q=0), gets the file as it is, with its length; HEAD
 * answers with GET's headers and no body; unknown names answer 404, names
 * with a path 400.
 */
import { fixtureSha256, fixtureSpec } from '../../checker/fixtures.ts';
import { connectionListeners, liveTimers, openDescriptors } from '../../checker/instruments.ts';
import { anyOf, collectionsGrownPast, instancesOf, keptByConnections, keptByModuleState, stringsKeptByModuleState } from '../../checker/select.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const KiB = 1024;
const LOG = 'access-log.csv';
const ABORT_AFTER = 128 * KiB;
const ROUNDS = 5;
const PLAIN_CLIENTS_AT_ONCE = 2;
const EARLY_HANG_UPS = 2;
const ACCEPTS_GZIP = { 'accept-encoding': 'gzip' };
/** What Chrome and Firefox send over HTTPS. */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br, zstd' };
/** What the iOS app sends (Alamofire's default): it prefers Brotli. */
const IOS_APP = { 'accept-encoding': 'br;q=1.0, gzip;q=0.9, deflate;q=0.8' };
/** A client that refuses gzip (q=0: not acceptable) and takes the file as it is. */
const REFUSES_GZIP = { 'accept-encoding': 'gzip;q=0, identity' };
/** What `curl --compressed` sends, in a script that fetches the log: deflate first. */
const CURL = { 'accept-encoding': 'deflate, gzip, br, zstd' };
/** The four clients of each round that hang up: a dashboard's own fetch (gzip only), a browser tab, a phone and a script. */
const CLIENTS_AT_ONCE = [ACCEPTS_GZIP, BROWSER, IOS_APP, CURL];
const MiB = 1024 * 1024;
/** Text a service may keep from its downloads: a name or two (its cache's key, its last error); a line per download is far more. */
const TEXT_KEPT_BYTES = 1024;
/** A screen recording attached to a bug report, 32 MiB: gzip does not shrink it. */
const RECORDING = 'video-1.mp4';
/**
 * Downloads over one connection a dashboard keeps open, one after the other, every other one gzipped: photos, and
 * the log in the middle, once gzipped and once not (a fix may treat big files apart).
 */
const KEPT_ALIVE_DOWNLOADS = Array.from({ length: 8 }, (_, i) => ({
  path: i === 4 || i === 5 ? `/files/${LOG}` : `/files/photo-${(i % 4) + 1}.jpg`,
  gzipped: i % 2 === 0,
}));
/**
 * Room for the downloads in flight at once, in a collection that tracks them: the traffic never has more than six
 * (four clients that hang up at once, or two plain ones, and one or two closing); see 07's, the same.
 */
const ROOM_FOR_DOWNLOADS_IN_FLIGHT = 17;
/** A streamed download holds a read-ahead of KiB while its client pauses; a file read whole holds most of it. */
const PAUSED_CLIENT_BYTES = 8 * MiB;

/**
 * A quarter of the log. A server that streams has sent its first bytes long before it has read that much (gzip
 * sends its header after the first chunk); one that reads the whole file to compress it in one go has sent none.
 */
const FIRST_BYTES_WITHIN = 4 * MiB;
/**
 * Three quarters of the log, for a client the server may answer in Brotli (a browser, the iOS app). Streaming Brotli
 * takes in twice its window before its first output byte (from quality 4 on; below it, 128 KiB at most): 8 MiB at its default
 * 4 MiB window, less with a smaller one, the same on Node 20, 22 and 24 and on every machine (input bytes decide it,
 * not time). A server that streams through it has sent its first bytes by then; one that reads the whole log to
 * compress it in one go has sent none.
 */
const BROTLI_FIRST_BYTES_WITHIN = 12 * MiB;

/**
 * The service streams even where the kernel would hide that it does not: a gzipped log, 2.8 MiB, fits whole in the
 * socket buffers of a client that pauses. Its first bytes must come before the server has read the whole file.
 */
async function streamedDownload<T extends { readonly headers: Record<string, unknown> }>(
  context: CheckContext,
  name: string,
  client: string,
  within: number,
  download: () => Promise<T>,
): Promise<T> {
  const { waitedOn, result } = await context.readsWaitForFirstBytes(within, download);
  if (waitedOn !== null) {
    const encoding = result.headers['content-encoding'];
    const sentAs = typeof encoding === 'string' ? `, sent as ${encoding},` : '';
    const mib = (bytes: number): string => `${bytes / MiB} MiB`;
    const waited = `GET /files/${name} from ${client}${sentAs} sent nothing until the server had read more than the first ${mib(within)} of the ${mib(fixtureSpec(name).bytes)} file (with the disk holding the rest back, it waited on ${waitedOn}, its answer not started)`;
    const cost = `Each download then holds the whole file and its compressed copy in memory at once (8 clients loading the log: over 150 MiB), and its client waits for the last byte read before it gets the first`;
    // Brotli with a window over 4 MiB (BROTLI_PARAM_LGWIN 23 or 24) takes in the whole log before its first byte too.
    context.breach(
      encoding === 'br' && !waitedOn.startsWith('readFile')
        ? `${waited}: either it collects the file to compress it in one go, or it streams it through a Brotli compressor whose window is too large: Brotli takes in twice its window before its first output byte, and with BROTLI_PARAM_LGWIN above 22 (a window over 4 MiB) that is the whole log. ${cost}: stream the file through createBrotliCompress() at its default window.`
        : `${waited}: it reads the whole file before it answers, to compress it in one go, instead of streaming it. ${cost}: pipe the file through the compressor (createGzip(), createBrotliCompress()) as it is read.`,
    );
  }
  return result;
}

/** The service streams a file, it does not load it: a client that stops reading shows whether it does. */
async function pausedDownload(context: CheckContext, name: string, client: string, headers?: Record<string, string>): Promise<void> {
  const held = await context.heldWhilePaused(`/files/${name}`, headers);
  if (held > PAUSED_CLIENT_BYTES) {
    context.breach(
      `While ${client} paused its download of ${name} (${(fixtureSpec(name).bytes / MiB).toFixed(0)} MiB), the server held ${(held / MiB).toFixed(1)} MiB more in Buffers: it reads the file faster than the client takes it. Either it loads the whole file instead of streaming it from disk, or it streams without waiting when the response (or the compressor) is full (write() returned false and nothing waited for 'drain'): pipeline() waits for you.`,
    );
  }
}

const check: CheckSpec = {
  async warmup(context) {
    await context.http.getAcceptingGzip('/files/photo-1.jpg');
    await context.http.abortedDownload(`/files/${LOG}`, ABORT_AFTER, ACCEPTS_GZIP);
  },

  async traffic(context) {
    // A client that hangs up leaves its file to be read by nobody: the disk answers those reads last.
    await context.readsAfterHangUpLast();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(CLIENTS_AT_ONCE.map((headers) => context.http.abortedDownload(`/files/${LOG}`, ABORT_AFTER, headers)));
      // Scripts and older clients do not ask for gzip: their downloads take the other branch, and are cancelled too.
      await context.http.abortedDownloads(`/files/${LOG}`, ABORT_AFTER, PLAIN_CLIENTS_AT_ONCE);
      // And tabs closed before the first byte, while the handler still awaits the log's stat or open.
      // A hang-up may come while the handler awaits any of its calls on the file store, not only the first one.
      await context.hangUpAtEachAwait(`/files/${LOG}`, Array.from({ length: EARLY_HANG_UPS }, (_, i) => (i % 2 === 0 ? BROWSER : IOS_APP)));
      const photo = `/files/photo-${(round % 4) + 1}.jpg`;
      // Photos and screen recordings are cancelled too, by gzip clients and plain ones: a fix for text files alone leaks there.
      const [compressed, plain] = round % 2 === 0 ? [`/files/${RECORDING}`, photo] : [photo, `/files/${RECORDING}`];
      await context.http.abortedDownload(compressed, ABORT_AFTER, round % 2 === 0 ? BROWSER : ACCEPTS_GZIP);
      await context.http.abortedDownload(plain, ABORT_AFTER);
      await context.http.getAcceptingGzip(photo);
      await context.http.get(photo);
      // A download manager asks the log's size first; a link checker asks whether a photo is there. Express answers HEAD through the GET route.
      await context.http.request(`/files/${LOG}`, { method: 'HEAD' });
      await context.http.request(photo, { method: 'HEAD', headers: IOS_APP });
    }
    // A dashboard keeps its connection open between downloads, and for as long as the check measures.
    const dashboard = context.http.keepAlive();
    for (const { path, gzipped } of KEPT_ALIVE_DOWNLOADS) {
      const response = await dashboard.get(path, gzipped ? ACCEPTS_GZIP : undefined);
      if (response.status !== 200) context.breach(`GET ${path} over a connection kept open answered ${response.status} instead of 200.`);
    }
  },

  async contract(context) {
    const { http, breach } = context;
    const size = fixtureSpec(LOG).bytes;

    // The service streams a file in both branches. A gzipped log shrinks to 2.8 MiB, which the kernel's socket buffers
    // can take whole from a client that pauses: the gzip branch is judged with a file that does not shrink.
    await pausedDownload(context, LOG, 'a client without gzip');
    await pausedDownload(context, RECORDING, 'a client that accepts gzip', ACCEPTS_GZIP);
    // The iOS app prefers Brotli: a server that gives it Brotli streams that branch too.
    await pausedDownload(context, RECORDING, 'the iOS app (Brotli first)', IOS_APP);

    const gzipped = await streamedDownload(context, LOG, 'a client that accepts gzip', FIRST_BYTES_WITHIN, () => http.getAcceptingGzip(`/files/${LOG}`));
    if (gzipped.status !== 200) {
      breach(`GET /files/${LOG} from a client that accepts gzip answered ${gzipped.status} instead of 200.`);
    } else {
      if (gzipped.headers['content-encoding'] !== 'gzip') {
        breach(`GET /files/${LOG} from a client that accepts gzip was not gzipped (content-encoding: ${gzipped.headers['content-encoding'] ?? 'none'}).`);
      } else if (gzipped.wireBytes > size / 2) {
        breach(`GET /files/${LOG} was gzipped, but ${gzipped.wireBytes} bytes travelled for a ${size}-byte text file: it should shrink to well under half.`);
      }
      if (gzipped.sha256 !== fixtureSha256(LOG)) breach(`GET /files/${LOG} from a gzip client did not unpack to the exact file (${gzipped.bytes} bytes instead of ${size}).`);
    }

    const plain = await streamedDownload(context, LOG, 'a client without gzip', FIRST_BYTES_WITHIN, () => http.get(`/files/${LOG}`));
    if (plain.status !== 200) breach(`GET /files/${LOG} from a client without gzip answered ${plain.status} instead of 200.`);
    else if (plain.headers['content-encoding'] !== undefined) breach(`GET /files/${LOG} from a client that does not accept gzip was sent as ${plain.headers['content-encoding']}.`);
    else if (plain.sha256 !== fixtureSha256(LOG) || plain.headers['content-length'] !== String(size)) {
      breach(`GET /files/${LOG} from a client without gzip was not the exact file with its content-length (${plain.bytes} bytes, content-length ${plain.headers['content-length'] ?? 'none'}).`);
    }

    // A client that refuses gzip (q=0) and accepts the file as it is does not accept gzip: it gets the plain file.
    const refusesGzip = await http.getAcceptingGzip(`/files/${LOG}`, REFUSES_GZIP);
    if (refusesGzip.status !== 200) breach(`GET /files/${LOG} from a client that refuses gzip (accept-encoding: ${REFUSES_GZIP['accept-encoding']}) answered ${refusesGzip.status} instead of 200.`);
    else if (refusesGzip.headers['content-encoding'] !== undefined || refusesGzip.headers['content-length'] !== String(size) || refusesGzip.sha256 !== fixtureSha256(LOG)) {
      breach(
        `GET /files/${LOG} from a client that refuses gzip (accept-encoding: ${REFUSES_GZIP['accept-encoding']}; q=0 means "not acceptable") was sent as ${refusesGzip.headers['content-encoding'] ?? 'it is'}, content-length ${refusesGzip.headers['content-length'] ?? 'none'}, instead of the exact file with its content-length (${size}): a client that does not accept gzip gets the file as it is. Ask Express which encoding the client accepts (req.acceptsEncodings('gzip', 'identity')), which reads the q-values, rather than looking for the word gzip in the header.`,
      );
    }

    // A browser or the app may get any encoding it accepts, as long as it shrinks the log and unpacks to it, and
    // streams it: Brotli, which the app prefers, sends its first bytes later than gzip does, but long before the end.
    for (const [client, headers] of [['a browser', BROWSER], ['the iOS app', IOS_APP], ['curl --compressed', CURL]] as const) {
      const accepted = headers['accept-encoding'];
      const acceptedEncodings = accepted.split(',').map((entry) => entry.split(';')[0]!.trim());
      const compressed = await streamedDownload(context, LOG, `${client} (accept-encoding: ${accepted})`, BROTLI_FIRST_BYTES_WITHIN, () =>
        http.getAcceptingGzip(`/files/${LOG}`, headers),
      );
      const encoding = compressed.headers['content-encoding'];
      if (compressed.status !== 200) {
        breach(`GET /files/${LOG} from ${client} (accept-encoding: ${accepted}) answered ${compressed.status} instead of 200.`);
        continue;
      }
      if (encoding === undefined || !acceptedEncodings.includes(encoding)) {
        breach(`GET /files/${LOG} from ${client} (accept-encoding: ${accepted}) was sent as ${encoding ?? 'it is, uncompressed'}: it should be compressed in an encoding that client accepts.`);
      } else if (compressed.wireBytes > size / 2) {
        breach(`GET /files/${LOG} from ${client} was sent as ${encoding}, but ${compressed.wireBytes} bytes travelled for a ${size}-byte text file: it should shrink to well under half.`);
      }
      if (compressed.sha256 !== fixtureSha256(LOG)) breach(`GET /files/${LOG} from ${client}, sent as ${encoding ?? 'it is'}, did not unpack to the exact file (${compressed.bytes} bytes instead of ${size}).`);
    }

    // HEAD is GET without the body: the same status and headers, so a download manager learns the size and the encoding.
    const headGzip = await http.request(`/files/${LOG}`, { method: 'HEAD', headers: ACCEPTS_GZIP });
    if (headGzip.status !== 200 || headGzip.headers['content-encoding'] !== 'gzip') {
      breach(`HEAD /files/${LOG} from a client that accepts gzip answered ${headGzip.status} with content-encoding ${headGzip.headers['content-encoding'] ?? 'none'}, instead of 200 and gzip, as its GET does.`);
    }
    const headPlain = await http.request(`/files/${LOG}`, { method: 'HEAD' });
    if (headPlain.status !== 200 || headPlain.headers['content-encoding'] !== undefined || headPlain.headers['content-length'] !== String(size)) {
      breach(`HEAD /files/${LOG} from a client without gzip answered ${headPlain.status} with content-length ${headPlain.headers['content-length'] ?? 'none'} and content-encoding ${headPlain.headers['content-encoding'] ?? 'none'}, instead of 200, ${size} and none, as its GET does.`);
    }

    const missing = await http.getAcceptingGzip('/files/no-such-log.csv');
    if (missing.status !== 404) breach(`GET /files/no-such-log.csv answered ${missing.status} instead of 404.`);
    const traversal = await http.getAcceptingGzip('/files/..%2f..%2fpackage.json');
    if (traversal.status !== 400) breach(`GET /files/..%2f..%2fpackage.json answered ${traversal.status}: names with a path must be refused (400).`);
  },

  measures: [
    {
      kind: 'resources',
      name: 'file descriptors left open after the aborted gzip downloads',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
    },
    {
      kind: 'resources',
      name: `listeners left on a connection kept open for ${KEPT_ALIVE_DOWNLOADS.length} downloads`,
      instruments: [connectionListeners],
      unit: 'objects',
      bar: 0,
      guards: "a fix that closes each download's file when the connection closes leaves a listener per download on a connection the dashboard keeps open",
    },
    {
      kind: 'heap',
      name: 'compressors kept after their downloads were cancelled',
      // Each one keeps its zlib state (278 KiB at the default settings) outside the JavaScript heap, which heapUsed never shows.
      select: anyOf(instancesOf('Gzip'), instancesOf('Deflate'), instancesOf('BrotliCompress')),
      unit: 'objects',
      bar: 0,
      retainer: 'compressing',
      guards: "a fix that keeps each download's compressor until the download finishes keeps it for ever when the client hangs up: a cancelled download never finishes",
    },
    {
      kind: 'resources',
      name: 'timers still running after the downloads',
      // Read before the heap too: a fix that lets go of a download on a timer (a stall timeout) has let go of it once its timer has run.
      instruments: [liveTimers],
      unit: 'objects',
      bar: 0,
      guards: 'a fix that gives up on a stalled download with a timer must clear it, for a download that ends and for one whose client hangs up',
    },
    {
      kind: 'heap',
      name: 'records of downloads kept after they ended',
      // A registry of plain records (name, encoding, bytes sent) keeps no response, yet grows by one per cancelled download, for ever.
      select: keptByModuleState('objects your module-level variables gained during the downloads'),
      unit: 'objects',
      bar: 0,
      retainer: 'downloads',
      guards: 'a fix that records the downloads in flight (for a status page, a compression log) and forgets one only when it finishes keeps a record per cancelled download',
    },
    {
      kind: 'heap',
      name: 'text kept after the downloads ended',
      // A log of the downloads as one string (`log += line`) keeps no object per download: its text grows by a line each.
      select: stringsKeptByModuleState('bytes of text (strings) your module-level variables gained during the downloads'),
      unit: 'bytes',
      bar: TEXT_KEPT_BYTES,
      retainer: 'hangUpLog',
      guards: 'a fix that logs each download in a module-level string (or a string per download in a list) keeps its text for ever',
    },
    {
      kind: 'heap',
      name: 'collections grown past the downloads in flight',
      // A Map of numbers by download id, an object used as one, or an array of ratios or times, keeps no object per download: its storage still grows.
      select: collectionsGrownPast(ROOM_FOR_DOWNLOADS_IN_FLIGHT, 'the downloads'),
      unit: 'objects',
      bar: 0,
      retainer: 'bytesSent',
      guards: "a fix that keeps a number per download in flight (compressed bytes sent, by id) and deletes it only when it finishes keeps one per cancelled download, and its Map's table grows; so does a history of ratios never trimmed",
    },
    {
      kind: 'heap',
      name: `records kept on a connection open for ${KEPT_ALIVE_DOWNLOADS.length} downloads`,
      // A record per download on the socket (req.socket[history].push(…)) goes with its connection, which a dashboard or a proxy keeps open for hours.
      select: keptByConnections(),
      unit: 'objects',
      bar: 0,
      retainer: 'Socket',
      guards: 'a fix that records each download on its connection (for a per-connection rate limit) keeps a record per download for as long as the dashboard keeps it open',
    },
  ],
  routes: { fileNames: ['GET /files/:name'], uploads: [] },
};

export default check;
