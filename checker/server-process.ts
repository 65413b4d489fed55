/**
 * Starts the learner's server in a child process under the harness, and talks
 * to it. Every way the server can misbehave (will not compile, throws, exits,
 * hangs) ends here as a CouldNotCheck with a sentence about what it did.
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CouldNotCheck } from './errors.ts';
import type { HarnessCommand, HarnessEvent, Probe } from './protocol.ts';

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'harness.ts');
/** A service of the user's may be CommonJS, or TypeScript under its own tsconfig: tsx runs those. */
const TSX_LOADER = import.meta.resolve('tsx');
/**
 * The kit's servers and commands are TypeScript modules: compiled by the kit's own hooks (`node --import` this), which
 * start in a fraction of tsx's time.
 */
export const KIT_LOADER = new URL('./typescript.mjs', import.meta.url).href;
/** Kept from the server's output to explain a failure. */
const OUTPUT_TAIL_CHARS = 8_000;

export interface StartOptions {
  /** How long the server may take to load and listen. */
  readonly startTimeoutMs: number;
  readonly env?: Record<string, string>;
  /** Cap on the server's old generation, so a runaway heap fails fast. */
  readonly maxOldSpaceMb?: number;
  /** The folder the server runs in (default: the checker's). */
  readonly cwd?: string;
  /** Pass the user's NODE_OPTIONS on (a service of theirs may need them); the workshop's servers run without. */
  readonly keepNodeOptions?: boolean;
  /** Whom the sentences about a server that will not start speak to: a learner's scenario server, or a service of the user's. */
  readonly audience?: 'learner' | 'service';
  /**
   * Start the process now, but load the server file only when this settles
   * (watch mode, after the next save); `startTimeoutMs` counts from then.
   */
  readonly loadWhen?: Promise<void>;
  /**
   * A check's rules for letting go (see FinalizerRecorder and LateReleases):
   * no FinalizationRegistry callback runs, and what a timer of
   * RELEASE_WAIT_MS or more lets go of counts as held. Off for the probe,
   * whose services run as at work.
   */
  readonly strictReleases?: boolean;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}


/** Every server process started and not yet gone, from the moment it is forked. */
const children = new Set<ChildProcess>();

/** Kill every server process now (synchronous, so it also runs from process.on('exit')). */
export function stopAllServers(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Kill every server process and wait until each is gone (or `timeoutMs` passes). */
export async function stopAllServersAndWait(timeoutMs: number): Promise<void> {
  const gone = [...children].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      }),
  );
  stopAllServers();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(gone), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

export class ServerProcess {
  readonly port: number;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private output = '';
  private exitReason: CouldNotCheck | null = null;
  private readonly exitWaiters: Array<() => void> = [];

  private constructor(child: ChildProcess, port: number, output: () => string, maxOldSpaceMb: number) {
    this.child = child;
    this.port = port;
    this.readOutput = output;
    this.maxOldSpaceMb = maxOldSpaceMb;
  }

  /** The heap's limit the process was started with (--max-old-space-size), in MiB. */
  readonly maxOldSpaceMb: number;

  private readonly readOutput: () => string;

