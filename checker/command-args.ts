/**
 * Arguments for every command of the kit (check, hint, reset, demo): Node's
 * parseArgs, with two things a learner meets on the first day made plain.
 *
 * - \`npm run hint 1 --all\` (no \`--\` before the option, or PowerShell, whose
 *   npm.ps1 drops the \`--\`) does not pass --all on: npm keeps it as its own
 *   setting and puts it in the environment as npm_config_all. The options are
 *   read back from there (a string option's value, which npm leaves behind as
 *   a word, by its place or its look), and the command says so. npm answers
 *   --help itself: \`npm run check help\` asks the command.
 * - parseArgs' own messages are written for programmers; these say what to
 *   type instead.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** A string option that may be given more than once (--request a --request b). */
  readonly multiple?: boolean;
  /** For a string option: an example value, for the message when it is missing ("30"). */
  readonly example?: string;
  /** For a string option: how its values look, to tell them apart from other words npm left behind. */
  readonly looksLike?: RegExp;
}

export interface ParsedArgs {
  readonly values: Record<string, string | string[] | boolean | undefined>;
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
    // npm keeps `--name value` as npm_config_name=true (one "true" per time it was given) and leaves value behind as a word.
    const leftBehind: Array<{ name: string; spec: OptionSpec; count: number }> = [];
    for (const [name, spec] of Object.entries(options)) {
      const value = env[`npm_config_${name}`];
      if (value === undefined || argv.includes(`--${name}`)) continue;
      if (spec.type === 'boolean' && value === 'true') {
        extra.push(`--${name}`);
        fromNpm.push(`--${name}`);
      } else if (spec.type === 'string' && value !== '' && !/^true(\n\ntrue)*$/.test(value)) {
        extra.push(`--${name}`, value);
        fromNpm.push(`--${name}`);
      } else if (spec.type === 'string' && value !== '') {
        leftBehind.push({ name, spec, count: value.split('\n\n').length });
      }
    }
    const claim = (name: string, taken: string[]): void => {
      for (const word of taken) extra.push(`--${name}`, word);
      fromNpm.push(`--${name}`);
      positionals = positionals.filter((word) => !taken.includes(word));
    };
    for (const { name, spec, count } of leftBehind.filter((one) => one.spec.looksLike)) {
      const taken = positionals.slice(1).filter((word) => spec.looksLike!.test(word)).slice(0, spec.multiple ? count : 1);
      const rival = leftBehind.find((other) => other.name !== name && taken.some((word) => other.spec.looksLike?.test(word)));
      if (rival) {
        throw new UsageError(
          `npm took --${name} and --${rival.name} as its own options and left ${taken.join(', ')} behind, which could be either: put -- before the command's options (npm run ${command} -- …). In PowerShell, type npm.cmd instead of npm.`,
        );
      }
      if (taken.length) claim(name, taken);
    }
    const plain = leftBehind.filter((one) => !one.spec.looksLike);
    if (plain.length === 1 && positionals.length >= 2) claim(plain[0]!.name, [positionals.at(-1)!]);
  }
  // `npm run check -- --help` reaches the command as `npm run check --help` where `--` is dropped, and npm answers it itself.
  if (options.help && positionals.length === 1 && positionals[0] === 'help') {
    positionals = [];
    extra.push('--help');
  }
  const args = [...argv.filter((arg) => arg.startsWith('-') || positionals.includes(arg)), ...extra];
  try {
    const config = Object.fromEntries(
      Object.entries(options).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) }]),
    );
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
