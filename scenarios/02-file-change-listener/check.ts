/**
 * Scenario 02's check. Traffic: documents downloaded in full, one after the
 * other (some by a browser that keeps its connection open), large downloads
 * the client drops halfway or before the first byte (while the handler still
 * awaits the file), 24 documents that are not there and a name the store
 * refuses. What must not stay: the listeners those downloads added to the
 * file store's emitter, the file bytes their closures keep, the responses,
 * nor (a guard) the names of the missing documents.
 * Contract: downloads are byte-exact, and every download still in flight when
 * its file changes is cut off (two of the same file at once, too; and after
 * another file changed first).
 */
import { fixtureSha256 } from '../../checker/fixtures.ts';
import { fileEventListeners } from '../../checker/instruments.ts';
import { arrayBuffers, instancesOf, stringsContaining } from '../../checker/select.ts';
import type { HttpClient } from '../../checker/traffic.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const DOCUMENTS = ['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg', 'photo-4.jpg'];
/** Large enough that its response cannot fit in the loopback socket buffers, so it stays in flight while paused. */
const LARGE_DOCUMENT = 'video-1.mp4';
const MiB = 1024 * 1024;
const DROPPED_DOWNLOADS = 2;
/** Names of documents that are not there, each asked for once (fresh in every run, as `npm run demo` repeats the traffic). */
const MISSING_DOCUMENT = 'missing-document-';
const MISSING_DOCUMENTS = 24;
const MISSING_AT_ONCE = 8;
let missingAsked = 0;
/** A name the file store refuses (it starts with a dot): 400. */
const REFUSED_NAME = '.env';

async function download(context: CheckContext, name: string, client: Pick<HttpClient, 'get'> = context.http): Promise<void> {
  const response = await client.get(`/files/${name}`);
  if (response.status !== 200) {
    context.breach(`GET /files/${name} answered ${response.status} instead of 200.`);
  } else if (response.sha256 !== fixtureSha256(name)) {
    context.breach(`GET /files/${name} sent ${response.bytes} bytes that are not the file's contents.`);
  }
}

