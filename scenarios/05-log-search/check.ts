/**
 * Scenario 05's check. Traffic: support searches a 16 MiB access log six
 * times (404s under /api/uploads, 503s, 500s, the 200s under /api/uploads,
 * ten thousand of them, then the 500s under /api/uploads twice, so that IDs
 * are found again), then looks at the recent request IDs; and ten searches
 * whose client hangs up while the log is being read. The log grows as they
 * run (health checks no search asks for), as a web server's does. What must not stay:
 * more string memory than the 500 recent IDs need (24 characters each), kept
 * as views of the log or as copies in any structure; the bar is a small
 * multiple of that; no Buffer of the log read kept (IDs as views of it);
 * and the files the abandoned searches opened.
 * Contract: every search finds exactly the lines it asks for; the recent list
 * holds the last 500 IDs found, oldest first; a search without a valid status
 * is 400, an unknown log 404, an unsafe name 400.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, parseAccessLog, type AccessLogEntry } from '../../checker/fixtures.ts';
import { openDescriptors } from '../../checker/instruments.ts';
import { arrayBuffersOutsidePool } from '../../checker/select.ts';
import type { CheckContext, CheckSpec, HeapSelector } from '../../checker/types.ts';

const LOG = 'access.log';
const RECENT_LIMIT = 500;
const ID_LENGTH = 24;
/** Searches whose client hangs up while the log is read: a search nobody waits for must still let go of its file. */
const ABANDONED_SEARCHES = 10;

/**
 * Strings of any size the traffic left alive: a log kept whole through the
 * views cut from it, and IDs copied into a structure that keeps every one
 * ever found (a cache, an intern pool) beside the bounded recent list.
 */
const keptStrings: HeapSelector = { describe: 'strings', matches: (node) => node.isString };

let entries: AccessLogEntry[] | null = null;
function logEntries(): AccessLogEntry[] {
  entries ??= parseAccessLog(readFileSync(path.join(FIXTURES_DIR, LOG), 'latin1'));
  return entries;
}

/** What the recent list must hold, kept the way the service promises: the last RECENT_LIMIT IDs found, oldest first. */
const recent = new Set<string>();

/** The `requestIds` list of a JSON answer, or null when there is none. */
function requestIdsIn(text: string): unknown[] | null {
  try {
    const ids = (JSON.parse(text) as { requestIds?: unknown }).requestIds;
    return Array.isArray(ids) ? ids : null;
  } catch {
    return null;
  }
}

/**
 * The web servers go on writing while support searches: health checks, which
 * no search asks for. A server that keeps the log it read last (and cuts the
 * IDs from it) reads a new one for every search, as in production.
 */
function healthChecks(): string {
  const at = new Date().toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1/$2/$3:$4 +0000');
  return Array.from({ length: 20 }, () => `10.0.0.7 - - [${at}] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.31" req=${randomBytes(12).toString('hex')} rt=0.001\n`).join('');
}

async function search(context: CheckContext, status: number, pathPrefix = ''): Promise<void> {
  await context.appendToStoredFile(LOG, healthChecks());
  const query = `/logs/${LOG}/search?status=${status}${pathPrefix ? `&path=${encodeURIComponent(pathPrefix)}` : ''}`;
  const wanted = logEntries()
    .filter((entry) => entry.status === status && entry.path.startsWith(pathPrefix))
    .map((entry) => entry.requestId);
  for (const id of wanted) {
    recent.delete(id);
    recent.add(id);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.values().next().value!);
  }
  // Room for every ID the log could answer with, so the whole list is compared.
  const response = await context.http.request(query, { keepTextBytes: 4 * 1024 * 1024 });
  if (response.status !== 200) {
    context.breach(`GET ${query} answered ${response.status} instead of 200.`);
    return;
  }
  const found = requestIdsIn(response.text);
  if (!found || found.join() !== wanted.join()) {
    context.breach(`GET ${query} found ${found ? found.length : 'no'} request IDs; the log has ${wanted.length} such lines, and their IDs are what it must answer, in order.`);
  }
}

