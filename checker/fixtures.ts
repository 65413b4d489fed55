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
}

export const FIXTURES: readonly FixtureSpec[] = [
  { name: 'photo-1.jpg', bytes: 2 * MiB },
  { name: 'photo-2.jpg', bytes: 2 * MiB },
  { name: 'photo-3.jpg', bytes: 2 * MiB },
  { name: 'photo-4.jpg', bytes: 2 * MiB },
  { name: 'video-1.mp4', bytes: 32 * MiB },
  // A whole album, more photos than a bounded cache holds.
  ...Array.from({ length: 32 }, (_, index) => ({ name: `album-${String(index + 1).padStart(2, '0')}.jpg`, bytes: 2 * MiB })),
  { name: 'access-log.csv', bytes: 16 * MiB },
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
  return generateBytes(name, fixtureSpec(name).bytes);
}

const hashes = new Map<string, string>();

/** The SHA-256 (hex) a correct download of the fixture must have. */
export function fixtureSha256(name: string): string {
  let hash = hashes.get(name);
  if (hash === undefined) {
    hash = sha256(fixtureBytes(name));
    hashes.set(name, hash);
  }
  return hash;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function isCurrent(dir: string, spec: FixtureSpec): boolean {
  const file = path.join(dir, spec.name);
  return existsSync(file) && statSync(file).size === spec.bytes;
}

/** Write any missing or outdated fixture into `dir`; cheap when they are all there. */
export function ensureFixtures(dir: string = FIXTURES_DIR): void {
  const stampFile = path.join(dir, '.generator');
  const stamp = String(GENERATOR_VERSION);
  const stampCurrent = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  mkdirSync(dir, { recursive: true });
  for (const spec of FIXTURES) {
    if (stampCurrent && isCurrent(dir, spec)) continue;
    const target = path.join(dir, spec.name);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, generateBytes(spec.name, spec.bytes));
    renameSync(temporary, target);
  }
  if (!stampCurrent) writeFileSync(stampFile, stamp);
}
