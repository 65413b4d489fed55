/**
 * Scenario 10's check. Traffic: a normal day, with successes, failures and
 * clients that hang up: photo downloads and uploads that work; downloads of
 * files that are not there (404) and of names that are refused (400); video
 * downloads and uploads the client abandons halfway; requests that no route
 * matches (404 from Express itself); the studio app's checks, over a
 * connection that stays open while the memory is read. What must not stay:
 * the request objects (IncomingMessage) of requests that are over, whatever
 * their ending, nor the memory they keep with their responses and sockets;
 * nor an upload's body (as Buffers or as a string); nor a timer; nor
 * anything the server's state gains once the trace log is full (the warm-up's
 * crawler and phone clients, with uploads abandoned and refused among them,
 * fill it, the heap is numbered, 200 more like them and the traffic follow: a
 * log of its last 200 lines holds what it held).
 * Contract: downloads are byte-exact and uploads stored byte-exact; responses
 * carry an X-Request-Id; GET /trace/recent lists every request, a success, a
 * 404 (from a route, or for a path no route matches) and one whose client
 * hung up alike, with its id, route, status, duration and user agent; missing
 * files are 404, unsafe names 400, oversized uploads 413.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fixtureSha256, generateBytes, sha256 } from '../../checker/fixtures.ts';
import { liveTimers } from '../../checker/instruments.ts';
import { anyOf, arrayBuffers, instancesOf, stringsRetaining } from '../../checker/select.ts';
import type { HttpClient } from '../../checker/traffic.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const PHOTOS = ['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg', 'photo-4.jpg'];
const MiB = 1024 * 1024;
const UPLOAD_BYTES = 3 * MiB;
const USER_AGENT = 'StudioApp/4.2 (check)';
const UNMATCHED = [
  ['GET', '/favicon.ico'],
  ['GET', '/old/links/gallery-2019.html'],
  ['POST', '/files/photo-1.jpg'],
  ['DELETE', '/uploads/photo-1.jpg'],
] as const;
const CANCELLED_DOWNLOAD = 'StudioApp/4.2 (check; download cancelled)';
const CANCELLED_UPLOAD = 'StudioApp/4.2 (check; upload cancelled)';
const LOG_FULL = 'the trace log full';

interface TraceLine {
  id?: unknown;
  route?: unknown;
  status?: unknown;
  ms?: unknown;
  userAgent?: unknown;
}

/** Download a photo; returns the response's X-Request-Id when the download was right. */
async function download(context: CheckContext, name: string, client: Pick<HttpClient, 'get'> = context.http): Promise<string | undefined> {
  const response = await client.get(`/files/${name}`, { 'user-agent': USER_AGENT });
  if (response.status !== 200) context.breach(`GET /files/${name} answered ${response.status} instead of 200.`);
  else if (response.sha256 !== fixtureSha256(name)) context.breach(`GET /files/${name} sent ${response.bytes} bytes that are not the file's contents.`);
  else return requestId(response.headers['x-request-id']);
  return undefined;
}

/** Upload a photo; returns the response's X-Request-Id when the upload was stored right. */
async function upload(context: CheckContext, name: string): Promise<string | undefined> {
  const body = generateBytes(name, UPLOAD_BYTES);
  const response = await context.http.request(`/uploads/${name}`, { method: 'PUT', body, headers: { 'user-agent': USER_AGENT } });
  if (response.status !== 201) {
    context.breach(`PUT /uploads/${name} answered ${response.status} instead of 201.`);
    return undefined;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored || sha256(stored) !== sha256(body)) context.breach(`The upload ${name} was not stored byte-exact.`);
  return requestId(response.headers['x-request-id']);
}

function requestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/** A day's traffic: successes, failures, and clients that hang up. */
async function day(context: CheckContext, round: number, size: number): Promise<void> {
  const { http } = context;
  for (let i = 0; i < size; i++) {
    await download(context, PHOTOS[i % PHOTOS.length]!);
    await upload(context, `upload-${round}-${i}.jpg`);
    await http.get(`/files/no-such-photo-${round}-${i}.jpg`);
    await http.abortedDownload('/files/video-1.mp4', MiB);
    await http.abortedUpload(`/uploads/dropped-${round}-${i}.jpg`, generateBytes(`dropped-${i}.jpg`, UPLOAD_BYTES), MiB);
  }
}

/** Photos the studio app asks for over its kept-open connection before it uploads a shoot (each a 404). */
const APP_SYNC_CHECKS = 48;

/** The warm-up's crawler and phone clients: enough requests to fill the trace log (its last 200 lines), then more. */
const TO_FILL_THE_LOG = 200;
const REPEATED = 200;
const HANG_UP_AFTER = 64 * 1024;

/** What a phone sends of a photo before it loses its signal, and the photo's size. */
const PHONE_UPLOAD_BYTES = 256 * 1024;
/** One upload abandoned for every six requests of the crawler and the phones. */
const PHONES_PER_DROPPED_UPLOAD = 6;