  static async start(serverFile: string, options: StartOptions): Promise<ServerProcess> {
    const loader = options.audience === 'service' ? TSX_LOADER : KIT_LOADER;
    const maxOldSpaceMb = options.maxOldSpaceMb ?? 768;
    const execArgv = ['--expose-gc', '--import', loader, `--max-old-space-size=${maxOldSpaceMb}`];
    const child = fork(HARNESS, [serverFile], {
      execArgv,
      env: { ...process.env, ...options.env, ...(options.keepNodeOptions ? {} : { NODE_OPTIONS: '' }), FG_HARNESS_STANDBY: options.loadWhen ? '1' : '', FG_HARNESS_STRICT_RELEASES: options.strictReleases ? '1' : '' },
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    // A send to a process that has just died fails with EPIPE; its exit tells the story.
    child.on('error', () => undefined);

    const relative = path.relative(process.cwd(), serverFile);
    const port = await new Promise<number>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const startTimer = (): void => {
        if (!settled) timer = setTimeout(onTimeout, options.startTimeoutMs);
      };
      const onTimeout = (): void => {
        cleanup();
        child.kill('SIGKILL');
        reject(
          new CouldNotCheck(
            'hung at start',
            `${relative} did not finish loading within ${options.startTimeoutMs / 1000} s. Is something at the top level of the file waiting forever (an await, a loop)?`,
          ),
        );
      };
      // A harness standing by loads the server once both it is ready and the caller says so.
      let standingBy = false;
      let loading = !options.loadWhen;
      const load = (): void => {
        if (standingBy && loading && child.connected) child.send('load');
      };
      if (options.loadWhen) {
        options.loadWhen.then(
          () => {
            loading = true;
            startTimer();
            load();
          },
          () => undefined,
        );
      } else {
        startTimer();
      }
      const onMessage = (event: HarnessEvent): void => {
        if (event.type === 'standing-by') {
          standingBy = true;
          load();
        } else if (event.type === 'ready') {
          cleanup();
          resolve(event.port);
        } else if (event.type === 'start-problem') {
          cleanup();
          child.kill('SIGKILL');
          const problem = event.problem;
          if (problem.kind === 'import-failed') {
            reject(startFailure(relative, problem.message, problem.location, output));
          } else if (problem.kind === 'no-export') {
            const exported = problem.exported.length ? problem.exported.join(', ') : 'nothing';
            reject(
              new CouldNotCheck(
                'no app exported',
                options.audience === 'service'
                  ? `${relative} exports no app or server the probe can run (it exports ${exported}). Export one, as \`export default\`, \`module.exports\`, or a named \`app\` or \`server\`: an Express or Koa app, a Fastify instance, a request listener \`(req, res) => …\`, an http.Server, or a function createApp() / createServer() that returns one of these.`
                  : `${relative} does not export its app. Keep \`export default app;\` at the end of the file (it exports ${exported}).`,
              ),
            );
          } else {
            reject(
              new CouldNotCheck(
                'listens on its own port',
                options.audience === 'service'
                  ? `${relative} calls listen(${problem.port}) when it is loaded, on a server it does not export. The probe listens on a free port of its own: export that server (or the app), or probe the running service with --attach.`
                  : `${relative} calls listen(${problem.port}) when it is loaded. The checker starts the server on a free port of its own: export the app and listen only when the file is run directly, as the original server.ts does.`,
              ),
            );
          }
        } else if (event.type === 'crash') {
          cleanup();
          child.kill('SIGKILL');
          reject(startFailure(relative, event.message, event.location, output));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        cleanup();
        reject(new CouldNotCheck('failed to start', `${relative} stopped while it was loading: ${describeExit(code, signal, output)}`));
      };
      const cleanup = (): void => {
        settled = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });

    const server = new ServerProcess(child, port, () => output, maxOldSpaceMb);
    child.on('message', (event: HarnessEvent) => server.onEvent(event));
    child.on('exit', (code, signal) => server.onExit(code, signal));
    return server;
  }

  /** What the server printed lately (stdout and stderr). */
  get recentOutput(): string {
    return this.readOutput();
  }

  /** Set once the process has ended; the sentence says how. */
  get ended(): CouldNotCheck | null {
    return this.exitReason;
  }

  private onEvent(event: HarnessEvent): void {
    if (event.type === 'reply') {
      const pending = this.pending.get(event.id);
      if (!pending) return;
      this.pending.delete(event.id);
      clearTimeout(pending.timer);
      if (event.ok) pending.resolve(event.value);
      else pending.reject(new CouldNotCheck('harness error', `The checker could not inspect the server: ${event.message}`));
    } else if (event.type === 'crash') {
      const where = event.location ? ` at ${event.location}` : outsideYourCode(event.stack);
      const what = event.reason === 'unhandledRejection' ? 'a promise was rejected and nothing caught it' : 'an exception was thrown and nothing caught it';
      this.exitReason = new CouldNotCheck('crashed', `The server crashed while handling traffic: ${what}${where}: ${event.message}`);
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const outOfMemory = OUT_OF_MEMORY.test(this.readOutput());
    this.exitReason ??= new CouldNotCheck(outOfMemory ? 'out of memory' : 'exited', `The server stopped while handling traffic: ${describeExit(code, signal, this.readOutput())}`);
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(this.exitReason);
    }
    this.pending.clear();
    for (const resolve of this.exitWaiters.splice(0)) resolve();
  }

  /** Send a command to the harness; a silent server becomes a CouldNotCheck. */
  command<T>(command: HarnessCommand, timeoutMs: number): Promise<T> {
    if (this.exitReason) return Promise.reject(this.exitReason);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new CouldNotCheck(
            'not responding',
            `The server's process stopped responding (no answer within ${timeoutMs / 1000} s while ${DOING[command.type]}). Is a handler stuck in a loop that never yields?${command.type === 'snapshot' ? ' (A very large heap, from a leak that grew far, can also take this long to write.)' : ''}`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      // If the send fails, the process is exiting: its exit rejects this command with the reason.
      this.child.send({ id, command }, () => undefined);
    });
  }

  probe(timeoutMs = 10_000): Promise<Probe> {
    return this.command<Probe>({ type: 'probe' }, timeoutMs);
  }

  /**
   * The process's resident memory in MiB, read from outside it (it may be too busy to answer): /proc on Linux, ps on
   * macOS; null where neither answers (Windows).
   */
  async residentMb(): Promise<number | null> {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return null;
    if (process.platform === 'linux') {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      return kib ? Number(kib) / 1024 : null;
    }
    if (process.platform === 'win32') return null;
    return new Promise((resolve) => {
      execFile('ps', ['-o', 'rss=', '-p', String(pid)], { timeout: 2_000 }, (error, stdout) => {
        const kib = Number(stdout.trim());
        resolve(error || !Number.isFinite(kib) || kib <= 0 ? null : kib / 1024);
      });
    });
  }

  /** Wait until the process has ended, or `ms` have passed; true if it ended. */
  waitForExit(ms: number): Promise<boolean> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Force a kill now; safe to call twice. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Kill the process and wait until it is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
        return;
    }
    const gone = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.exitReason ??= new CouldNotCheck('stopped', 'The server was stopped by the checker.');
    this.child.kill('SIGKILL');
    await gone;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}

