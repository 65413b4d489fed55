/**
 * The requests `npm run probe` repeats, as the command line or a traffic file
 * describes them, and one round of them sent to the server.
 *
 *   "GET /files/photo-1.jpg"                      a request, read to the end
 *   "GET /files/photo-{n}.jpg?v={n}"               {n} is the round number (1, 2, 3…): fresh URLs every round
 *   "GET /thumbnails/{n%4}.png"                    {n%K} cycles through K keys (0 … K-1): the same few URLs again and again
 *   "PUT /uploads/photo-{n}.jpg @photo.jpg"        the body is the file's bytes
 *   "PUT /uploads/dropped-{n}.jpg @photo.jpg abort=1MiB"
 *                                                  the client hangs up after 1 MiB of the body (or, for a
 *                                                  request without a body, after 1 MiB of the response)
 *
 * A traffic file is JSON: { "requests": [ "GET /a", { "method": "PUT", "path": "/b/{n}", "headers": {…},
 * "body": "file.bin", "abort": "1MiB" } ], "rounds": 8, "warmup": 3 }. Body files are relative to it.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';
import { formatBytes } from './format.ts';
import type { HttpClient } from './traffic.ts';

export interface ProbeRequest {
  readonly method: string;
  /** May hold `{n}`, replaced by the round number. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Absolute path of the body file. */
  readonly bodyFile?: string;
  /** Hang up after this many bytes (of the body sent, or of the response read when there is no body). */
  readonly abortAfterBytes?: number;
}

export interface TrafficFile {
  readonly requests: readonly ProbeRequest[];
  readonly rounds?: number;
  readonly warmup?: number;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const UNITS: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1000 ** 2, mib: 1024 ** 2, gb: 1000 ** 3, gib: 1024 ** 3 };

/** "1MiB", "512KiB", "4096" → bytes. */
export function parseByteSize(text: string, where: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(text.trim());
  const bytes = match ? Math.round(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`${where}: "${text}" is not a size (write it as 4096, 512KiB or 1MiB).`);
  return bytes;
}

function bodyFile(file: string, baseDir: string, where: string): string {
  const absolute = path.resolve(baseDir, file);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) throw new UsageError(`${where}: there is no body file ${absolute}.`);
  return absolute;
}

/** One `--request` value: "METHOD /path [@bodyfile] [abort=SIZE]". */
export function parseRequest(text: string, headers: Readonly<Record<string, string>> = {}, baseDir = process.cwd()): ProbeRequest {
  const where = `--request "${text}"`;
  const [method, requestPath, ...rest] = text.trim().split(/\s+/);
  if (!method || !METHODS.includes(method.toUpperCase()) || !requestPath) {
    throw new UsageError(`${where} is not a request. Write it as a method and a path, e.g. --request "GET /files/photo-1.jpg" or --request "PUT /uploads/x.jpg @photo.jpg".`);
  }
  if (!requestPath.startsWith('/')) throw new UsageError(`${where}: the path must start with / (the server is on 127.0.0.1, the probe adds the rest).`);
  let file: string | undefined;
  let abortAfterBytes: number | undefined;
  // abort=SIZE is one word; what is left is @file, whose path may have spaces in it (C:\Users\First Last\…).
  let remainder = rest.join(' ');
  const abort = /(?:^|\s)abort=(\S*)/i.exec(remainder);
  if (abort) {
    abortAfterBytes = parseByteSize(abort[1]!, where);
    remainder = (remainder.slice(0, abort.index) + remainder.slice(abort.index + abort[0].length)).trim();
  }
  if (remainder.startsWith('@') && remainder.length > 1) file = bodyFile(remainder.slice(1).replace(/^(["'])(.*)\1$/, '$2'), baseDir, where);
  else if (remainder) throw new UsageError(`${where}: "${remainder}" is neither a body file (@file) nor abort=SIZE.`);
  return { method: method.toUpperCase(), path: requestPath, headers, ...(file ? { bodyFile: file } : {}), ...(abortAfterBytes ? { abortAfterBytes } : {}) };
}

/** One `--header` value: "name: value". */
export function parseHeader(text: string): [string, string] {
  const at = text.indexOf(':');
  const name = at > 0 ? text.slice(0, at).trim() : '';
  if (!name || /\s/.test(name)) throw new UsageError(`--header "${text}" is not a header. Write it as --header "name: value".`);
  return [name.toLowerCase(), text.slice(at + 1).trim()];
}

export function readTrafficFile(file: string): TrafficFile {
  const where = `The traffic file ${file}`;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `There is no traffic file ${file}.` : `${where} is not JSON: ${(error as Error).message}`);
  }
  const object = data as { requests?: unknown; rounds?: unknown; warmup?: unknown };
  if (!object || typeof object !== 'object' || !Array.isArray(object.requests) || object.requests.length === 0) {
    throw new UsageError(`${where} must be an object with a "requests" list, e.g. { "requests": ["GET /files/photo-1.jpg"] }.`);
  }
  const baseDir = path.dirname(path.resolve(file));
  const requests = object.requests.map((entry: unknown, index): ProbeRequest => {
    if (typeof entry === 'string') return parseRequest(entry, {}, baseDir);
    const item = entry as { method?: unknown; path?: unknown; headers?: unknown; body?: unknown; abort?: unknown };
    if (!item || typeof item !== 'object' || typeof item.method !== 'string' || typeof item.path !== 'string') {
      throw new UsageError(`${where}: requests[${index}] needs a "method" and a "path" (or is a string such as "GET /path").`);
    }
    const words = [item.method, item.path];
    if (item.body !== undefined) words.push(`@${String(item.body)}`);
    if (item.abort !== undefined) words.push(`abort=${String(item.abort)}`);
    const headers: Record<string, string> = {};
    if (item.headers !== undefined) {
      if (typeof item.headers !== 'object' || item.headers === null) throw new UsageError(`${where}: requests[${index}].headers must be an object of strings.`);
      for (const [name, value] of Object.entries(item.headers)) headers[name.toLowerCase()] = String(value);
    }
    return parseRequest(words.join(' '), headers, baseDir);
  });
  const count = (value: unknown, name: string): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || (value as number) < (name === 'warmup' ? 0 : 2)) throw new UsageError(`${where}: "${name}" must be a whole number${name === 'warmup' ? '' : ', 2 or more'}.`);
    return value as number;
  };
  return { requests, rounds: count(object.rounds, 'rounds'), warmup: count(object.warmup, 'warmup') };
}

