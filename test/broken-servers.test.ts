/**
 * Every way a learner's server can be broken gets a sentence about it and
 * exit code 2, within a bound, and the checker leaves no process and no
 * snapshot behind. The servers are in test/broken-servers/.
 */
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { runCli, scratchTempDir } from './helpers.ts';

const temp = scratchTempDir();

afterEach(() => {
  expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
  expect(temp.serversLeft(), 'server processes left running').toEqual([]);
});
afterAll(() => temp.remove());

interface BrokenServer {
  readonly server: string;
  readonly sentence: RegExp;
  /** Generous: the request time-out is 10 s; this is a hang detector, not a speed test. */
  readonly boundMs: number;
}

const at = (file: string): string => `\\(at test/broken-servers/${file.replace('.', '\\.')}:\\d+:\\d+\\)`;

const cases: BrokenServer[] = [
  { server: 'syntax-error.ts', sentence: /syntax-error\.ts does not compile: Expected "\)" but found ";" \(syntax-error\.ts:9:\d+\)/, boundMs: 30_000 },
  {
    server: 'type-error.ts',
    sentence: new RegExp(`answered 500.*It logged: TypeError: Cannot read properties of undefined \\(reading 'toString'\\) ${at('type-error.ts')}.*npm run typecheck`),
    boundMs: 30_000,
  },
  { server: 'throws-on-import.ts', sentence: new RegExp(`throws-on-import\\.ts threw while it was loading: Error: UPLOADS_LIMIT is not a number ${at('throws-on-import.ts')}`), boundMs: 30_000 },
  {
    server: 'throws-in-every-request.ts',
    sentence: new RegExp(`GET /files/no-such-photo\\.jpg was answered 500.*It logged: Error: no storage configured for no-such-photo\\.jpg ${at('throws-in-every-request.ts')}`),
    boundMs: 30_000,
  },
  { server: 'never-answers.ts', sentence: /GET \/files\/no-such-photo\.jpg got no complete response within 10 s\. Does every path through the handler end the response/, boundMs: 30_000 },
  { server: 'endless-loop.ts', sentence: /GET \/files\/no-such-photo\.jpg got no response, and the server's process stopped answering the checker too: .*endless loop/, boundMs: 30_000 },
  { server: 'exits-in-handler.ts', sentence: /The server stopped while handling traffic: it exited with code 3 \(does something call process\.exit\?\)/, boundMs: 30_000 },
  { server: 'crashes-mid-traffic.ts', sentence: new RegExp(`The server crashed while handling traffic: an exception was thrown and nothing caught it at test/broken-servers/crashes-mid-traffic\\.ts:\\d+:\\d+: Error: cache index corrupt\\. Just before, the check's clients had sent GET /files/no-such-photo\\.jpg, then sent GET /files/photo-\\d\\.jpg`), boundMs: 30_000 },
  // Node made the error (a refused connection): the sentence says where its stack begins, since no file of the server's is on it.
  { server: 'crashes-inside-node.ts', sentence: /The server crashed while handling traffic: an exception was thrown and nothing caught it \(none of your files is on its stack; it begins at node:net:\d+:\d+\): Error: connect ECONNREFUSED 127\.0\.0\.1:1/, boundMs: 30_000 },
  { server: 'unhandled-rejection.ts', sentence: /The server crashed while handling traffic: a promise was rejected and nothing caught it at test\/broken-servers\/unhandled-rejection\.ts:\d+:\d+: Error: download log unavailable/, boundMs: 30_000 },
  { server: 'runs-out-of-heap.ts', sentence: /The server stopped while handling traffic: it ran out of heap memory/, boundMs: 90_000 },
  { server: 'listens-on-its-own-port.ts', sentence: /listens-on-its-own-port\.ts calls listen\(3000\) when it is loaded\. The checker starts the server on a free port of its own/, boundMs: 30_000 },
  // A service over several files: the sentence names the module that is broken, not only the server that imports it.
  {
    server: 'imports-a-broken-module.ts',
    sentence: /test\/broken-servers\/parts\/photos-router\.ts, which test\/broken-servers\/imports-a-broken-module\.ts imports, does not compile: Expected "\)" but found ";" \(photos-router\.ts:8:\d+\)/,
    boundMs: 30_000,
  },
  {
    server: 'imports-a-module-that-throws.ts',
    sentence: new RegExp(`imports-a-module-that-throws\\.ts threw while it was loading: Error: PHOTO_CACHE_ENTRIES is not a number ${at('parts/settings.ts')}`),
    boundMs: 30_000,
  },
  { server: 'no-export.ts', sentence: /no-export\.ts does not export its app\. Keep `export default app;`/, boundMs: 30_000 },
];

async function expectCouldNotCheck(server: string, sentence: RegExp, boundMs: number, env: Record<string, string> = {}): Promise<void> {
  const started = performance.now();
  const run = await runCli(['1', '--server', path.join('test', 'broken-servers', server)], temp.dir, env);
  const elapsed = performance.now() - started;
  expect(run.stderr).not.toMatch(/bug in the kit|Unhandled 'error' event/);
  expect(run.stdout).toMatch(/COULD NOT CHECK/);
  expect(run.stdout.replaceAll('\\', '/').replace(/\s+/g, ' ')).toMatch(sentence);
  expect(run.code).toBe(2);
  expect(elapsed).toBeLessThan(boundMs);
}

test.each(cases)('$server: could not check, with a sentence', async ({ server, sentence, boundMs }) => {
  await expectCouldNotCheck(server, sentence, boundMs);
});

test('listens-on-a-taken-port.ts: could not check, with a sentence', async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as net.AddressInfo).port;
  try {
    await expectCouldNotCheck('listens-on-a-taken-port.ts', new RegExp(`calls listen\\(${port}\\) when it is loaded`), 30_000, { TAKEN_PORT: String(port) });
  } finally {
    holder.close();
  }
});
