/**
 * Arguments for every command of the kit (check, hint, reset, demo): Node's
 * parseArgs, with two things a learner meets on the first day made plain.
 *
 * - \`npm run hint 1 --all\` (no \`--\` before the option, or PowerShell with npm
 *   10, which drops the \`--\`) does not pass --all on: npm keeps it as its own
 *   setting and puts it in the environment as npm_config_all. The options are
 *   read back from there, and the command says so.
 * - parseArgs' own messages are written for programmers; these say what to
 *   type instead.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** For a string option: an example value, for the message when it is missing ("30"). */
  readonly example?: string;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
  /** Options npm kept for itself and the command read back ("--solution"). */
  readonly fromNpm: string[];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The option a mistyped one was probably meant to be. */
export function closestOption(typed: string, names: readonly string[]): string | undefined {
  const ranked = names.map((name) => ({ name, cost: distance(typed, name) })).sort((a, b) => a.cost - b.cost);
  const best = ranked[0];
  return best && best.cost <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}

/**
 * Parse `argv` for the command `npm run <command>`; `example` shows how the
 * command is typed ("npm run demo 1"), for messages.
 */
export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
  env: NodeJS.ProcessEnv = {},
): ParsedArgs {
  const fromNpm: string[] = [];
  const extra: string[] = [];
  let positionals = argv.filter((arg) => !arg.startsWith('-'));
  if (env.npm_lifecycle_event) {
    for (const [name, spec] of Object.entries(options)) {
      const value = env[`npm_config_${name}`];
      if (value === undefined || argv.includes(`--${name}`)) continue;
      if (spec.type === 'boolean' && value === 'true') {
        extra.push(`--${name}`);
        fromNpm.push(`--${name}`);
      } else if (spec.type === 'string' && value !== 'true' && value !== '') {
        extra.push(`--${name}`, value);
        fromNpm.push(`--${name}`);
      } else if (spec.type === 'string' && value === 'true' && positionals.length >= 2) {
        // npm took `--server` as a flag and left its value behind as the last positional.
        const taken = positionals.at(-1)!;
        extra.push(`--${name}`, taken);
        fromNpm.push(`--${name}`);
        positionals = positionals.slice(0, -1);
      }
    }
  }
  const args = [...argv.filter((arg) => arg.startsWith('-') || positionals.includes(arg)), ...extra];
  try {
    const config = Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]));
    const parsed = parseArgs({ args, allowPositionals: true, options: config });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals, fromNpm };
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(message);
    if (unknown) {
      const guess = closestOption(unknown[2]!, Object.keys(options));
      throw new UsageError(
        `Unknown option ${unknown[1]}${unknown[2]}${guess ? ` (did you mean --${guess}?)` : ''}. npm run ${command} -- --help lists the options.`,
      );
    }
    const missing = /Option '--([\w-]+)(?: <value>)?' argument missing/.exec(message);
    if (missing) {
      const example = options[missing[1]!]?.example ?? 'VALUE';
      throw new UsageError(`--${missing[1]} needs a value: npm run ${command} -- --${missing[1]} ${example}`);
    }
    throw new UsageError(`${message}\nnpm run ${command} -- --help lists the options.`);
  }
}

/** The note a command prints when it read options back from npm's settings. */
export function npmTookNote(command: string, positionals: readonly string[], fromNpm: readonly string[]): string {
  const options = fromNpm.join(' ');
  return (
    `(npm took ${options} as its own option; the command read it anyway. Put -- before the command's options: ` +
    `npm run ${[command, ...positionals].join(' ')} -- ${options}. In PowerShell with npm 10, type npm.cmd instead of npm.)`
  );
}
