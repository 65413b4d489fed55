/**
 * Scenario 07's check. Traffic: photo downloads that complete, and video
 * downloads whose clients hang up after a few hundred KiB, four at a time, as
 * players that close do, two more that seek (a Range request) and hang up too,
 * and some that hang up before the first byte, at each await of the handler on
 * the file store in turn and while the stream opens its file on its own,
 * photo downloads cut off the same way and while their file streams, and
 * players that ask the video's size first (HEAD).
 * What must not stay: the files those aborted downloads
 * opened (their descriptors, each with the line that opened it), a timer of
 * the server's, or a response of a download that is over (a registry of the
 * downloads in flight that forgets only those that finish), a record of one
 * kept by a module-level variable or an object it holds (app.locals), or a
 * module-level collection grown past the downloads in flight (a Map of
 * numbers by download id, an object used as one, an array of times: no object
 * per entry), or a record per download hung on a connection kept open.
 * Contract: complete downloads are byte-exact with the right type and length;
 * a video is streamed, not held whole in memory while its player pauses;
 * unknown names answer 404, names with a path 400.
 */
import { fixtureSha256, fixtureSpec } from '../../checker/fixtures.ts';
import { connectionListeners, liveTimers, openDescriptors } from '../../checker/instruments.ts';
import { collectionsGrownPast, instancesOf, keptByConnections, keptByModuleState, stringsKeptByModuleState } from '../../checker/select.ts';
import type { HttpClient } from '../../checker/traffic.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const KiB = 1024;
const VIDEO = 'video-1.mp4';
const ABORT_AFTER = 256 * KiB;
const ROUNDS = 5;
const CLIENTS_AT_ONCE = 4;
/** Players that seek: they ask for the video from its middle on, and hang up too, per round. */
const SEEKING_CLIENTS = 2;
const SEEK = { range: 'bytes=16777216-' };
/** Players that hang up before the first byte, per round and per await of the handler on the file store. */
const EARLY_HANG_UPS = 2;
/** Players that ask the video's size (HEAD), per round: ten in all. */
const SIZE_ASKS = 2;
const MiB = 1024 * 1024;
/** Text a service may keep from its downloads: a name or two (its cache's key, its last error); a line per download is far more. */
const TEXT_KEPT_BYTES = 1024;
/** Downloads over one connection the player keeps open. */
const KEPT_ALIVE_DOWNLOADS = 8;
/** A streamed download holds a read-ahead of KiB while its player pauses; a file read whole holds all of it. */
const PAUSED_PLAYER_BYTES = 8 * MiB;

/**
 * Room for the downloads in flight at once, in a collection that tracks them:
 * the traffic never has more than six (four players that hang up at once,
 * and one or two closing), a Map's table has room for 16 entries once it has
 * held five or six, an array's storage 17 from its first element, and an
 * object used as a dictionary 16 (see collectionsGrownPast).
 */
const ROOM_FOR_DOWNLOADS_IN_FLIGHT = 17;

async function download(context: CheckContext, name: string, type: string, client: Pick<HttpClient, 'get'> = context.http): Promise<void> {
  const response = await client.get(`/files/${name}`);
  if (response.status !== 200) {
    context.breach(`GET /files/${name} answered ${response.status} instead of 200.`);
    return;
  }
  if (response.sha256 !== fixtureSha256(name)) {
    context.breach(`GET /files/${name} sent ${response.bytes} bytes that are not the file (${fixtureSpec(name).bytes} bytes).`);
  }
  if (response.headers['content-length'] !== String(fixtureSpec(name).bytes)) {
    context.breach(`GET /files/${name} announced content-length ${response.headers['content-length'] ?? '(none)'} instead of ${fixtureSpec(name).bytes}.`);
  }
  if (!String(response.headers['content-type'] ?? '').startsWith(type)) {
    context.breach(`GET /files/${name} was sent as ${response.headers['content-type'] ?? '(no type)'} instead of ${type}.`);
  }
}

