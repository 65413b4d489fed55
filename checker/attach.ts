/**
 * A service that is already running under `node --inspect`, started by its
 * own scripts with its own configuration: the probe talks to it over the
 * inspector protocol (a WebSocket) instead of starting it under the harness.
 * It collects garbage, writes heap snapshots and reads the process's memory,
 * handles and descriptors the way the harness would, and leaves the service
 * running as it found it.
 */
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { WebSocket } from 'ws';
import { CouldNotCheck, UsageError } from './errors.ts';
import type { Probe } from './protocol.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** "ws://127.0.0.1:9229/<id>", or "127.0.0.1:9229" / "9229" (the inspector's HTTP address, asked for its WebSocket). */
export async function inspectorWebSocketUrl(address: string): Promise<string> {
  if (/^wss?:\/\//.test(address)) return address;
  const match = /^(?:([\w.-]+|\[[\d:a-f]+\]):)?(\d+)$/i.exec(address.replace(/^https?:\/\//, '').replace(/\/.*$/, ''));
  if (!match) throw new UsageError(`--attach ${address}: give the inspector's address, as node --inspect prints it (ws://127.0.0.1:9229/…), or its host:port (127.0.0.1:9229).`);
  const host = match[1] ?? '127.0.0.1';
  const port = Number(match[2]);
  const targets = await new Promise<Array<{ type?: string; webSocketDebuggerUrl?: string }>>((resolve, reject) => {
    const request = http.get({ host: host.replace(/^\[|\]$/g, ''), port, path: '/json/list', timeout: 5_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (text: string) => (body += text));
      response.on('end', () => {
        try {
          resolve(JSON.parse(body) as Array<{ type?: string; webSocketDebuggerUrl?: string }>);
        } catch {
          reject(new Error('it did not answer as an inspector does'));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('it did not answer within 5 s')));
    request.on('error', reject);
  }).catch((error: Error) => {
    throw new CouldNotCheck('cannot attach', `Nothing answered as a Node inspector at ${host}:${port} (${error.message}). Start the service with node --inspect (or --inspect=127.0.0.1:9229) and give the address it prints.`);
  });
  const target = targets.find((entry) => entry.type === 'node' && entry.webSocketDebuggerUrl) ?? targets.find((entry) => entry.webSocketDebuggerUrl);
  if (!target?.webSocketDebuggerUrl) throw new CouldNotCheck('cannot attach', `The inspector at ${host}:${port} lists no process to attach to.`);
  return target.webSocketDebuggerUrl;
}

/** What the probe needs from the attached process, read in one evaluation. */
const READ_PROBE = `(() => {
  const active = {};
  for (const kind of process.getActiveResourcesInfo()) active[kind] = (active[kind] || 0) + 1;
  let fileDescriptors = null;
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    try { fileDescriptors = require('node:fs').readdirSync(dir).length - 1; break; } catch {}
  }
  return JSON.stringify({ memory: process.memoryUsage(), resources: { active, fileDescriptors } });
})()`;

/** Let work queued by the requests that just ended (closes, timers due now, file-system callbacks) run. */
const SETTLE = `new Promise((resolve) => {
  const deadline = Date.now() + 2000;
  const turn = (left) => setImmediate(() => {
    const busy = process.getActiveResourcesInfo().some((kind) => kind.startsWith('FSReq'));
    if ((busy || left > 0) && Date.now() < deadline) turn(busy ? left : left - 1); else resolve(true);
  });
  turn(3);
})`;

export class AttachedService {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, (params: unknown) => void>();
  private closedReason: CouldNotCheck | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
      if (message.id !== undefined) {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) pending?.reject(new CouldNotCheck('inspector error', `The attached process's inspector refused a request: ${message.error.message}.`));
        else pending?.resolve(message.result);
      } else if (message.method) {
        this.listeners.get(message.method)?.(message.params);
      }
    });
    socket.on('close', () => {
      this.closedReason ??= new CouldNotCheck('detached', 'The attached service closed the inspector connection (did it stop, or did another debugger take over?).');
      for (const pending of this.pending.values()) pending.reject(this.closedReason);
      this.pending.clear();
    });
  }

  static async connect(address: string): Promise<AttachedService> {
    const url = await inspectorWebSocketUrl(address);
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1024 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', (error) =>
        reject(new CouldNotCheck('cannot attach', `Could not attach to ${url}: ${error.message}. Is another debugger (Chrome DevTools, VS Code) attached already? Close it and try again.`)),
      );
    });
    const service = new AttachedService(socket);
    await service.send('HeapProfiler.enable');
    await service.send('Runtime.enable');
    return service;
  }

  private send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.closedReason) return Promise.reject(this.closedReason);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  private async evaluate<T>(expression: string, awaitPromise = false): Promise<T> {
    const reply = await this.send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise,
      // `require` is there for the probe's expressions whatever module system the service uses.
      includeCommandLineAPI: true,
      silent: true,
    });
    if (reply.exceptionDetails) {
      throw new CouldNotCheck('inspector error', `Reading the attached process failed: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}.`);
    }
    return reply.result.value as T;
  }

  /** The attached process's working folder: its own code is named relative to it. */
  workingFolder(): Promise<string> {
    return this.evaluate<string>('process.cwd()');
  }

  async collectGarbage(): Promise<void> {
    // Twice: the first may only queue finalizers whose objects the second frees.
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
  }

  async settle(): Promise<void> {
    await this.evaluate(SETTLE, true);
    await this.collectGarbage();
  }

  async probe(): Promise<Probe> {
    const read = JSON.parse(await this.evaluate<string>(READ_PROBE)) as Pick<Probe, 'memory' | 'resources'>;
    return { ...read, openConnections: 0, held: { descriptors: [], timers: [], listeners: [], finalizers: [], weakRefs: [] }, storage: { diskReads: 0, bytesRead: 0, uploadsWritten: 0 } };
  }

  /** Write a heap snapshot of the attached process to `file`, as the inspector streams it. */
  async snapshot(file: string): Promise<void> {
    await this.collectGarbage();
    const out = createWriteStream(file);
    let failed: Error | null = null;
    out.on('error', (error) => (failed = error));
    this.listeners.set('HeapProfiler.addHeapSnapshotChunk', (params) => out.write((params as { chunk: string }).chunk));
    try {
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      this.listeners.delete('HeapProfiler.addHeapSnapshotChunk');
      await new Promise<void>((resolve) => out.end(resolve));
    }
    if (failed) throw failed;
  }

  /** Detach, leaving the service running as it was. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) {
      // Ids stay until the profiler is disabled: disable it, so the service keeps no more than it had.
      await this.send('HeapProfiler.disable').catch(() => undefined);
      this.socket.close();
    }
  }
}
