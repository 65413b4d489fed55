/**
 * The large files the scenarios serve, generated on demand: deterministic (the
 * same bytes on every machine, so a check can compare hashes), never committed,
 * and cached in the git-ignored `.fixtures/` folder at the project root.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MiB = 1024 * 1024;
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES_DIR = path.join(PROJECT_ROOT, '.fixtures', 'files');

/** Bump when the generator changes, so cached files are rebuilt. */
const GENERATOR_VERSION = 1;

export interface FixtureSpec {
  readonly name: string;
  readonly bytes: number;
  /** How to make its contents (exactly `bytes` long); random bytes behind the type's magic number if not given. */
  readonly generate?: (name: string, bytes: number) => Buffer;
}

export const FIXTURES: readonly FixtureSpec[] = [
  { name: 'photo-1.jpg', bytes: 2 * MiB },
  { name: 'photo-2.jpg', bytes: 2 * MiB },
  { name: 'photo-3.jpg', bytes: 2 * MiB },
  { name: 'photo-4.jpg', bytes: 2 * MiB },
  { name: 'video-1.mp4', bytes: 32 * MiB },
  // A whole album, more photos than a bounded cache holds.
  ...Array.from({ length: 32 }, (_, index) => ({ name: `album-${String(index + 1).padStart(2, '0')}.jpg`, bytes: 2 * MiB })),
  // Photos of other sizes than 2 MiB: a cache that makes room for one entry at a time overflows on them.
  ...Array.from({ length: 12 }, (_, index) => ({ name: `thumb-${String(index + 1).padStart(2, '0')}.jpg`, bytes: 300 * 1024 })),
  ...[3, 5, 7].map((mebibytes, index) => ({ name: `panorama-${index + 1}.jpg`, bytes: mebibytes * MiB })),
  { name: 'access-log.csv', bytes: 16 * MiB },
  { name: 'access.log', bytes: 16 * MiB, generate: (name, bytes) => generateAccessLog(name, bytes) },
];

const MAGIC: Record<string, Uint8Array> = {
  '.jpg': Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00),
  '.png': Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  '.pdf': new TextEncoder().encode('%PDF-1.7\n'),
  '.mp4': Uint8Array.of(0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d),
};

function seedOf(name: string): number {
  const digest = createHash('sha256').update(name).digest();
  return digest.readUInt32LE(0) || 1;
}

/**
 * Deterministic pseudo-random bytes (xorshift32) behind the file type's magic
 * number, so the files look like what their names say and do not compress.
 */
export function generateBytes(name: string, bytes: number): Buffer {
  // The same bytes every time: a process that runs check after check (the suite's, watch mode's) makes them once.
  const key = `${bytes}:${name}`;
  const made = generated.get(key);
  if (made) return made;
  const data = makeBytes(name, bytes);
  if (bytes <= GENERATED_KEPT_BYTES) {
    generatedBytes += bytes;
    generated.set(key, data);
    for (const [oldest, buffer] of generated) {
      if (generatedBytes <= GENERATED_KEPT_BYTES) break;
      generated.delete(oldest);
      generatedBytes -= buffer.length;
    }
  }
  return data;
}

/** Generated contents kept for the next call with the same name and size, oldest first, up to this many bytes. */
const GENERATED_KEPT_BYTES = 192 * MiB;
const generated = new Map<string, Buffer>();
let generatedBytes = 0;

function makeBytes(name: string, bytes: number): Buffer {
  if (TEXT_EXTENSIONS.has(path.extname(name))) return generateLogLines(name, bytes);
  const words = new Uint32Array(Math.ceil(bytes / 4));
  let state = seedOf(name);
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
  const data = Buffer.from(words.buffer, 0, bytes);
  const magic = MAGIC[path.extname(name)];
  if (magic) data.set(magic.subarray(0, Math.min(magic.length, bytes)));
  return data;
}

const TEXT_EXTENSIONS = new Set(['.csv', '.log']);

