/**
 * `npm run slides`: the deck served to this machine only, for the presenter.
 * It is the deck `npm run slides:build` writes (figures, diagrams, fonts),
 * built into a temporary folder and served on http://127.0.0.1:8080/; when a
 * file under slides/ changes it is built again and the open pages reload.
 * Marp's own server (marp --server) listens on every interface, its reload
 * socket too, with no option to say otherwise: a firewall prompt on Windows,
 * and the deck on the conference Wi-Fi. `--host 0.0.0.0` (or SLIDES_HOST)
 * asks for that on purpose.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmTookNote, parseCommandArgs } from '../checker/command-args.ts';
import { UsageError } from '../checker/errors.ts';
import { writeDeck } from './assemble.ts';
import { buildDeck } from './build.ts';
import { SLIDES_DIR } from './figures-data.ts';

export const SERVE_USAGE = `Usage: npm run slides [-- --host ADDRESS --port N]

Builds the deck and serves it on http://127.0.0.1:8080/, to this machine
only. Open it in a browser; p opens the presenter view. The deck is built
again when a file under slides/ changes, and the page reloads. Ctrl-C stops it.

  --host ADDRESS  where to listen (SLIDES_HOST): 0.0.0.0 serves the deck to
                  every network this machine is on
  --port N        the port (SLIDES_PORT), 8080 unless told`;

export const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;
/** Where the page listens for "the deck was built again". */
const RELOAD_PATH = '/.reload';
/** Saves within this time are one change: editors often write a file twice. */
const QUIET_MS = 200;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.md': 'text/markdown; charset=utf-8',
};

/** Only the top window listens: the presenter view's previews reload with it, and each listener holds a connection. */
const RELOAD_SCRIPT = `<script>if (window.top === window) new EventSource('${RELOAD_PATH}').onmessage = () => location.reload();</script>`;

export interface ServeOptions {
  readonly host?: string;
  readonly port?: number;
  /** Told after each build that a change started: null when it built. */
  readonly onRebuilt?: (error: Error | null) => void;
}

export interface DeckServer {
  readonly server: Server;
  /** The address to open on this machine ("http://127.0.0.1:8080/"). */
  readonly url: string;
  close(): Promise<void>;
}

/** Build the deck and serve it; the promise settles once the server listens. */
export async function serveDeck(options: ServeOptions = {}): Promise<DeckServer> {
  const host = options.host ?? DEFAULT_HOST;
  let deckDir = await buildInto();
  const reloads = new Set<ServerResponse>();

  const server = createServer((request, response) => respond(request, response, deckDir, reloads));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`Port ${options.port ?? DEFAULT_PORT} is taken (another npm run slides?): npm run slides -- --port ${(options.port ?? DEFAULT_PORT) + 1}`)
          : error,
      ),
    );
    server.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  }).catch((error: unknown) => {
    rmSync(deckDir, { recursive: true, force: true });
    throw error;
  });

  let timer: NodeJS.Timeout | undefined;
  let building = Promise.resolve();
  const rebuild = (): void => {
    building = building.then(async () => {
      try {
        const fresh = await buildInto();
        const stale = deckDir;
        deckDir = fresh;
        rmSync(stale, { recursive: true, force: true });
        for (const client of reloads) client.write('data: reload\n\n');
        options.onRebuilt?.(null);
      } catch (error) {
        options.onRebuilt?.(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };
  const watcher = watch(SLIDES_DIR, { recursive: true }, (_event, file) => {
    // The deck's own outputs are not its sources: deck.md (written at start) and a build in slides/dist.
    const name = String(file ?? '').split(path.sep).join('/');
    if (name === 'deck.md' || name.startsWith('dist/') || name === 'dist') return;
    clearTimeout(timer);
    timer = setTimeout(rebuild, QUIET_MS);
  });

  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? DEFAULT_HOST : host;
  return {
    server,
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`,
    async close() {
      watcher.close();
      clearTimeout(timer);
      for (const client of reloads) client.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await building;
      rmSync(deckDir, { recursive: true, force: true });
    },
  };
}

async function buildInto(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fg-slides-'));
  try {
    await buildDeck({ pdf: false, outDir: dir });
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function respond(request: IncomingMessage, response: ServerResponse, deckDir: string, reloads: Set<ServerResponse>): void {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    response.writeHead(400).end();
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (pathname === RELOAD_PATH) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    response.write(': the deck reloads when it is built again\n\n');
    reloads.add(response);
    request.on('close', () => reloads.delete(response));
    return;
  }
  // Every browser asks for one; nothing rather than a 404 in the presenter's console.
  if (pathname === '/favicon.ico') {
    response.writeHead(204).end();
    return;
  }
  const file = path.join(deckDir, pathname === '/' ? 'index.html' : pathname);
  if (!file.startsWith(deckDir + path.sep) || !isFile(file)) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`No ${pathname} in the deck: open /\n`);
    return;
  }
  let body = readFileSync(file);
  if (file === path.join(deckDir, 'index.html')) body = Buffer.from(body.toString('utf8').replace('</body>', `${RELOAD_SCRIPT}</body>`));
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The command's options: the arguments, then SLIDES_HOST and SLIDES_PORT, then 127.0.0.1:8080. */
export function serveOptions(argv: readonly string[], env: NodeJS.ProcessEnv): { host: string; port: number; help: boolean; fromNpm: string[] } {
  const parsed = parseCommandArgs(
    'slides',
    argv,
    {
      host: { type: 'string', example: '0.0.0.0', looksLike: /^[\d.:a-f]+$|^localhost$/i },
      port: { type: 'string', example: '8081', looksLike: /^\d+$/ },
      help: { type: 'boolean', short: 'h' },
    },
    env,
  );
  if (parsed.positionals.length) {
    throw new UsageError(`npm run slides takes options, not words (got ${parsed.positionals.join(' ')}). ${SERVE_USAGE.split('\n')[0]}`);
  }
  const host = (parsed.values.host as string | undefined) ?? (env.SLIDES_HOST || DEFAULT_HOST);
  const portText = (parsed.values.port as string | undefined) ?? (env.SLIDES_PORT || String(DEFAULT_PORT));
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port wants a port number, 0 to 65535 (got "${portText}").`);
  return { host, port, help: parsed.values.help === true, fromNpm: parsed.fromNpm };
}

async function main(argv: readonly string[]): Promise<void> {
  const options = serveOptions(argv, process.env);
  if (options.fromNpm.length) console.error(npmTookNote('slides', [], options.fromNpm));
  if (options.help) {
    console.log(SERVE_USAGE);
    return;
  }
  // The committed deck follows the sources, as npm run slides:assemble leaves it.
  writeDeck();
  const deck = await serveDeck({
    host: options.host,
    port: options.port,
    onRebuilt: (error) => console.log(error ? `The deck did not build; the page keeps the last one: ${error.message}` : 'The deck was built again; the page reloads.'),
  });
  console.log(`The deck: ${deck.url} (p opens the presenter view). Ctrl-C stops it.`);
  if (options.host !== DEFAULT_HOST && options.host !== 'localhost' && options.host !== '::1') {
    console.log(`Listening on ${options.host}: other machines on the same network can open the deck too.`);
  }
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void deck.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
