/**
 * The check command's arguments: what `npm run check` accepts and its help text.
 */
import { parseArgs } from 'node:util';
import type { Side } from './course.ts';
import { listScenarios } from './course.ts';
import { UsageError } from './errors.ts';

export const USAGE = `Usage: npm run check <scenario> [-- options]
       npm run check                 your progress, and the next scenario to do
       npm run check -- --all        check every scenario, then your progress

Checks scenarios/<scenario>/server.ts: drives real traffic, takes heap
snapshots, and asks memlab what the server keeps that it should not.

  <scenario>     a number (1, 01) or a folder name (01-download-cache)

Options:
  --solution     check solutions/<scenario>/server.ts instead
  --keep         keep the three heap snapshots, for Chrome DevTools
  --server FILE  check another server file against the scenario's check
  --json         print the verdict as JSON
  --report       also write the verdict as a web page (memory chart, retainer path)
  --all          check every scenario in turn (with --solution: every solution)
  --watch        check again each time you save the scenario's files
  --poll         with --watch: poll the files (for WSL, network drives)
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
  readonly all: boolean;
  readonly watch: boolean;
  readonly report: boolean;
  readonly poll: boolean;
  /** A server file to check instead of the scenario's or solution's own. */
  readonly server: string | undefined;
  /** Options npm took for its own settings (no \`--\` before them) and the check read anyway. */
  readonly fromNpm: readonly string[];
}

/**
 * \`npm run check 1 --solution\` (without \`--\`) does not pass --solution to the
 * check: npm keeps it as its own setting, warns that it does not know it, and
 * puts it in the environment as npm_config_solution. Read such options back
 * from there, so that the check does what the learner asked for.
 */
function optionsNpmTook(env: NodeJS.ProcessEnv, positionals: readonly string[]): { argv: string[]; names: string[] } {
  if (!env.npm_lifecycle_event) return { argv: [], names: [] };
  const argv: string[] = [];
  const names: string[] = [];
  for (const name of ['solution', 'keep', 'json', 'watch', 'poll', 'report']) {
    if (env[`npm_config_${name}`] === 'true') {
      argv.push(`--${name}`);
      names.push(`--${name}`);
    }
  }
  // \`--server FILE\`: npm takes --server as a flag and leaves FILE behind as a second positional.
  if (env.npm_config_server === 'true' && positionals.length === 2) {
    argv.push('--server', positionals[1]!);
    names.push('--server');
  }
  return { argv, names };
}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliArgs {
  const positionals = argv.filter((arg) => !arg.startsWith('-'));
  const npmTook = optionsNpmTook(env, positionals);
  // With --server taken by npm, its FILE is the second positional: it goes back behind --server.
  const args = npmTook.names.includes('--server') ? [positionals[0]!, ...argv.filter((arg) => arg.startsWith('-')), ...npmTook.argv] : [...argv, ...npmTook.argv];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        solution: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        all: { type: 'boolean', default: false },
        watch: { type: 'boolean', default: false },
        report: { type: 'boolean', default: false },
        poll: { type: 'boolean', default: false },
        server: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.values.server !== undefined && parsed.values.solution) throw new UsageError('Use --solution or --server, not both.');
  if (parsed.values.watch && (parsed.values.json || parsed.values.all)) throw new UsageError('--watch checks one scenario as you edit it: not with --json or --all.');
  if (parsed.values.poll && !parsed.values.watch) throw new UsageError('--poll goes with --watch.');
  if (parsed.positionals.length > 1) throw new UsageError(`Check one scenario at a time (got ${parsed.positionals.join(', ')}).`);
  return {
    scenario: parsed.positionals[0],
    side: parsed.values.solution ? 'solution' : 'scenario',
    keep: parsed.values.keep ?? false,
    json: parsed.values.json ?? false,
    help: parsed.values.help ?? false,
    all: parsed.values.all ?? false,
    watch: parsed.values.watch ?? false,
    report: parsed.values.report ?? false,
    poll: parsed.values.poll ?? false,
    server: parsed.values.server,
    fromNpm: npmTook.names,
  };
}
