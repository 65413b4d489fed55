/**
 * Real HTTP on loopback, as production clients would send it: whole downloads,
 * uploads, clients that give up halfway. One connection per request, so the
 * server holds no idle keep-alive sockets when the check settles.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import zlib, { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { CouldNotCheck } from './errors.ts';

export interface Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly bytes: number;
  readonly sha256: string;
  /** The body as text, kept only when it is small (error messages, JSON). */
  readonly text: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** The check means this request to fail on the server (a corrupt upload, say): a 5xx answer is no sign of a broken server. */
  readonly expectServerError?: boolean;
  /** How long the whole exchange may take, when the check makes it slow on purpose (a disk that stalls); the client's default otherwise. */
  readonly timeoutMs?: number;
  /** Send the body chunked, without a Content-Length, as clients that stream do: the server learns the size only by reading. */
  readonly chunked?: boolean;
  /** The connection to send it on (a keep-alive one); a connection of its own, closed after the response, otherwise. */
  readonly agent?: http.Agent;
  /** Keep this much of the body as `text`, for a JSON answer larger than an error message (a search's thousands of IDs). */
  readonly keepTextBytes?: number;
}

/** A 5xx answer the check did not ask for. */
export interface ServerError {
  readonly request: string;
  readonly status: number;
}

const KEEP_TEXT_BYTES = 64 * 1024;

/**
 * `fields` with the body's first bytes as `text`, decoded when first read: most bodies are files whose text no one
 * reads, and decoding 64 KiB of a photo as UTF-8 for every download cost a check half a second.
 */
function withText<T extends object>(fields: T, kept: readonly Buffer[], keepBytes = KEEP_TEXT_BYTES): T & { readonly text: string } {
  let text: string | undefined;
  return Object.defineProperty(fields, 'text', { enumerable: true, get: () => (text ??= Buffer.concat(kept).subarray(0, keepBytes).toString('utf8')) }) as T & { readonly text: string };
}
/** Steps of the check's clients remembered, to tell what came just before a crash. */
const TRAIL_LENGTH = 6;
/** Requests remembered with their times, to tell which were in flight at a peak (a check sends a few hundred). */
const MAX_SPANS = 20_000;

/** Now, in milliseconds since the epoch, to the fraction: the same clock in the checker and in the server's process. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** zstd came to node:zlib in Node 22.15; a server can only send it when its Node, the checker's, has it. */
const createZstdDecompress = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;

/** A stream that undoes `encoding` (a `content-encoding`), or undefined for a body sent as it is. */
function decoderFor(encoding: string): Transform | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  if (encoding === 'zstd' && createZstdDecompress) return createZstdDecompress();
  return undefined;
}

/** More awaits on the file store than a download handler needs (a stat, an open, a stat again): hang-ups stop there. */
export const MAX_AWAITS_ON_FILES = 4;

/** How many clients hangUpAtEachAwait may send, at most, for `clients` (one per client at each await, up to MAX_AWAITS_ON_FILES). */
export function maxHangUpAttempts(clients: number): number {
  return clients * MAX_AWAITS_ON_FILES;
}

export class HttpClient {
  /** Requests answered 5xx that were not meant to fail, in order. */
  readonly serverErrors: ServerError[] = [];

  constructor(
    readonly port: number,
    private readonly timeoutMs: number,
    /** Loopback: the server under the harness listens on 127.0.0.1; an attached service on its own address. */
    readonly host = '127.0.0.1',
  ) {}

  /** What the check's clients did last, newest last (`at`: epochMs()): a server that crashes is told with what it was asked just before. */
  readonly trail: { readonly at: number; readonly what: string }[] = [];
  /** Every request the check's clients sent, with when it was sent and when its connection closed (epochMs()). */
  private readonly spans: { readonly what: string; readonly sentAt: number; closedAt?: number }[] = [];

  private note(what: string): void {
    this.trail.push({ at: epochMs(), what });
    if (this.trail.length > TRAIL_LENGTH) this.trail.shift();
  }

  /** The requests in flight at `at` (epochMs()), the latest sent first: "PUT /uploads/a.bin". */
  inFlightAt(at: number): string[] {
    return this.spans.filter((span) => span.sentAt <= at && (span.closedAt === undefined || span.closedAt >= at)).map((span) => span.what).reverse();
  }