/**
 * A crawler and the phone clients, `count` requests: old links that answer 404 (from a route, and from Express
 * itself), videos abandoned after 64 KiB, photos abandoned before their first byte, while the server opens the
 * file, uploads abandoned after 64 KiB, and uploads refused for their size (413). Names of one length, so each
 * part's trace lines weigh the same.
 */
async function crawlerAndPhones(context: CheckContext, part: 'a' | 'b', count: number): Promise<void> {
  const crawler = context.http.keepAlive();
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(3, '0');
    if (i % 12 === 11) await context.hangUpWhileReadingFile(`/files/photo-${1 + (i % 4)}.jpg`, { 'user-agent': CANCELLED_DOWNLOAD });
    else if (i % 6 === 5) await context.http.abortedDownload('/files/video-1.mp4', HANG_UP_AFTER, { 'user-agent': CANCELLED_DOWNLOAD });
    else if (i % 4 === 1) {
      const refused = await context.http.request(`/uploads/too-big-${part}-${n}.jpg`, { method: 'PUT', headers: { 'content-length': String(64 * MiB), 'user-agent': USER_AGENT } }).catch(() => null);
      if (refused && refused.status !== 413) context.breach(`An upload announced as 64 MiB was answered ${refused.status} instead of 413.`);
    } else if (i % 2) await crawler.get(`/files/gone-${part}-${n}.jpg`, { 'user-agent': USER_AGENT });
    else await crawler.get(`/old/links/${part}-${n}.html`, { 'user-agent': USER_AGENT });
  }
  // Phones that lose their signal halfway through an upload, after the rest: a client that hangs up without waiting for
  // an answer may reach the server after the next request, and none of these may arrive while a read is held.
  for (let i = 0; i < count / PHONES_PER_DROPPED_UPLOAD; i++) {
    const name = `dropped-${part}-${String(i).padStart(3, '0')}.jpg`;
    await context.http.abortedUpload(`/uploads/${name}`, generateBytes(name, PHONE_UPLOAD_BYTES), HANG_UP_AFTER, 'PUT', { 'user-agent': CANCELLED_UPLOAD });
  }
  crawler.close();
  await context.settle();
}

