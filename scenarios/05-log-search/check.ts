/**
 * Scenario 05's check. Traffic: support searches a 16 MiB access log five
 * times (404s under /api/uploads, 503s, 500s, then the 500s under
 * /api/uploads twice, so that IDs are found again), then looks at the recent
 * request IDs. What must not stay: more string memory than the 500 recent
 * IDs need (24 characters each); the bar is a small multiple of that.
 * Contract: every search finds exactly the lines it asks for; the recent list
 * holds the last 500 IDs found, oldest first; a search without a valid status
 * is 400, an unknown log 404, an unsafe name 400.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, parseAccessLog, type AccessLogEntry } from '../../checker/fixtures.ts';
import { stringsRetaining } from '../../checker/select.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const LOG = 'access.log';
const RECENT_LIMIT = 500;
const ID_LENGTH = 24;

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

async function search(context: CheckContext, status: number, pathPrefix = ''): Promise<void> {
  const query = `/logs/${LOG}/search?status=${status}${pathPrefix ? `&path=${encodeURIComponent(pathPrefix)}` : ''}`;
  const wanted = logEntries()
    .filter((entry) => entry.status === status && entry.path.startsWith(pathPrefix))
    .map((entry) => entry.requestId);
  for (const id of wanted) {
    recent.delete(id);
    recent.add(id);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.values().next().value!);
  }
  const response = await context.http.get(query);
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
    // The next ticket narrows the last search, then asks it again: the IDs are found a second and a third time.
    await search(context, 500, '/api/uploads');
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
      name: 'log text kept by the recent request IDs',
      select: stringsRetaining(4 * 1024),
      unit: 'bytes',
      // The IDs need RECENT_LIMIT × ID_LENGTH bytes of characters, each in a string too small to select; allow 8 times that.
      bar: 8 * RECENT_LIMIT * ID_LENGTH,
      retainer: 'recentRequestIds',
    },
  ],
  routes: { fileNames: ['GET /logs/:name/search?status=500'], uploads: [] },
};

export default check;
