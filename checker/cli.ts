/**
 * npm run check <scenario> [-- --solution | --server FILE] [--keep] [--json]
 *
 * Exit codes: 0 PASS, 1 FAIL, 2 could not check (the server would not start,
 * crashed or hung) or a usage error.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { parseCliArgs, USAGE } from './cli-args.ts';
import { checkFile, findScenario, serverFile } from './course.ts';
import { UsageError } from './errors.ts';
import { readReferenceFigures } from './reference.ts';
import { formatVerdict } from './report.ts';
import { runCheck, type Phase } from './run.ts';
import { installCleanupHandlers } from './workspace.ts';

const PHASE_TEXT: Record<Phase, string> = {
  start: 'starting the server',
  warmup: 'warming it up',
  traffic: 'sending traffic',
  snapshots: 'taking heap snapshots',
  contract: 'checking the service still works',
  analysis: 'asking memlab what stayed',
};

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2), process.env);
  if (args.fromNpm.length) {
    const options = args.fromNpm.join(' ');
    console.error(pc.dim(`(npm kept ${options} for itself; the check read it anyway. The form every npm passes on is: npm run check ${args.scenario ?? '<n>'} -- ${options})`));
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.scenario) throw new UsageError(`Which scenario? For example: npm run check 1\n\n${USAGE}`);
  const scenario = findScenario(args.scenario);
  const file = args.server ? path.resolve(args.server) : serverFile(scenario, args.side);
  if (!existsSync(file)) throw new UsageError(`There is no file ${file} to check.`);
  const showProgress = !args.json && process.stderr.isTTY;
  installCleanupHandlers(() => {
    if (showProgress) process.stderr.write('\n');
    process.stderr.write('Check interrupted: the server was stopped and its snapshots deleted.\n');
  });
  const verdict = await runCheck({
    serverFile: file,
    checkFile: checkFile(scenario),
    keepSnapshots: args.keep,
    onPhase: showProgress ? (phase) => process.stderr.write(`\r\x1b[2K${pc.dim(`… ${PHASE_TEXT[phase]}`)}`) : undefined,
  });
  if (showProgress) process.stderr.write('\r\x1b[2K');
  if (args.json) {
    console.log(JSON.stringify({ scenario: scenario.folder, server: path.relative(process.cwd(), file), ...verdict }, null, 2));
  } else {
    console.log(formatVerdict({ scenario, side: args.side, serverFile: file, verdict, reference: readReferenceFigures()?.scenarios[scenario.folder] }));
  }
  return verdict.status === 'pass' ? 0 : verdict.status === 'fail' ? 1 : 2;
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
