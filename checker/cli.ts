/**
 * npm run check <scenario> [-- --solution | --server FILE] [--keep] [--json]
 * npm run check                 the progress table and the next scenario to do
 * npm run check -- --all        check every scenario, then the progress table
 * npm run check <scenario> -- --watch   check again on every save
 *
 * Exit codes: 0 PASS, 1 FAIL, 2 could not check (the server would not start,
 * crashed or hung) or a usage error.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { SYMBOLS } from './format.ts';
import { parseCliArgs, USAGE, type CliArgs } from './cli-args.ts';
import { npmTookNote } from './command-args.ts';
import { checkFile, findScenario, SCENARIOS, serverFile, type Scenario } from './course.ts';
import { UsageError } from './errors.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import { renderHtmlReport, type HtmlReportInput } from './html-report.ts';
import { readReferenceFigures } from './reference.ts';
import { formatProgress } from './progress-table.ts';
import { readProgress, recordCheck, stateDir } from './progress.ts';
import { formatVerdict } from './report.ts';
import { runCheck, type Phase } from './run.ts';
import { watchScenario } from './watch.ts';
import type { Verdict } from './types.ts';
import { installCleanupHandlers } from './workspace.ts';

const PHASE_TEXT: Record<Phase, string> = {
  start: 'starting the server',
  warmup: 'warming it up',
  traffic: 'sending traffic',
  snapshots: 'taking heap snapshots',
  contract: 'checking the service still works',
  analysis: 'asking memlab what stayed',
};

let watchSaidGo = false;

/** Watch mode's next check, standing by: tell the watcher, and wait for its word (the next save). */
function untilWatchSaysGo(): Promise<void> {
  return new Promise((resolve) => {
    // Nothing else may keep this process waiting: the channel does, until the word comes.
    process.channel?.ref();
    const onMessage = (message: unknown): void => {
      if (message !== 'go') return;
      watchSaidGo = true;
      process.off('message', onMessage);
      process.channel?.unref();
      resolve();
    };
    process.on('message', onMessage);
    process.send!('standing-by');
  });
}

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2), process.env);
  if (args.fromNpm.length) console.error(pc.dim(npmTookNote('check', args.scenario ? [args.scenario] : [], args.fromNpm)));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.all) return checkAll(args);
  if (!args.scenario) {
    console.log(formatProgress(readProgress()));
    return 0;
  }
  const scenario = findScenario(args.scenario);
  const file = args.server ? path.resolve(process.env.INIT_CWD ?? process.cwd(), args.server) : serverFile(scenario, args.side);
  if (!existsSync(file)) {
    const shown = path.relative(process.cwd(), file) || file;
    throw new UsageError(`There is no file ${shown} to check.${args.server ? '' : ` npm run reset ${Number(scenario.number)} puts the original back.`}`);
  }
  if (args.watch) {
    const checkArgs = [
      scenario.folder,
      ...(args.server ? ['--server', file] : args.side === 'solution' ? ['--solution'] : []),
      ...(args.keep ? ['--keep'] : []),
      ...(args.report ? ['--report'] : []),
    ];
    return watchScenario({ scenario, side: args.side, serverFile: file, checkArgs, poll: args.poll });
  }
  const showProgress = !args.json && process.stderr.isTTY;
  installCleanupHandlers(() => {
    // A check standing by for the next save was no check yet: it ends without a word.
    if (process.env.FG_WATCH_STANDBY === '1' && !watchSaidGo) return;
    if (showProgress) process.stderr.write('\n');
    process.stderr.write('Check interrupted: the server was stopped and its snapshots deleted.\n');
  });
  const verdict = await runCheck({
    serverFile: file,
    checkFile: checkFile(scenario),
    keepSnapshots: args.keep,
    timeline: args.report,
    onPhase: showProgress ? (phase) => process.stderr.write(`\r\x1b[2K${pc.dim(`… ${PHASE_TEXT[phase]}`)}`) : undefined,
    ...(process.env.FG_WATCH_STANDBY === '1' && process.send ? { startWhen: untilWatchSaysGo } : {}),
  });
  if (showProgress) process.stderr.write('\r\x1b[2K');
  // Progress is the learner's own server: not the solution, not another file.
  if (args.side === 'scenario' && !args.server) recordVerdict(scenario, verdict);
  const reference = readReferenceFigures()?.scenarios[scenario.folder];
  const report = args.report ? writeHtmlReport({ scenario, side: args.side, serverFile: file, verdict, reference }) : null;
  if (args.json) {
    console.log(JSON.stringify({ scenario: scenario.folder, server: path.relative(process.cwd(), file), ...verdict, ...(report ? { report } : {}) }, null, 2));
  } else {
    console.log(formatVerdict({ scenario, side: args.side, serverFile: file, verdict, reference }));
    if (report) console.log(`\n  The report is in ${path.relative(process.cwd(), report)}: open it in a browser.`);
  }
  return verdict.status === 'pass' ? 0 : verdict.status === 'fail' ? 1 : 2;
}