const check: CheckSpec = {
  async warmup(context) {
    await day(context, 0, 2);
    await context.http.get('/files/..%2fescape.jpg');
    await context.http.get('/old/links/warmup.html');
    await context.http.get('/trace/recent');
    // Once the trace log is full, more requests, then the traffic: what the server's state holds must not grow with them.
    await crawlerAndPhones(context, 'a', TO_FILL_THE_LOG);
    await context.checkpoint(LOG_FULL);
    await crawlerAndPhones(context, 'b', REPEATED);
  },

  async traffic(context) {
    await day(context, 1, 4);
    // The studio app keeps its connection open between requests, and for as long as the check measures.
    const app = context.http.keepAlive();
    for (let i = 0; i < 4; i++) await download(context, PHOTOS[i % PHOTOS.length]!, app);
    await app.get('/files/no-such-photo-kept-alive.jpg', { 'user-agent': USER_AGENT });
    // Before it uploads, the app asks for each photo of a shoot whether the studio has it yet: what a server keeps per
    // request on the connection (a history of it) grows for as long as the connection lives, hours in the studio.
    for (let i = 0; i < APP_SYNC_CHECKS; i++) await app.get(`/files/shoot-${String(i).padStart(3, '0')}.jpg`, { 'user-agent': USER_AGENT });
    for (let i = 0; i < 4; i++) await context.http.get(`/files/..%2fescape-${i}.jpg`);
    // Requests no route matches (a crawler's old links, a browser's favicon, a wrong method): Express answers them 404 itself.
    for (const [method, route] of UNMATCHED) await context.http.request(route, { method });
  },

  async contract(context) {
    const { http, breach } = context;
    const contractStarted = performance.now();
    const downloaded = { request: 'GET /files/photo-2.jpg', status: 200, id: await download(context, 'photo-2.jpg') };
    const uploaded = { request: 'PUT /uploads/contract.jpg', status: 201, id: await upload(context, 'contract.jpg') };
    const notFound = await http.get('/files/no-such-photo.jpg', { 'user-agent': USER_AGENT });
    if (notFound.status !== 404) breach(`GET /files/no-such-photo.jpg answered ${notFound.status} instead of 404.`);
    const missing = { request: 'GET /files/no-such-photo.jpg', status: 404, id: requestId(notFound.headers['x-request-id']) };
    const oldLink = await http.get('/old/links/contract.html', { 'user-agent': USER_AGENT });
    const unmatched = { request: 'GET /old/links/contract.html', status: 404, id: requestId(oldLink.headers['x-request-id']) };
    // Clients that hang up are traced too, by their user agent: an abandoned upload never got an id to match.
    await http.abortedDownload('/files/video-1.mp4', MiB, { 'user-agent': CANCELLED_DOWNLOAD });
    await http.abortedUpload('/uploads/contract-dropped.jpg', generateBytes('contract-dropped.jpg', UPLOAD_BYTES), MiB, 'PUT', { 'user-agent': CANCELLED_UPLOAD });
    // The server learns of a hang-up when it reads it: wait until it has closed those connections.
    await context.settle();
    const recent = await http.get('/trace/recent');
    let lines: TraceLine[] = [];
    if (recent.status !== 200) breach(`GET /trace/recent answered ${recent.status} instead of 200 with the latest trace lines.`);
    else {
      try {
        lines = JSON.parse(recent.text) as TraceLine[];
      } catch {
        breach('GET /trace/recent answered with something that is not JSON.');
      }
    }
    if (!Array.isArray(lines)) lines = [];
    for (const expected of [downloaded, uploaded, missing, unmatched]) {
      if (!expected.id) {
        breach(`${expected.request} was answered without an X-Request-Id header.`);
        continue;
      }
      const line = lines.find((candidate) => candidate.id === expected.id);
      if (!line) {
        if (recent.status === 200) breach(`GET /trace/recent does not list the request ${expected.request} (X-Request-Id ${expected.id}) that was just answered.`);
        continue;
      }
      if (line.route !== expected.request || line.status !== expected.status || line.userAgent !== USER_AGENT || typeof line.ms !== 'number') {
        breach(`GET /trace/recent lists ${expected.request} as ${JSON.stringify(line)}; expected its route, status ${expected.status}, duration (ms) and user agent "${USER_AGENT}".`);
      } else if (!(line.ms >= 0 && line.ms <= Math.ceil(performance.now() - contractStarted) + 1)) {
        // A duration is the time the request took: never negative, never longer than the contract has run.
        breach(`GET /trace/recent lists ${expected.request} as taking ${line.ms} ms; a request of this contract took between 0 and ${Math.ceil(performance.now() - contractStarted)} ms. Are its start and end read from the same clock (performance.now() both, or Date.now() both)?`);
      }
    }
    for (const [request, userAgent] of [
      ['GET /files/video-1.mp4', CANCELLED_DOWNLOAD],
      ['PUT /uploads/contract-dropped.jpg', CANCELLED_UPLOAD],
    ] as const) {
      if (recent.status === 200 && !lines.some((line) => line.route === request && line.userAgent === userAgent)) {
        breach(`GET /trace/recent has no line for ${request} from "${userAgent}", whose client hung up after 1 MiB: a request that ends early must be traced too.`);
      }
    }
    const traversal = await http.get('/files/..%2f..%2fpackage.json');
    if (traversal.status !== 400) breach(`GET /files/..%2f..%2fpackage.json answered ${traversal.status}: names with a path must be refused (400).`);
    const oversized = await http.request('/uploads/huge.jpg', { method: 'PUT', headers: { 'content-length': String(64 * MiB) } }).catch(() => null);
    if (oversized && oversized.status !== 413) breach(`An upload announced as 64 MiB was answered ${oversized.status} instead of 413.`);
  },

  measures: [
    {
      kind: 'heap',
      name: 'requests still kept after they ended',
      select: instancesOf('IncomingMessage'),
      unit: 'objects',
      bar: 2,
      retainer: 'activeTraces',
    },
    {
      kind: 'heap',
      name: 'memory kept by requests that ended',
      select: anyOf(instancesOf('IncomingMessage'), instancesOf('ServerResponse'), instancesOf('Socket')),
      unit: 'bytes',
      bar: 32 * 1024,
      retainer: 'activeTraces',
    },
    {
      kind: 'heap',
      name: 'upload and file bytes kept after the traffic',
      // An upload's body, whole or the part a client sent before it hung up, as Buffers or as a string (latin1, base64).
      select: anyOf(arrayBuffers(64 * 1024), stringsRetaining(64 * 1024)),
      unit: 'bytes',
      // Each object it counts is 64 KiB or more: two are a body kept (a fixed server keeps none).
      bar: 128 * 1024,
      retainer: 'activeTraces',
      guards: 'a fix that keeps the bodies of uploads (the ones that succeeded, to replay them, or what abandoned ones sent), as Buffers or as strings',
    },
    {
      kind: 'resources',
      name: 'timers still running after the traffic',
      instruments: [liveTimers],
      unit: 'objects',
      bar: 0,
      guards: 'a fix that cleans up after a failed or abandoned request on a timer (a retry, a sweep, a delayed delete) and never clears it',
      advice: 'A timer started for a request must end with it: clearTimeout or clearInterval once its work is done, for a request that failed or was abandoned too.',
    },
    {
      kind: 'growth',
      name: `memory your server's state gained over the traffic and ${REPEATED} requests before it, once the trace log was full`,
      from: LOG_FULL,
      unit: 'bytes',
      bar: 4 * 1024,
      retainer: 'activeTraces',
      advice: `Something keeps a little of every request (or of every 404, every refused or abandoned upload, or every client that hung up) and never lets it go: an entry in a Map or a Set, an element of an array, a property of an object. The trace log may keep its last 200 lines, and nothing more.`,
    },
  ],
  routes: { fileNames: ['GET /files/:name', 'PUT /uploads/:name'], uploads: ['PUT /uploads/:name'] },
};

export default check;