/** A path or header value with the round number filled in: {n} is the round, {n%K} the round modulo K. */
export function fillRound(text: string, round: number): string {
  return text.replaceAll('{n}', String(round)).replace(/\{n%(\d+)\}/g, (_, keys: string) => String(round % Number(keys)));
}

/** The request line with the round number filled in. */
export function requestPath(request: ProbeRequest, round: number): string {
  return fillRound(request.path, round);
}

/**
 * The cookies a client keeps from one response to the next request, as a
 * browser does (by name; attributes such as Path and Expires are not
 * weighed). A probe without one plays a client that keeps none: a bot, a
 * health check, a script.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Keep what a response's Set-Cookie headers set; a cookie set to expire is dropped. */
  take(setCookie: string | readonly string[] | undefined): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const pair = line.split(';', 1)[0]!;
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const expired = /;\s*max-age=0\b/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line);
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1).trim());
    }
  }

  /** The Cookie header to send, or undefined when there is none. */
  header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }
}

export function describeRequest(request: ProbeRequest): string {
  const body = request.bodyFile ? ` @${path.basename(request.bodyFile)}` : '';
  const abort = request.abortAfterBytes ? ` abort=${formatBytes(request.abortAfterBytes).replace(' ', '')}` : '';
  return `${request.method} ${request.path}${body}${abort}`;
}

/** Statuses answered, by request (as written, with {n}), for the report. */
export type StatusCounts = Map<string, Map<string, number>>;

/** Send every request once, one after the other, each on its own connection. */
export async function sendRound(http: HttpClient, requests: readonly ProbeRequest[], round: number, bodies: Map<string, Buffer>, statuses: StatusCounts, jar: CookieJar | null): Promise<void> {
  for (const request of requests) {
    const target = requestPath(request, round);
    const cookie = jar?.header();
    const headers: Record<string, string> = { ...(cookie ? { cookie } : {}) };
    // Headers vary by round too: a cache keyed by User-Agent or tenant sees a new client each round.
    for (const [name, value] of Object.entries(request.headers)) headers[name] = fillRound(value, round);
    let body: Buffer | undefined;
    if (request.bodyFile) {
      body = bodies.get(request.bodyFile);
      if (!body) bodies.set(request.bodyFile, (body = readFileSync(request.bodyFile)));
    }
    let status: string;
    if (request.abortAfterBytes && body) {
      await http.abortedUpload(target, body, Math.min(request.abortAfterBytes, Math.max(body.length - 1, 0)), request.method);
      status = 'hung up';
    } else if (request.abortAfterBytes) {
      await http.abortedDownload(target, request.abortAfterBytes, headers);
      status = 'hung up';
    } else {
      const response = await http.request(target, { method: request.method, headers, ...(body ? { body } : {}) });
      jar?.take(response.headers['set-cookie']);
      status = String(response.status);
    }
    const key = describeRequest(request);
    const counts = statuses.get(key) ?? new Map<string, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    statuses.set(key, counts);
  }
}