const check: CheckSpec = {
  async warmup(context) {
    for (const name of DOCUMENTS) await download(context, name);
  },

  async traffic(context) {
    for (let i = 0; i < 16; i++) await download(context, DOCUMENTS[i % DOCUMENTS.length]!);
    // A browser keeps its connection open between downloads, and for as long as the check measures.
    const browser = context.http.keepAlive();
    for (let i = 0; i < 8; i++) await download(context, DOCUMENTS[i % DOCUMENTS.length]!, browser);
    // Clients that give up: a download that never ends must let go of its listener too.
    for (let i = 0; i < DROPPED_DOWNLOADS; i++) await context.http.abortedDownload(`/files/${LARGE_DOCUMENT}`, MiB);
    // And clients that give up before the first byte, while the server still reads the file.
    for (let i = 0; i < DROPPED_DOWNLOADS; i++) await context.hangUpWhileReadingFile(`/files/${LARGE_DOCUMENT}`);
    // Old links to documents that are gone, each name once, and a name the store refuses: a download that fails ends too.
    for (let batch = 0; batch < MISSING_DOCUMENTS / MISSING_AT_ONCE; batch++) {
      await Promise.all(
        Array.from({ length: MISSING_AT_ONCE }, async () => {
          const name = `${MISSING_DOCUMENT}${missingAsked++}.pdf`;
          const response = await context.http.get(`/files/${name}`);
          if (response.status !== 404) context.breach(`GET /files/${name}, a document that is not there, answered ${response.status} instead of 404.`);
        }),
      );
    }
    const refused = await context.http.get(`/files/${REFUSED_NAME}`);
    if (refused.status !== 400) context.breach(`GET /files/${REFUSED_NAME}, a name the file store refuses, answered ${refused.status} instead of 400.`);
  },

  async contract(context) {
    // Every download in flight when its file changes must be cut off: two clients fetch the same file at once.
    const inFlight = [await context.http.startPausedDownload(`/files/${LARGE_DOCUMENT}`), await context.http.startPausedDownload(`/files/${LARGE_DOCUMENT}`)];
    await context.emitFileChanged(LARGE_DOCUMENT);
    const completed = (await Promise.all(inFlight.map((download) => download.finish()))).map(({ complete }) => complete);
    if (completed.every(Boolean)) {
      context.breach(`A download of ${LARGE_DOCUMENT} ran to the end although the file changed while it was in flight: the service must cut such downloads off.`);
    } else if (completed.some(Boolean)) {
      context.breach(
        `Of two downloads of ${LARGE_DOCUMENT} in flight when it changed, the ${completed[0] ? 'first' : 'second'} ran to the end: the service must cut off every download of a changed file, not only one per name.`,
      );
    }
    // A change to another file leaves a download alone.
    const other = await context.http.startPausedDownload(`/files/${LARGE_DOCUMENT}`);
    await context.emitFileChanged('photo-1.jpg');
    if (!(await other.finish()).complete) context.breach(`A download of ${LARGE_DOCUMENT} was cut off when a different file changed.`);
    // And a download still watches its own file after another file changed.
    const watching = await context.http.startPausedDownload(`/files/${LARGE_DOCUMENT}`);
    await context.emitFileChanged('photo-2.jpg');
    await context.emitFileChanged(LARGE_DOCUMENT);
    if ((await watching.finish()).complete) {
      context.breach(`A download of ${LARGE_DOCUMENT} ran to the end although the file changed while it was in flight, after photo-2.jpg had changed: a download must watch its own file until it ends, whatever other files change.`);
    }
    // A download still watches its file when another download ends meanwhile: cleaning up after one must leave the
    // others' watch alone (removeAllListeners on a download's end stops them all).
    const outlasting = await context.http.startPausedDownload(`/files/${LARGE_DOCUMENT}`);
    const ended = await context.http.get('/files/photo-2.jpg');
    if (ended.status !== 200) context.breach(`GET /files/photo-2.jpg answered ${ended.status} instead of 200.`);
    await context.emitFileChanged(LARGE_DOCUMENT);
    if ((await outlasting.finish()).complete) {
      context.breach(`A download of ${LARGE_DOCUMENT} ran to the end although the file changed while it was in flight, after a download of photo-2.jpg had ended: the end of one download must not stop the others from watching their files.`);
    }
    const missing = await context.http.get('/files/no-such-document.pdf');
    if (missing.status !== 404) context.breach(`GET /files/no-such-document.pdf answered ${missing.status} instead of 404.`);
  },

  measures: [
    {
      kind: 'resources',
      name: 'file-change listeners added and never removed',
      instruments: [fileEventListeners('changed')],
      unit: 'objects',
      bar: 0,
    },
    {
      kind: 'heap',
      name: 'file bytes kept after the traffic',
      select: arrayBuffers(64 * 1024),
      unit: 'bytes',
      bar: 4 * MiB,
      retainer: 'onFileChanged',
    },
    {
      kind: 'heap',
      name: 'responses kept after their downloads ended',
      // Each one keeps its request and connection: whatever tracks downloads in flight must forget one once it is over, however it ended.
      select: instancesOf('ServerResponse'),
      unit: 'objects',
      bar: 0,
      retainer: 'onFileChanged',
    },
    {
      kind: 'heap',
      name: 'names of missing documents kept after the traffic',
      select: stringsContaining(MISSING_DOCUMENT, 'strings naming a missing document'),
      unit: 'objects',
      bar: 8,
      retainer: 'downloadsByName',
      guards: 'a registry of downloads by name that keeps an entry for every name asked for, even one that was never there, grows with every broken link',
    },
  ],
  routes: { fileNames: ['GET /files/:name'], uploads: [] },
};

export default check;