/**
 * Deterministic CSV lines like a web server's access log (time, method, path,
 * status, bytes, client): text that compresses as real logs do, several times
 * over, so that serving it gzipped does real work.
 */
function generateLogLines(name: string, bytes: number): Buffer {
  let state = seedOf(name);
  const next = (range: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % range;
  };
  const methods = ['GET', 'GET', 'GET', 'HEAD', 'PUT'];
  const statuses = [200, 200, 200, 206, 304, 404];
  const agents = ['Mozilla/5.0 (X11; Linux x86_64)', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4)', 'curl/8.5.0', 'okhttp/4.12.0'];
  const lines: string[] = ['time,method,path,status,bytes,client,agent\n'];
  let length = lines[0]!.length;
  const start = Date.UTC(2026, 0, 1);
  for (let second = 0; length < bytes; second += 1 + next(3)) {
    const time = new Date(start + second * 1000 + next(1000)).toISOString();
    const file = next(2) ? `photo-${next(5000)}.jpg` : `video-${next(300)}.mp4`;
    const line = `${time},${methods[next(methods.length)]},/files/${file},${statuses[next(statuses.length)]},${next(40_000_000)},198.51.100.${next(256)},${agents[next(agents.length)]}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join(''), 'latin1').subarray(0, bytes);
}

export function fixtureSpec(name: string): FixtureSpec {
  const spec = FIXTURES.find((fixture) => fixture.name === name);
  if (!spec) throw new Error(`no fixture named ${name}`);
  return spec;
}

export function fixtureBytes(name: string): Buffer {
  const spec = fixtureSpec(name);
  return (spec.generate ?? generateBytes)(name, spec.bytes);
}

const hashes = new Map<string, string>();

/**
 * The generated files' hashes, written beside them when they are made: every
 * download a check makes is compared with one, and making a 16 MiB log again
 * only to hash it costs more than half a second of the check's time.
 */
const HASHES_FILE = '.sha256.json';

interface HashTable {
  readonly generator: number;
  readonly sha256: Record<string, string>;
}

/** The hashes recorded in `dir` for the current generator, or an empty record. */
function recordedHashes(dir: string): Record<string, string> {
  try {
    const table = JSON.parse(readFileSync(path.join(dir, HASHES_FILE), 'utf8')) as HashTable;
    return table.generator === GENERATOR_VERSION && table.sha256 ? table.sha256 : {};
  } catch {
    return {};
  }
}

let recorded: Record<string, string> | null = null;

/** The SHA-256 (hex) a correct download of the fixture must have: that of the generator's bytes. */
export function fixtureSha256(name: string): string {
  let hash = hashes.get(name);
  if (hash === undefined) {
    recorded ??= recordedHashes(FIXTURES_DIR);
    hash = recorded[name] ?? sha256(fixtureBytes(name));
    hashes.set(name, hash);
  }
  return hash;
}

export function sha256(data: Uint8Array): string {
  // Generated contents are hashed again and again (each upload compared with what was sent): once is enough.
  let hash = hashed.get(data);
  if (hash === undefined) {
    hash = createHash('sha256').update(data).digest('hex');
    if (data.byteLength >= MiB) hashed.set(data, hash);
  }
  return hash;
}

/** Hashes of large contents, by the contents' object: nobody writes into generated bytes, and the collector takes both. */
const hashed = new WeakMap<Uint8Array, string>();

function isCurrent(dir: string, spec: FixtureSpec): boolean {
  const file = path.join(dir, spec.name);
  return existsSync(file) && statSync(file).size === spec.bytes;
}

/** Write any missing or outdated fixture into `dir`, with the hashes of what was generated; cheap when they are all there. */
export function ensureFixtures(dir: string = FIXTURES_DIR): void {
  const stampFile = path.join(dir, '.generator');
  const stamp = String(GENERATOR_VERSION);
  const stampCurrent = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  mkdirSync(dir, { recursive: true });
  const known = stampCurrent ? recordedHashes(dir) : {};
  const table: Record<string, string> = {};
  let hashesChanged = false;
  for (const spec of FIXTURES) {
    const current = stampCurrent && isCurrent(dir, spec);
    if (current && known[spec.name]) {
      table[spec.name] = known[spec.name]!;
      continue;
    }
    // Not kept for later (makeBytes, not generateBytes): this may run in a server's process, whose memory is measured.
    const data = (spec.generate ?? makeBytes)(spec.name, spec.bytes);
    table[spec.name] = createHash('sha256').update(data).digest('hex');
    hashesChanged = true;
    if (current) continue;
    const target = path.join(dir, spec.name);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, target);
  }
  if (hashesChanged) {
    const target = path.join(dir, HASHES_FILE);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ generator: GENERATOR_VERSION, sha256: table } satisfies HashTable));
    renameSync(temporary, target);
  }
  if (!stampCurrent) writeFileSync(stampFile, stamp);
}

/** The fields of one line of a generated access log. */
export interface AccessLogEntry {
  readonly status: number;
  readonly path: string;
  /** 24 hex digits, unique per line. */
  readonly requestId: string;
}

const LOG_PATHS = ['/files/invoice-{n}.pdf', '/files/scan-{n}.jpg', '/api/uploads/{n}', '/api/search?q=report-{n}', '/thumbnails/photo-{n}.jpg', '/files/statement-{n}.pdf'];
const LOG_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/8.5.0',
];

/**
 * A web server's access log in the combined format, with a request ID and a
 * response time at the end of each line, deterministic for a given name:
 * 203.0.113.7 - - [24/Nov/2026:06:00:00 +0000] "GET /files/invoice-1.pdf HTTP/1.1" 200 48213 "-" "curl/8.5.0" req=0123456789abcdef01234567 rt=0.041
 * About 1.5% of the lines are 500s, 0.5% are 503s, 6% 404s. Exactly `bytes` long: the last line is padding, a comment.
 */
export function generateAccessLog(name: string, bytes: number): Buffer {
  let state = seedOf(name);
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const hex = (): string => next().toString(16).padStart(8, '0');
  const lines: string[] = [];
  let length = 0;
  const start = Date.UTC(2026, 10, 24, 6, 0, 0);
  for (let i = 0; ; i++) {
    const roll = next() % 1000;
    const status = roll < 15 ? 500 : roll < 20 ? 503 : roll < 80 ? 404 : roll < 130 ? 304 : 200;
    const path = LOG_PATHS[next() % LOG_PATHS.length]!.replace('{n}', String(next() % 100_000));
    const time = new Date(start + i * 250).toISOString();
    const stamp = `${time.slice(8, 10)}/Nov/${time.slice(0, 4)}:${time.slice(11, 19)} +0000`;
    const ip = `${10 + (next() % 200)}.${next() % 256}.${next() % 256}.${1 + (next() % 254)}`;
    const size = status === 304 ? 0 : 200 + (next() % 2_000_000);
    const line = `${ip} - - [${stamp}] "${path.startsWith('/api/uploads') ? 'PUT' : 'GET'} ${path} HTTP/1.1" ${status} ${size} "-" "${LOG_AGENTS[next() % LOG_AGENTS.length]}" req=${hex()}${hex()}${hex()} rt=${(next() % 3000) / 1000}\n`;
    if (length + line.length > bytes - 2) break;
    lines.push(line);
    length += line.length;
  }
  lines.push(`#${' '.repeat(bytes - length - 2)}\n`);
  return Buffer.from(lines.join(''), 'latin1');
}

/** The entries of a generated access log (the padding comment left out). */
export function parseAccessLog(text: string): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^\S+ - - \[[^\]]+\] "\w+ (\S+) HTTP\/1\.1" (\d{3}) .* req=([0-9a-f]{24}) /.exec(line);
    if (match) entries.push({ path: match[1]!, status: Number(match[2]), requestId: match[3]! });
  }
  return entries;
}
