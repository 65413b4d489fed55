/**
 * Scenario 11's check. Traffic: clients that accept gzip start downloads of a
 * 16 MiB access log, four at a time, and hang up after 128 KiB of compressed
 * bytes, as a browser tab closed early does; clients that do not accept gzip,
 * two at a time, do the same with the plain file; and some hang up before the
 * first byte, while the handler still awaits the file. What must not stay: the
 * files those aborted downloads opened (their descriptors, each with the line
 * that opened it). Contract: a gzip client gets a gzipped body that gunzips to the
 * exact file; a client without gzip gets the file as it is, with its length;
 * unknown names answer 404, names with a path 400.
 */
import { fixtureSha256, fixtureSpec } from '../../checker/fixtures.ts';
import { openDescriptors } from '../../checker/instruments.ts';
import type { CheckSpec } from '../../checker/types.ts';

const KiB = 1024;
const LOG = 'access-log.csv';
const ABORT_AFTER = 128 * KiB;
const ROUNDS = 5;
const CLIENTS_AT_ONCE = 4;
const PLAIN_CLIENTS_AT_ONCE = 2;
const EARLY_HANG_UPS = 2;
const ACCEPTS_GZIP = { 'accept-encoding': 'gzip' };

const check: CheckSpec = {
  async warmup(context) {
    await context.http.getAcceptingGzip('/files/photo-1.jpg');
    await context.http.abortedDownload(`/files/${LOG}`, ABORT_AFTER, ACCEPTS_GZIP);
  },

  async traffic(context) {
    for (let round = 0; round < ROUNDS; round++) {
      await context.http.abortedDownloads(`/files/${LOG}`, ABORT_AFTER, CLIENTS_AT_ONCE, ACCEPTS_GZIP);
      // Scripts and older clients do not ask for gzip: their downloads take the other branch, and are cancelled too.
      await context.http.abortedDownloads(`/files/${LOG}`, ABORT_AFTER, PLAIN_CLIENTS_AT_ONCE);
      // And tabs closed before the first byte, while the handler still awaits the log's stat or open.
      for (let i = 0; i < EARLY_HANG_UPS; i++) await context.hangUpWhileReadingFile(`/files/${LOG}`, ACCEPTS_GZIP);
      await context.http.getAcceptingGzip(`/files/photo-${(round % 4) + 1}.jpg`);
      await context.http.get(`/files/photo-${(round % 4) + 1}.jpg`);
    }
  },

  async contract(context) {
    const { http, breach } = context;
    const size = fixtureSpec(LOG).bytes;

    const gzipped = await http.getAcceptingGzip(`/files/${LOG}`);
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

    const plain = await http.get(`/files/${LOG}`);
    if (plain.status !== 200) breach(`GET /files/${LOG} from a client without gzip answered ${plain.status} instead of 200.`);
    else if (plain.headers['content-encoding'] !== undefined) breach(`GET /files/${LOG} from a client that does not accept gzip was sent as ${plain.headers['content-encoding']}.`);
    else if (plain.sha256 !== fixtureSha256(LOG) || plain.headers['content-length'] !== String(size)) {
      breach(`GET /files/${LOG} from a client without gzip was not the exact file with its content-length (${plain.bytes} bytes, content-length ${plain.headers['content-length'] ?? 'none'}).`);
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
      bar: 4,
    },
  ],
  routes: { fileNames: ['GET /files/:name'], uploads: [] },
};

export default check;
