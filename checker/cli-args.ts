/**
 * The check command's arguments: what `npm run check` accepts and its help text.
 */
import { parseCommandArgs } from './command-args.ts';
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
  --keep         keep the heap snapshots from before and after the traffic,
                 for Chrome DevTools
  --server FILE  check another server file against the scenario's check
                 (a path from the folder you are in)
  --json         print the verdict as JSON
  --report       also write the verdict as a web page (chart, retainer path)
  --all          check every scenario in turn (with --solution: every solution)
  --watch        check again each time you save the scenario's files
  --poll         with --watch: poll the files (for WSL, network drives)
  -h, --help     show this help

Exit code: 0 PASS, 1 FAIL, 2 could not check (or the command was wrong).

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

const OPTIONS = {
  solution: { type: 'boolean' },
  keep: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  all: { type: 'boolean' },
  watch: { type: 'boolean' },
  report: { type: 'boolean' },
  poll: { type: 'boolean' },
  server: { type: 'string', example: 'my-server.ts' },
} as const;

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliArgs {
  const parsed = parseCommandArgs('check', argv, OPTIONS, env);
  const values = parsed.values as { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };
  if (values.server !== undefined && values.solution) throw new UsageError('Use --solution or --server, not both.');
  if (values.watch && (values.json || values.all)) throw new UsageError('--watch checks one scenario as you edit it: not with --json or --all.');
  if (values.poll && !values.watch) throw new UsageError('--poll goes with --watch.');
  if (values.all && (parsed.positionals.length || values.server || values.json || values.keep || values.report)) {
    throw new UsageError(`--all checks every scenario: leave out ${[...parsed.positionals.map((name) => `the scenario (${name})`), ...(['server', 'json', 'keep', 'report'] as const).filter((name) => values[name]).map((name) => `--${name}`)].join(', ')}.`);
  }
  if (parsed.positionals.length > 1) throw new UsageError(`Check one scenario at a time, or all with --all (got ${parsed.positionals.join(', ')}).`);
  return {
    scenario: parsed.positionals[0],
    side: values.solution ? 'solution' : 'scenario',
    keep: values.keep ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
    all: values.all ?? false,
    watch: values.watch ?? false,
    report: values.report ?? false,
    poll: values.poll ?? false,
    server: values.server,
    fromNpm: parsed.fromNpm,
  };
}