/** Write the verdict as a self-contained page under the state folder; returns its path. */
function writeHtmlReport(input: Omit<HtmlReportInput, 'when' | 'nodeVersion' | 'serverFile'> & { serverFile: string }): string {
  const when = new Date();
  const dir = path.join(stateDir(), 'reports');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${input.scenario.folder}-${when.toISOString().slice(0, 19).replace('T', '_').replaceAll(':', '-')}.html`);
  const serverFile = path.relative(PROJECT_ROOT, input.serverFile).split(path.sep).join('/');
  writeFileSync(file, renderHtmlReport({ ...input, serverFile, when, nodeVersion: process.versions.node }));
  return file;
}

const OUTCOME = { pass: 'passed', fail: 'failed', 'could-not-check': 'could-not-check' } as const;

/** The learner's progress after a check of their own server: its outcome, and for a service with several leaks, how many are fixed. */
function recordVerdict(scenario: Scenario, verdict: Verdict): void {
  recordCheck(scenario.folder, OUTCOME[verdict.status], new Date(), verdict.status === 'could-not-check' ? undefined : verdict.leaks);
}

/** Check every scenario's server in turn, then show the progress table. */
async function checkAll(args: CliArgs): Promise<number> {
  if (args.scenario || args.server || args.json) throw new UsageError('--all checks every scenario of yours: give it no scenario, --server or --json.');
  installCleanupHandlers(() => process.stderr.write('\nCheck interrupted: the server was stopped and its snapshots deleted.\n'));
  let worst = 0;
  for (const scenario of SCENARIOS) {
    const side = args.side;
    if (process.stderr.isTTY) process.stderr.write(pc.dim(`… checking ${scenario.number} ${scenario.title}`));
    const verdict = await runCheck({ serverFile: serverFile(scenario, side), checkFile: checkFile(scenario) });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    if (side === 'scenario') recordVerdict(scenario, verdict);
    const line = verdict.status === 'pass' ? pc.green(`${SYMBOLS.pass} PASS`) : verdict.status === 'fail' ? pc.red(`${SYMBOLS.fail} FAIL`) : pc.yellow('? COULD NOT CHECK');
    const leaks = verdict.status !== 'could-not-check' && verdict.leaks ? ` (${verdict.leaks.fixed} of ${verdict.leaks.total} leaks fixed)` : '';
    console.log(`${line}  ${scenario.number} ${scenario.title}${leaks}${verdict.status === 'could-not-check' ? `: ${verdict.sentence}` : ''}`);
    worst = Math.max(worst, verdict.status === 'pass' ? 0 : verdict.status === 'fail' ? 1 : 2);
  }
  if (args.side === 'scenario') console.log(`\n${formatProgress(readProgress())}`);
  return worst;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
    } else {
      console.error(`The checker itself failed; this is a bug in the kit, not in your server:\n${(error as Error).stack ?? error}`);
    }
    process.exitCode = 2;
  },
);