  /**
   * Every request of the check's clients starts here: it goes on the trail, and so does a hang-up (the client
   * destroying its request before the whole answer came). `end`: send no body (a GET).
   */
  private open(options: http.RequestOptions & { path: string }, end: boolean): http.ClientRequest {
    const encoding = options.headers && !Array.isArray(options.headers) ? (options.headers as Record<string, unknown>)['accept-encoding'] : undefined;
    const what = `${options.method ?? 'GET'} ${options.path}${typeof encoding === 'string' ? ` (accept-encoding: ${encoding})` : ''}`;
    this.note(`sent ${what}`);
    const request = http.request({ host: this.host, port: this.port, ...options });
    const span: { what: string; sentAt: number; closedAt?: number } = { what, sentAt: epochMs() };
    if (this.spans.length < MAX_SPANS) this.spans.push(span);
    request.once('close', () => (span.closedAt = epochMs()));
    let answered = false;
    request.on('response', (response) => response.once('end', () => (answered = true)));
    const destroy = request.destroy.bind(request);
    request.destroy = (error?: Error): typeof request => {
      if (!answered && !request.destroyed) this.note(`hung up on ${what} before the end of its answer`);
      return destroy(error);
    };
    if (end) request.end();
    return request;
  }

  private describe(method: string, path: string): string {
    return `${method} ${path}`;
  }

  private noAnswer(method: string, path: string, timeoutMs = this.timeoutMs): CouldNotCheck {
    return new CouldNotCheck(
      'request hung',
      `${this.describe(method, path)} got no complete response within ${timeoutMs / 1000} s. Does every path through the handler end the response (res.send, res.end, next(error))?`,
    );
  }

  private refused(method: string, path: string, error: Error): CouldNotCheck {
    const closed = /socket hang up|ECONNRESET/.test(error.message);
    return new CouldNotCheck(
      'connection failed',
      closed
        ? `${this.describe(method, path)}: the server closed the connection before a complete response (${error.message}). Does some path through the handler destroy the request or response instead of answering?`
        : `${this.describe(method, path)} failed: ${error.message}.`,
    );
  }

