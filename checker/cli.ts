/**
 * npm run check <scenario> [-- --solution] [--keep] [--json]
 *
 * Exit codes: 0 PASS, 1 FAIL, 2 could not check (the server would not start,
 * crashed or hung) or a usage error.
 */
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { checkFile, findScenario, listScenarios, serverFile, type Side } from './course.ts';
import { UsageError } from './errors.ts';
import { formatVerdict } from './report.ts';
import { runCheck, type Phase } from './run.ts';
import { installCleanupHandlers } from './workspace.ts';

const USAGE = `Usage: npm run check <scenario> [-- options]

Checks scenarios/<scenario>/server.ts: drives real traffic, takes heap
snapshots, and asks memlab what the server keeps that it should not.

  <scenario>     a number (1, 01) or a folder name (01-download-cache)

Options:
  --solution     check solutions/<scenario>/server.ts instead
  --keep         keep the three heap snapshots, for Chrome DevTools
  --json         print the verdict as JSON
  -h, --help     show this help

Exit code: 0 PASS, 1 FAIL, 2 could not check.

Scenarios:
${listScenarios()}`;

export interface CliArgs {
  readonly scenario: string | undefined;
  readonly side: Side;
  readonly keep: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        solution: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.positionals.length > 1) throw new UsageError(`Check one scenario at a time (got ${parsed.positionals.join(', ')}).`);
  return {
    scenario: parsed.positionals[0],
    side: parsed.values.solution ? 'solution' : 'scenario',
    keep: parsed.values.keep ?? false,
    json: parsed.values.json ?? false,
    help: parsed.values.help ?? false,
  };
}

const PHASE_TEXT: Record<Phase, string> = {
  start: 'starting the server',
  warmup: 'warming it up',
  traffic: 'sending traffic',
  snapshots: 'taking heap snapshots',
  contract: 'checking the service still works',
  analysis: 'asking memlab what stayed',
};

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.scenario) throw new UsageError(`Which scenario? For example: npm run check 1\n\n${USAGE}`);
  const scenario = findScenario(args.scenario);
  const file = serverFile(scenario, args.side);
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
    console.log(JSON.stringify({ scenario: scenario.folder, side: args.side, ...verdict }, null, 2));
  } else {
    console.log(formatVerdict({ scenario, side: args.side, serverFile: file, verdict }));
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
