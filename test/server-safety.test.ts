/**
 * Apart from their one deliberate leak, the scenario servers are code we
 * would ship: run by hand they listen on 127.0.0.1 only; they refuse file
 * names that reach outside the store and uploads over the size limit, with
 * proper status codes. Every server, leaky and fixed, is held to it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SCENARIOS, checkFile, originalServerFile, serverFile, type Side } from '../checker/course.ts';
import { loadCheck } from '../checker/run.ts';
import { ServerProcess } from '../checker/server-process.ts';
import { MAX_UPLOAD_BYTES } from '../checker/service/storage.ts';
import { HttpClient } from '../checker/traffic.ts';
import type { CheckSpec } from '../checker/types.ts';

/** Names that must never reach the file system as given (URL-encoded, as a client would send them). */
const UNSAFE_NAMES = [
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '..%2Fescape.jpg',
  '%2Fetc%2Fpasswd',
  '..%5C..%5Cwindows%5Cwin.ini',
  'C%3A%5Cwindows%5Cwin.ini',
  '.',
  '..',
  'photo-1.jpg%00.png',
];

/** Send only the head of a request announcing `length` bytes; return the status the server answers with. */
function statusForAnnouncedUpload(port: number, method: string, urlPath: string, headers: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${method} ${urlPath} got no answer within 10 s`));
    }, 10_000);
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      head += text;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(`${method} ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
  });
}

function split(route: string): { method: string; pattern: string } {
  const [method, pattern] = route.split(' ') as [string, string];
  return { method, pattern };
}

const sides: Side[] = ['scenario', 'solution'];

describe.each(SCENARIOS.flatMap((scenario) => sides.map((side) => [`${scenario.folder} (${side === 'scenario' ? 'leaky' : 'fixed'})`, scenario, side] as const)))(
  '%s',
  (_title, scenario, side) => {
    let server: ServerProcess;
    let http: HttpClient;
    let spec: CheckSpec;
    // Made when the block runs, not when it is collected: a block a filter skips leaves no folder behind.
    let uploadsRoot = '';
    let uploadsDir = '';

    beforeAll(async () => {
      uploadsRoot = mkdtempSync(path.join(os.tmpdir(), 'fg-safety-'));
      uploadsDir = path.join(uploadsRoot, 'store', 'uploads');
      spec = await loadCheck(checkFile(scenario));
      server = await ServerProcess.start(side === 'scenario' ? originalServerFile(scenario) : serverFile(scenario, side), { startTimeoutMs: 20_000, env: { FG_UPLOADS_DIR: uploadsDir } });
      http = new HttpClient(server.port, 10_000);
    });
    afterAll(async () => {
      await server?.stop();
      if (uploadsRoot) rmSync(uploadsRoot, { recursive: true, force: true });
    });

    test('refuses file names that reach outside the store, with 400 or 404', async () => {
      expect(spec.routes.fileNames.length + spec.routes.uploads.length).toBeGreaterThan(0);
      for (const route of spec.routes.fileNames) {
        const { method, pattern } = split(route);
        for (const name of UNSAFE_NAMES) {
          const urlPath = pattern.replace(':name', name);
          const response = await http.request(urlPath, { method, ...(method === 'PUT' || method === 'POST' ? { body: Buffer.from('not a photo') } : {}) });
          expect([400, 404], `${method} ${urlPath} answered ${response.status}`).toContain(response.status);
        }
      }
      // Nothing was written beside or above the uploads folder.
      expect(existsSync(path.join(uploadsRoot, 'store', 'escape.jpg'))).toBe(false);
      expect(readdirSync(uploadsRoot)).toEqual(existsSync(path.join(uploadsRoot, 'store')) ? ['store'] : []);
    });

    test('refuses an upload over the size limit with 413, before reading it', async () => {
      for (const route of spec.routes.uploads) {
        const { method, pattern } = split(route);
        const urlPath = pattern.replace(':name', 'too-large.jpg');
        const status = await statusForAnnouncedUpload(server.port, method, urlPath, `Content-Length: ${MAX_UPLOAD_BYTES * 64}\r\n`);
        expect(status, `${method} ${urlPath} announcing ${MAX_UPLOAD_BYTES * 64} bytes`).toBe(413);
      }
      expect(existsSync(path.join(uploadsDir, 'too-large.jpg'))).toBe(false);
    });

    test('answers a missing file with 404', async () => {
      for (const route of spec.routes.fileNames.filter((candidate) => candidate.startsWith('GET '))) {
        const { pattern } = split(route);
        const response = await http.get(pattern.replace(':name', 'no-such-file.jpg'));
        expect(response.status, `GET ${pattern} for a file that does not exist`).toBe(404);
      }
    });
  },
);

describe.each(SCENARIOS.flatMap((scenario) => sides.map((side) => [`${scenario.folder} (${side === 'scenario' ? 'leaky' : 'fixed'})`, scenario, side] as const)))(
  '%s, run by hand',
  (_title, scenario, side) => {
    test('listens on 127.0.0.1 only', async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', side === 'scenario' ? originalServerFile(scenario) : serverFile(scenario, side)], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout!.setEncoding('utf8').on('data', (text: string) => {
            out += text;
            const found = /Listening on http:\/\/(\S+?):(\d+)/.exec(out);
            if (found) resolve(found[1]!);
          });
          child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
        });
        expect(line).toBe('127.0.0.1');
      } finally {
        child.kill('SIGKILL');
      }
    });
  },
);
