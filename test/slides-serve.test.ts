/**
 * `npm run slides` serves the deck to this machine only: it listens on
 * 127.0.0.1 unless told otherwise, serves the built deck and its fonts over
 * real HTTP there and nothing outside the deck, cannot be reached through the
 * machine's other addresses, and tells an open page to reload when a file
 * under slides/ changes.
 */
import { readFileSync, utimesSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { THEME_FILE, themeFonts } from '../slides/build.ts';
import { serveDeck, serveOptions, type DeckServer } from '../slides/serve.ts';

let deck: DeckServer;
let port: number;
beforeAll(async () => {
  deck = await serveDeck({ port: 0 });
  port = (deck.server.address() as AddressInfo).port;
});
afterAll(() => deck?.close());

/** The machine's addresses on its networks, where a server listening everywhere would answer. */
const networkAddresses = Object.values(os.networkInterfaces())
  .flat()
  .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
  .map((address) => address!.address);

test('the command listens on 127.0.0.1 unless --host or SLIDES_HOST says otherwise', () => {
  expect(serveOptions([], {})).toMatchObject({ host: '127.0.0.1', port: 8080 });
  expect(serveOptions(['--host', '0.0.0.0', '--port', '9000'], {})).toMatchObject({ host: '0.0.0.0', port: 9000 });
  expect(serveOptions([], { SLIDES_HOST: '0.0.0.0', SLIDES_PORT: '9001' })).toMatchObject({ host: '0.0.0.0', port: 9001 });
  expect(serveOptions(['--host', '127.0.0.1'], { SLIDES_HOST: '0.0.0.0' }).host).toBe('127.0.0.1');
  expect(() => serveOptions(['--port', 'eighty'], {})).toThrow('--port wants a port number, 0 to 65535 (got "eighty").');
  expect(() => serveOptions(['0.0.0.0'], {})).toThrow('npm run slides takes options, not words (got 0.0.0.0).');
});

test('the server listens on 127.0.0.1 and serves the deck and its fonts there, nothing else', async () => {
  expect((deck.server.address() as AddressInfo).address).toBe('127.0.0.1');
  expect(deck.url).toBe(`http://127.0.0.1:${port}/`);

  const page = await fetch(deck.url);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await page.text()).toContain('data-marpit-svg');
  for (const font of themeFonts()) {
    const response = await fetch(new URL(font.url, deck.url));
    expect(response.status, font.url).toBe(200);
    expect(response.headers.get('content-type')).toBe('font/woff2');
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(font.file)), font.url).toBe(true);
  }
  // fetch would tidy the dots away; a raw request sends them as a crafted one would.
  const outside = await new Promise<number>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/../package.json' }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
  expect(outside).toBe(404);
});

test.skipIf(networkAddresses.length === 0)("the machine's other addresses refuse the connection", async () => {
  for (const address of networkAddresses) {
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: address, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused, `${address}:${port}`).toBe('ECONNREFUSED');
  }
});

test('a change under slides/ builds the deck again and tells the open page to reload', async () => {
  expect(await (await fetch(deck.url)).text()).toContain("new EventSource('/.reload')");
  const events = await fetch(new URL('/.reload', deck.url));
  expect(events.headers.get('content-type')).toBe('text/event-stream');
  const reader = events.body!.getReader();
  const decoder = new TextDecoder();
  let received = decoder.decode((await reader.read()).value);
  // Touched, not rewritten: the theme stays as it is, and the watcher hears a change all the same.
  const now = new Date();
  utimesSync(THEME_FILE, now, now);
  while (!received.includes('data: reload')) {
    const { value, done } = await reader.read();
    if (done) break;
    received += decoder.decode(value);
  }
  await reader.cancel();
  expect(received).toContain('data: reload');
  expect((await fetch(deck.url)).status).toBe(200);
});