/** What the checker was doing when a command went unanswered, as the learner reads it. */
const DOING: Record<HarnessCommand['type'], string> = {
  snapshot: 'taking a heap snapshot',
  'number-heap': 'taking the baseline heap snapshot',
  gc: 'collecting garbage',
  probe: 'reading its memory and handles',
  settle: 'waiting for the traffic to end',
  'requests-held': 'waiting for clients that asked for one file at once to reach it',
  'emit-file-changed': 'telling it a file changed',
  'start-sampling': 'starting to sample its memory',
  'stop-sampling': 'reading its sampled memory',
  'until-steady': 'waiting until it had done all it could without its client',
  'slow-disk': 'slowing down its disk',
  'fast-disk': 'giving its disk back its speed',
  'reads-after-hang-up-last': 'slowing down the reads of downloads whose clients have gone',
  'hold-file-system': 'holding back its file reads',
  'hold-stream-reads': 'holding back its streamed file reads',
  'first-bytes-hold': 'giving its downloads the first bytes of their files only',
  'until-first-bytes': 'waiting for the first bytes of a download',
  'file-system-held': 'waiting for a handler to read a file',
  'release-file-system': 'handing its file reads back',
};

const OUT_OF_MEMORY = /heap out of memory|Reached heap limit/i;

function describeExit(code: number | null, signal: NodeJS.Signals | null, output: string): string {
  if (OUT_OF_MEMORY.test(output)) return 'it ran out of heap memory (JavaScript heap out of memory).';
  if (signal) return `it was killed by ${signal}.`;
  return `it exited with code ${code}${code === 0 ? '' : ''} (does something call process.exit?).`;
}

function startFailure(relative: string, message: string, location: string | undefined, output: string): CouldNotCheck {
  const where = location ? ` (at ${location})` : '';
  if (/SyntaxError|Transform failed|ERROR: /.test(message) || /Transform failed/.test(output)) {
    const detail = firstCompilerError(message + '\n' + output);
    // An error in a module the server imports: name that file, where the learner has to look.
    if (detail.file && path.resolve(detail.file) !== path.resolve(relative)) {
      const other = path.relative(process.cwd(), detail.file).split(path.sep).join('/');
      return new CouldNotCheck('does not compile', `${other}, which ${relative} imports, does not compile: ${detail.text} (${path.basename(detail.file)}:${detail.position})`);
    }
    return new CouldNotCheck('does not compile', `${relative} does not compile: ${detail.text}${detail.file ? ` (${path.basename(detail.file)}:${detail.position})` : ''}${where}`);
  }
  return new CouldNotCheck('failed to start', `${relative} threw while it was loading: ${message}${where}`);
}

/** The compiler's first error: its text, and the file and line:column it names, when it names one. */
function firstCompilerError(text: string): { text: string; file?: string; position?: string } {
  // esbuild starts the line with the file's path, which may hold spaces ("C:\\Users\\First Last\\…").
  const esbuild = /^\s*(.+?):(\d+:\d+): ERROR: (.+)$/m.exec(text);
  if (esbuild) return { text: esbuild[3]!, file: esbuild[1]!, position: esbuild[2]! };
  const syntax = /SyntaxError: (.+)/.exec(text);
  if (syntax) return { text: syntax[1]! };
  return { text: text.split('\n').find((line) => line.trim()) ?? 'unknown error' };
}

/**
 * Where a crash whose stack names none of the server's files began: often
 * Node's own frame (a stream adapter, a timer), which tells the learner which
 * part of their code handed work to it. Empty when the error has no stack.
 */
export function outsideYourCode(stack: string | undefined): string {
  const frame = stack?.split('\n').find((line) => /^\s+at /.test(line));
  if (!frame) return '';
  const place = /\(([^()]+)\)\s*$/.exec(frame)?.[1] ?? frame.trim().replace(/^at /, '');
  return ` (none of your files is on its stack; it begins at ${place})`;
}
