/**
 * A checker that stays loaded: it runs one check after another as its parent
 * asks over IPC, with memlab's analysis thread kept warm between them. For the
 * suite and the bench, which check hundreds of servers: each check saves
 * starting a checker process and loading memlab in its thread (about a second
 * of CPU). Every check is `runCheck`, as `npm run check N -- --server FILE
 * --json` runs it, and every verdict is the one that command prints.
 *
 * The parent sends a WarmRequest and gets a WarmReply; closing the channel
 * (or Ctrl-C) stops the server of a check under way and deletes its files.
 */
import path from 'node:path';
import { checkFile, findScenario } from './course.ts';
import { UsageError } from './errors.ts';
import { AnalysisThread } from './analysis-thread.ts';
import { runCheck } from './run.ts';
import type { Verdict } from './types.ts';
import { installCleanupHandlers } from './workspace.ts';

export interface WarmRequest {
  readonly id: number;
  /** The scenario's number or folder, as `npm run check` takes it. */
  readonly scenario: string;
  /** The server file to check, relative to the working folder or absolute. */
  readonly server: string;
}

export type WarmVerdict = Verdict & { readonly scenario: string; readonly server: string };

export interface WarmReply {
  readonly id: number;
  /** The check command's exit code: 0 PASS, 1 FAIL, 2 could not check or an error. */
  readonly code: 0 | 1 | 2;
  /** What `--json` prints, when the check gave a verdict. */
  readonly verdict: WarmVerdict | null;
  /** What the command would have printed on stderr: a usage error, or a bug in the kit. */
  readonly stderr: string;
}

async function check(request: WarmRequest): Promise<Omit<WarmReply, 'id'>> {
  try {
    const scenario = findScenario(request.scenario);
    const file = path.resolve(request.server);
    const verdict = await runCheck({ serverFile: file, checkFile: checkFile(scenario) });
    const code = verdict.status === 'pass' ? 0 : verdict.status === 'fail' ? 1 : 2;
    return { code, verdict: { scenario: scenario.folder, server: path.relative(process.cwd(), file), ...verdict }, stderr: '' };
  } catch (error) {
    const stderr = error instanceof UsageError ? error.message : `The checker itself failed; this is a bug in the kit, not in your server:\n${(error as Error).stack ?? error}`;
    return { code: 2, verdict: null, stderr };
  }
}

if (!process.send || !process.channel) {
  console.error('checker/warm.ts runs checks for a parent process over IPC: start it with an IPC channel (child_process.fork).');
  process.exit(2);
}
installCleanupHandlers(() => process.stderr.write('Checks interrupted: the server was stopped and its snapshots deleted.\n'));
// The channel is what this process waits on: it stays until the parent closes it.
process.channel.ref();
AnalysisThread.keepWarm();

// One check at a time, in the order asked: two side by side would share this process's cores unseen.
let queue = Promise.resolve();
process.on('message', (message: unknown) => {
  if (typeof message !== 'object' || message === null || !('id' in message)) return;
  const request = message as WarmRequest;
  queue = queue.then(async () => {
    const reply = await check(request);
    process.send!({ id: request.id, ...reply } satisfies WarmReply);
  });
});