  /** Send a request and read the whole response, hashing the body as it streams. */
  request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? (options.body ? 'PUT' : 'GET');
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.body && options.chunked) headers['transfer-encoding'] = 'chunked';
      else if (options.body) headers['content-length'] = String(options.body.length);
      const request = this.open({ path, method, headers, agent: options.agent ?? false }, false);
      const timer = setTimeout(() => {
        request.destroy();
        reject(this.noAnswer(method, path, timeoutMs));
      }, timeoutMs);
      let answered = false;
      request.on('error', (error) => {
        // A server may answer before it has read the whole body (a 413, a 500 for a disk that is full) and close the
        // connection: the body's last writes then fail (EPIPE), while its answer is there to read. The answer decides.
        if (answered) return;
        clearTimeout(timer);
        reject(this.refused(method, path, error));
      });
      request.on('response', (response) => {
        answered = true;
        const hash = createHash('sha256');
        const kept: Buffer[] = [];
        const keepBytes = options.keepTextBytes ?? KEEP_TEXT_BYTES;
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          if (bytes < keepBytes) kept.push(chunk);
          bytes += chunk.length;
        });
        response.on('end', () => {
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          if (status >= 500 && !options.expectServerError) this.serverErrors.push({ request: this.describe(method, path), status });
          resolve(withText({ status: response.statusCode ?? 0, headers: response.headers, bytes, sha256: hash.digest('hex') }, kept, keepBytes));
        });
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(this.refused(method, path, error));
        });
      });
      request.end(options.body);
    });
  }

  get(path: string, headers?: Record<string, string>): Promise<Response> {
    return this.request(path, { headers });
  }

  private readonly keptAlive = new Set<KeptAliveConnection>();

  /**
   * A client that keeps its connection open between requests, as browsers
   * and API clients do: its requests go one after another over one socket,
   * which stays open, idle, until `close()` (or the end of the check). The
   * harness does not wait for it to close before it measures.
   */
  keepAlive(): KeptAliveConnection {
    const connection = new KeptAliveConnection(this);
    this.keptAlive.add(connection);
    return connection;
  }

  /** Close every kept-alive connection still open. */
  closeKeptAlive(): void {
    for (const connection of this.keptAlive) connection.close();
    this.keptAlive.clear();
  }

  /**
   * Start a download and stop reading it: the response stays in flight until
   * `release` reads the rest or `abort` hangs up. Resolves once the first bytes
   * of the body have arrived. `headers`: the request's own (an `accept-encoding`).
   */
  startPausedDownload(path: string, headers?: Record<string, string>): Promise<PausedDownload> {
    return new Promise((resolve, reject) => {
      const request = this.open({ path, agent: false, headers }, true);
      const timer = setTimeout(() => {
        request.destroy();
        reject(this.noAnswer('GET', path));
      }, this.timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(this.refused('GET', path, error));
      });
      request.on('response', (response) => {
        response.once('readable', () => {
          clearTimeout(timer);
          response.pause();
          resolve(new PausedDownload(request, response, () => this.noAnswer('GET', path), this.timeoutMs));
        });
      });
    });
  }

  /** Download until `bytes` have arrived, then hang up, as a client that gives up would. */
  async abortedDownload(path: string, bytes: number, headers?: Record<string, string>): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const request = this.open({ path, agent: false, headers }, true);
      const timer = setTimeout(() => {
        request.destroy();
        reject(this.noAnswer('GET', path));
      }, this.timeoutMs);
      let received = 0;
      request.on('error', () => undefined);
      request.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      request.on('response', (response) => {
        response.on('error', () => undefined);
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= bytes) request.destroy();
        });
      });
    });
  }

  /**
   * Send GET `path` (or an upload's headers, without its body) and keep the
   * connection open without reading: `hangUp` destroys it and resolves once
   * the client side has closed. `answered` resolves if the server's first
   * byte arrives first.
   */
  openRequest(path: string, headers?: Record<string, string>, method = 'GET'): OpenRequest {
    const request = this.open({ path, method, agent: false, headers }, false);
    // A GET ends here; an upload sends its headers now and never a byte of its body.
    if (method === 'GET' || method === 'HEAD') request.end();
    else request.flushHeaders();
    request.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => request.on('close', () => resolve()));
    const answered = new Promise<void>((resolve) => {
      request.on('response', (response) => {
        response.on('error', () => undefined);
        response.pause();
        resolve();
      });
    });
    return {
      answered,
      hangUp: () => {
        request.destroy();
        return closed;
      },
    };
  }

  /** `count` clients that start the same download at once and each hang up after `bytes`. */
  async abortedDownloads(path: string, bytes: number, count: number, headers?: Record<string, string>): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.abortedDownload(path, bytes, headers)));
  }

  /**
   * Download as a client that accepts gzip would (or, with an
   * `accept-encoding` in `headers`, as one that accepts what that says, such
   * as a browser's `gzip, deflate, br, zstd`). The body is decoded by its
   * `content-encoding`, and `bytes` and `sha256` are those of the content, so
   * a check compares them with the file whichever way it travelled. `text` is
   * the decoded body, when small.
   */
  getAcceptingGzip(path: string, headers?: Record<string, string>): Promise<Response & { readonly wireBytes: number }> {
    return new Promise((resolve, reject) => {
      const request = this.open({ path, agent: false, headers: { 'accept-encoding': 'gzip', ...headers } }, true);
      const timer = setTimeout(() => {
        request.destroy();
        reject(this.noAnswer('GET', path));
      }, this.timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(this.refused('GET', path, error));
      });
      request.on('response', (response) => {
        const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
        const decoder = decoderFor(encoding);
        const hash = createHash('sha256');
        const kept: Buffer[] = [];
        let wireBytes = 0;
        let bytes = 0;
        response.on('data', (chunk: Buffer) => void (wireBytes += chunk.length));
        const body = decoder ? response.pipe(decoder) : response;
        body.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          if (bytes < KEEP_TEXT_BYTES) kept.push(chunk);
          bytes += chunk.length;
        });
        body.on('end', () => {
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          if (status >= 500) this.serverErrors.push({ request: this.describe('GET', path), status });
          resolve(withText({ status, headers: response.headers, bytes, wireBytes, sha256: hash.digest('hex') }, kept));
        });
        body.on('error', (error: Error) => {
          clearTimeout(timer);
          reject(decoder ? new CouldNotCheck('bad encoding', `GET ${path} said its body was encoded as ${encoding}, but it is not valid ${encoding}: ${error.message}.`) : this.refused('GET', path, error));
        });
      });
    });
  }

  /**
   * Announce an upload of `body.length` bytes and send the first `sendBytes`;
   * resolves once they are handed to the network, with the upload still open.
   */
  startUpload(path: string, body: Uint8Array, sendBytes: number, method = 'PUT'): Promise<PartialUpload> {
    return new Promise((resolveStarted, rejectStarted) => {
      const request = this.open({
        path,
        method,
        agent: false,
        headers: { 'content-length': String(body.length) },
      }, false);
      const response = new Promise<Response>((resolve, reject) => {
        const timer = setTimeout(() => {
          request.destroy();
          reject(this.noAnswer(method, path));
        }, this.timeoutMs * 3);
        request.on('error', (error) => {
          clearTimeout(timer);
          reject(this.refused(method, path, error));
        });
        request.on('response', (incoming) => {
          const hash = createHash('sha256');
          const kept: Buffer[] = [];
          let bytes = 0;
          incoming.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            kept.push(chunk);
            bytes += chunk.length;
          });
          incoming.on('end', () => {
            clearTimeout(timer);
            resolve(withText({ status: incoming.statusCode ?? 0, headers: incoming.headers, bytes, sha256: hash.digest('hex') }, kept));
          });
        });
      });
      response.catch(() => undefined);
      request.write(body.subarray(0, sendBytes), (error) => {
        if (error) rejectStarted(this.refused(method, path, error));
        else resolveStarted(new PartialUpload(request, body.subarray(sendBytes), response));
      });
    });
  }

  /**
   * Announce an upload of `body.length` bytes, send the first `sendBytes`, then
   * hang up, as a client whose connection drops would.
   */
  async abortedUpload(path: string, body: Uint8Array, sendBytes: number, method = 'PUT', headers?: Record<string, string>): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const request = this.open({
        path,
        method,
        agent: false,
        headers: { ...headers, 'content-length': String(body.length) },
      }, false);
      request.on('error', () => undefined);
      request.on('close', () => resolve());
      request.on('response', (response) => {
        // The server answered before the upload was complete (413, say): that is its right.
        response.resume();
      });
      request.write(body.subarray(0, sendBytes), (error) => {
        if (error) return reject(this.refused(method, path, error));
        request.destroy();
      });
    });
  }

  /**
   * Download the whole body as a client on a slow link would, slow on purpose
   * and by the server's state rather than by a clock: it reads nothing until
   * `untilSteady` resolves (the server has done all it can without this
   * client), then reads `stallEveryBytes` and stops again, to the end. The
   * body is hashed as it arrives. Once `untilSteady` answers false (the
   * server never gets steady), it reads the rest without stopping.
   */
  stallingDownload(path: string, stallEveryBytes: number, untilSteady: () => Promise<boolean>): Promise<Response> {
    return new Promise((resolve, reject) => {
      const request = this.open({ path, agent: false }, true);
      // No bytes for this long, while the client is reading, means the server stopped sending.
      let timer: NodeJS.Timeout | undefined;
      const idle = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          request.destroy();
          reject(this.noAnswer('GET', path));
        }, this.timeoutMs);
      };
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      idle();
      request.on('error', (error) => fail(this.refused('GET', path, error)));
      request.on('response', (response) => {
        const hash = createHash('sha256');
        const kept: Buffer[] = [];
        let bytes = 0;
        let stalling = true;
        let sinceStall = 0;
        const stall = (): void => {
          response.pause();
          clearTimeout(timer);
          untilSteady().then((steady) => {
            stalling = steady;
            sinceStall = 0;
            idle();
            response.resume();
          }, fail);
        };
        response.on('data', (chunk: Buffer) => {
          idle();
          hash.update(chunk);
          if (bytes < KEEP_TEXT_BYTES) kept.push(chunk);
          bytes += chunk.length;
          sinceStall += chunk.length;
          if (stalling && sinceStall >= stallEveryBytes) stall();
        });
        response.on('end', () => {
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          if (status >= 500) this.serverErrors.push({ request: this.describe('GET', path), status });
          resolve(withText({ status, headers: response.headers, bytes, sha256: hash.digest('hex') }, kept));
        });
        response.on('error', (error) => fail(this.refused('GET', path, error)));
        stall();
      });
    });
  }

  /**
   * Upload `bytes` bytes (`chunk` again and again) with chunked transfer
   * encoding: no Content-Length, so the server learns the size only as it
   * reads. Sends as fast as the server reads, and stops sending once it
   * answers or hangs up. Resolves with its answer, or with status 0 when it
   * cut the connection without one.
   */
  chunkedUpload(path: string, chunk: Uint8Array, bytes: number, method = 'PUT'): Promise<UploadOutcome> {
    return new Promise((resolve, reject) => {
      const request = this.open({ path, method, agent: false, headers: { 'transfer-encoding': 'chunked' } }, false);
      let sent = 0;
      let answered = false;
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        request.destroy();
        reject(this.noAnswer(method, path));
      }, this.timeoutMs * 3);
      const settle = (status: number, text: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        if (status >= 500) this.serverErrors.push({ request: this.describe(method, path), status });
        resolve({ status, text, sent });
      };
      request.on('error', () => {
        if (!answered) settle(0, '');
      });
      request.on('close', () => {
        if (!answered) settle(0, '');
      });
      request.on('response', (response) => {
        answered = true;
        const kept: Buffer[] = [];
        response.on('data', (data: Buffer) => kept.push(data));
        const done = (): void => settle(response.statusCode ?? 0, Buffer.concat(kept).subarray(0, KEEP_TEXT_BYTES).toString('utf8'));
        response.on('end', done);
        response.on('error', done);
        response.on('aborted', done);
      });
      const pump = (): void => {
        while (!answered && !request.destroyed && sent < bytes) {
          const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
          sent += piece.length;
          if (!request.write(piece)) {
            request.once('drain', pump);
            return;
          }
        }
        if (!answered && !request.destroyed) request.end();
      };
      pump();
    });
  }
}

