/**
 * The parent's side of checker/warm.ts: a checker process that stays loaded
 * and runs the checks it is given one after another. `check` gives what
 * `npm run check <scenario> -- --server <file> --json` gives (its exit code,
 * its verdict, what it printed on stderr), without starting a checker and
 * loading memlab for every server. Used by the suite and `npm run bench --
 * --variants`, which check hundreds of servers.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './fixtures.ts';
import type { WarmReply, WarmRequest } from './warm.ts';
import { KIT_LOADER } from './server-process.ts';

export interface WarmCheck {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly verdict: WarmReply['verdict'];
}

export interface WarmChecker {
  check(scenario: string, server: string): Promise<WarmCheck>;
  /** Close the channel: the process ends once its check under way, if any, has stopped its server and deleted its files. */
  close(): Promise<void>;
}

export function startWarmChecker(options: { env?: NodeJS.ProcessEnv } = {}): WarmChecker {
  const child = fork(path.join(PROJECT_ROOT, 'checker', 'warm.ts'), [], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', KIT_LOADER],
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout!.resume();
  const waiting = new Map<number, { resolve(reply: WarmReply): void; reject(error: Error): void }>();
  child.on('message', (reply: WarmReply) => {
    waiting.get(reply.id)?.resolve(reply);
    waiting.delete(reply.id);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const { reject } of waiting.values()) reject(new Error(`the warm checker exited (${signal ?? code}) during a check:\n${stderr}`));
      waiting.clear();
      resolve();
    }),
  );
  let nextId = 0;
  return {
    async check(scenario, server) {
      const id = nextId++;
      const printedBefore = stderr.length;
      const reply = await new Promise<WarmReply>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, scenario, server } satisfies WarmRequest);
      });
      return { code: reply.code, stdout: reply.verdict ? JSON.stringify(reply.verdict, null, 2) : '', stderr: stderr.slice(printedBefore) + reply.stderr, verdict: reply.verdict };
    },
    async close() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