const check: CheckSpec = {
  async warmup(context) {
    await download(context, 'photo-1.jpg', 'image/jpeg');
    await context.http.abortedDownload(`/files/${VIDEO}`, ABORT_AFTER);
  },

  async traffic(context) {
    // A player that hangs up leaves its file to be read by nobody: the disk answers those reads last.
    await context.readsAfterHangUpLast();
    for (let round = 0; round < ROUNDS; round++) {
      await context.http.abortedDownloads(`/files/${VIDEO}`, ABORT_AFTER, CLIENTS_AT_ONCE);
      await context.http.abortedDownloads(`/files/${VIDEO}`, ABORT_AFTER, SEEKING_CLIENTS, SEEK);
      // A hang-up may come while the handler awaits any of its calls on the file store, not only the first one.
      await context.hangUpAtEachAwait(`/files/${VIDEO}`, Array.from({ length: EARLY_HANG_UPS }, () => undefined));
      // Photos are cut off too (a phone that scrolls past): at each await, and while the file streams.
      const photo = `/files/photo-${(round % 4) + 1}.jpg`;
      await context.hangUpAtEachAwait(photo, [undefined]);
      await context.hangUpWhileStreamingFile(photo);
      await download(context, `photo-${(round % 4) + 1}.jpg`, 'image/jpeg');
      // Players ask the video's size first (HEAD: Express answers it through the GET route, without a body).
      for (let i = 0; i < SIZE_ASKS; i++) {
        const head = await context.http.request(`/files/${VIDEO}`, { method: 'HEAD' });
        if (head.status !== 200 || head.headers['content-length'] !== String(fixtureSpec(VIDEO).bytes)) {
          context.breach(`HEAD /files/${VIDEO} answered ${head.status} with content-length ${head.headers['content-length'] ?? '(none)'}, instead of 200 and ${fixtureSpec(VIDEO).bytes}, as its GET does.`);
        }
      }
    }
    // A player keeps its connection open between downloads, and for as long as the check measures.
    const player = context.http.keepAlive();
    for (let i = 0; i < KEPT_ALIVE_DOWNLOADS; i++) await download(context, `photo-${(i % 4) + 1}.jpg`, 'image/jpeg', player);
  },

  async contract(context) {
    const { http, breach } = context;
    // The service streams from disk so that a video never sits in memory: a paused player shows whether it does.
    const held = await context.heldWhilePaused(`/files/${VIDEO}`);
    await download(context, VIDEO, 'video/mp4');
    if (held > PAUSED_PLAYER_BYTES) {
      breach(
        `While a player paused its download of ${VIDEO} (${(fixtureSpec(VIDEO).bytes / MiB).toFixed(0)} MiB), the server held ${(held / MiB).toFixed(1)} MiB more in Buffers: it reads the file faster than the player takes it. Either it loads the whole file instead of streaming it from disk (createReadStream, openStoredFile), or it streams without waiting when the response is full (res.write() returned false and nothing waited for 'drain'; Writable.toWeb(res) does not wait either): pipeline() waits for you.`,
      );
    }
    const missing = await http.get('/files/no-such-video.mp4');
    if (missing.status !== 404) breach(`GET /files/no-such-video.mp4 answered ${missing.status} instead of 404.`);
    const traversal = await http.get('/files/..%2f..%2fpackage.json');
    if (traversal.status !== 400) breach(`GET /files/..%2f..%2fpackage.json answered ${traversal.status}: names with a path must be refused (400).`);
  },

  measures: [
    {
      kind: 'resources',
      name: 'file descriptors left open after the aborted downloads',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
    },
    {
      kind: 'resources',
      name: `listeners left on a connection kept open for ${KEPT_ALIVE_DOWNLOADS} downloads`,
      instruments: [connectionListeners],
      unit: 'objects',
      bar: 0,
      guards: "a fix that closes each download's file when the connection closes leaves a listener per download on a connection the player keeps open",
    },
    {
      kind: 'resources',
      name: 'timers still running after the downloads',
      // Read before the heap too: a fix that lets go of a download on a timer (a batch, a stall timeout) has let go of it once its timer has run.
      instruments: [liveTimers],
      unit: 'objects',
      bar: 0,
      guards: "a fix that gives up on a stalled download with a timer must clear it, for a download that ends and for one whose player hangs up",
    },
    {
      kind: 'heap',
      name: 'responses kept after their downloads ended',
      // Each one keeps its request and connection: whatever tracks downloads in flight must forget one once it is over, however it ended.
      select: instancesOf('ServerResponse'),
      unit: 'objects',
      bar: 0,
      retainer: 'activeDownloads',
      guards: "a fix that tracks the downloads in flight (for a graceful shutdown, an admin page) and forgets one only when it finishes keeps every aborted one, its request and its connection",
    },
    {
      kind: 'heap',
      name: 'records of downloads kept after they ended',
      // A registry of plain records (name, size, bytes sent) keeps no response, yet grows by one per aborted download, for ever.
      select: keptByModuleState('objects your module-level variables gained during the downloads'),
      unit: 'objects',
      bar: 0,
      retainer: 'downloads',
      guards: 'a fix that records the downloads in flight (for a status page) and forgets one only when it finishes keeps a record per aborted download',
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
      // A Map of numbers by download id, an object used as one (bytesSent[id]), or an array of times, keeps no object per download: its storage still grows.
      select: collectionsGrownPast(ROOM_FOR_DOWNLOADS_IN_FLIGHT, 'the downloads'),
      unit: 'objects',
      bar: 0,
      retainer: 'bytesSent',
      guards: "a fix that keeps a number per download in flight (bytes sent, by id) and deletes it only when it finishes keeps one per aborted download, and its Map's table grows",
    },
    {
      kind: 'heap',
      name: `records kept on a connection open for ${KEPT_ALIVE_DOWNLOADS} downloads`,
      // A record per download on the socket (req.socket[history].push(…)) goes with its connection, which a player or a proxy keeps open for hours.
      select: keptByConnections(),
      unit: 'objects',
      bar: 0,
      retainer: 'Socket',
      guards: "a fix that records each download on its connection (for a per-connection rate limit) keeps a record per download for as long as the player keeps it open",
    },
  ],
  routes: { fileNames: ['GET /files/:name'], uploads: [] },
};

export default check;