/** A request sent and not read (see `HttpClient.openRequest`). */
export interface OpenRequest {
  readonly answered: Promise<void>;
  hangUp(): Promise<void>;
}

/** How a server answered an upload it may have refused halfway: status 0 when it hung up without answering. */
export interface UploadOutcome {
  readonly status: number;
  readonly text: string;
  /** Bytes handed to the network before the answer or the hang-up. */
  readonly sent: number;
}

/** An upload with part of its body sent and the connection still open. */
export class PartialUpload {
  constructor(
    private readonly request: http.ClientRequest,
    private readonly rest: Uint8Array,
    private readonly response: Promise<Response>,
  ) {}

  /** Send the rest of the body and read the answer. */
  finish(): Promise<Response> {
    this.request.end(this.rest);
    return this.response;
  }

  abort(): void {
    this.request.destroy();
  }
}

export class PausedDownload {
  /** How the download ended, watched from the start: a server may cut it off while it is paused, before `finish`. */
  private readonly ended: Promise<{ complete: boolean }>;

  constructor(
    private readonly request: http.ClientRequest,
    private readonly response: http.IncomingMessage,
    private readonly hung: () => Error,
    private readonly timeoutMs: number,
  ) {
    this.ended = new Promise((resolve) => {
      response.on('end', () => resolve({ complete: response.complete }));
      response.on('error', () => resolve({ complete: false }));
      response.on('aborted', () => resolve({ complete: false }));
      request.on('close', () => resolve({ complete: response.complete }));
    });
  }

  /** Read the rest; resolves with whether the whole body came, or rejects when it neither ends nor is cut off in time. */
  finish(): Promise<{ complete: boolean }> {
    this.response.on('data', () => undefined);
    this.response.resume();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.request.destroy();
        reject(this.hung());
      }, this.timeoutMs);
    });
    return Promise.race([this.ended, late]).finally(() => clearTimeout(timer));
  }

  abort(): void {
    this.request.destroy();
  }
}

/** One keep-alive connection to the server: requests in turn over the same socket, left open after each. */
export class KeptAliveConnection {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly client: HttpClient) {}

  request(path: string, options: RequestOptions = {}): Promise<Response> {
    return this.client.request(path, { ...options, agent: this.agent });
  }

  get(path: string, headers?: Record<string, string>): Promise<Response> {
    return this.request(path, { headers });
  }

  close(): void {
    this.agent.destroy();
  }
}