const check: CheckSpec = {
  async warmup(context) {
    // A new server has found no IDs yet: forget a previous check's (several checks can share one process).
    recent.clear();
    await search(context, 503, '/api/search');
    await context.http.get('/logs/recent-request-ids');
  },

  async traffic(context) {
    await search(context, 404, '/api/uploads');
    await search(context, 503);
    await search(context, 500);
    // Did the customer's uploads go through? Ten thousand IDs, each found once.
    await search(context, 200, '/api/uploads');
    // The next ticket narrows the 500s to /api/uploads: asked ten times by clients that give up, then twice to the end, so
    // that the IDs are found a second and a third time, and whatever an abandoned search found is found again after it.
    for (let i = 0; i < ABANDONED_SEARCHES; i++) await context.hangUpWhileStreamingFile(`/logs/${LOG}/search?status=500&path=${encodeURIComponent('/api/uploads')}`);
    await search(context, 500, '/api/uploads');
    // Other IDs found in between (the 54 503s of /api/uploads: few enough that all the 500s stay listed), then the same
    // ones again: a re-found ID must move to the end of the list.
    await search(context, 503, '/api/uploads');
    await search(context, 500, '/api/uploads');
    await context.http.get('/logs/recent-request-ids');
  },

  async contract(context) {
    const { http, breach } = context;
    const response = await http.get('/logs/recent-request-ids');
    const listed = response.status === 200 ? requestIdsIn(response.text) : null;
    if (!listed || listed.join() !== [...recent].join()) {
      breach(`GET /logs/recent-request-ids must list the last ${RECENT_LIMIT} request IDs the searches found, oldest first; it answered ${response.status} with ${listed ? `${listed.length} IDs, not those` : 'no list'}.`);
    }
    const noStatus = await http.get(`/logs/${LOG}/search`);
    if (noStatus.status !== 400) breach(`GET /logs/${LOG}/search without ?status= answered ${noStatus.status} instead of 400.`);
    const unknown = await http.get('/logs/no-such.log/search?status=500');
    if (unknown.status !== 404) breach(`GET /logs/no-such.log/search?status=500 answered ${unknown.status} instead of 404.`);
    const traversal = await http.get('/logs/..%2f..%2fetc%2fpasswd/search?status=500');
    if (traversal.status !== 400) breach(`GET /logs/..%2f..%2fetc%2fpasswd/search answered ${traversal.status}: names with a path must be refused (400).`);
  },

  measures: [
    {
      kind: 'heap',
      name: 'strings kept after the searches',
      select: keptStrings,
      unit: 'bytes',
      // The IDs need RECENT_LIMIT × ID_LENGTH bytes of characters (and a string's header each); allow 8 times the characters.
      bar: 8 * RECENT_LIMIT * ID_LENGTH,
      retainer: 'recentRequestIds',
    },
    {
      kind: 'heap',
      name: 'log bytes kept as Buffers after the searches',
      // Not the slab Node cuts its next small Buffers from (64 KiB on Node 24): it is nobody's leak.
      select: arrayBuffersOutsidePool(64 * 1024),
      unit: 'bytes',
      bar: 8 * RECENT_LIMIT * ID_LENGTH,
      retainer: 'recentRequestIds',
      guards: 'a fix that keeps each ID as a view of the Buffer the log was read into (buffer.subarray) keeps the whole read: 16 MiB for each search',
    },
    {
      kind: 'resources',
      name: 'log files left open by the searches whose client hung up',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 2,
      guards: 'a search that stops reading when its client hangs up, and never closes its file',
    },
  ],
  growingFiles: [LOG],
  routes: { fileNames: ['GET /logs/:name/search?status=500'], uploads: [] },
};

export default check;
