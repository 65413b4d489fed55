/**
 * npm run hint <scenario> [hint number] [-- --all]
 *
 * Shows the next hint each time it is asked; a number shows that hint; --all
 * shows every hint read so far. What was read is kept in the progress file.
 */
import pc from 'picocolors';
import { findScenario, listScenarios } from './course.ts';
import { npmTookNote, parseCommandArgs } from './command-args.ts';
import { UsageError } from './errors.ts';
import { readHints, type Hint } from './hints.ts';
import { readProgress, updateProgress } from './progress.ts';

export const HINT_USAGE = `Usage: npm run hint <scenario> [number] [-- --all]

Shows the next hint for a scenario, mildest first; each time you ask, one more.

  <scenario>   a number (1, 01) or a folder name (01-download-cache)
  [number]     show that hint (the presenter may say "take hint 2")

Options:
  --all        show every hint you have read so far
  -h, --help   show this help

Scenarios:
${listScenarios()}`;

function show(hint: Hint, total: number): string {
  return [pc.bold(`Hint ${hint.number} of ${total}${hint.title ? ` — ${hint.title}` : ''}`), '', hint.text].join('\n');
}

function main(argv: readonly string[]): number {
  const parsed = parseCommandArgs('hint', argv, { all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, process.env);
  if (parsed.fromNpm.length) console.error(pc.dim(npmTookNote('hint', parsed.positionals, parsed.fromNpm)));
  if (parsed.values.help) {
    console.log(HINT_USAGE);
    return 0;
  }
  const [name, wanted, ...extra] = parsed.positionals;
  if (!name) throw new UsageError(`Which scenario? For example: npm run hint 1\n\n${HINT_USAGE}`);
  if (extra.length) throw new UsageError(`Ask for one scenario's hints at a time, and at most one hint number (got ${parsed.positionals.join(', ')}).`);
  const scenario = findScenario(name);
  const hints = readHints(scenario);
  if (hints.length === 0) throw new UsageError(`Scenario ${scenario.number} has no hints.`);
  const progress = readProgress().scenarios[scenario.folder];
  if (scenario.hintsAfterFirstCheck && !progress?.lastCheck) {
    throw new UsageError(
      `${scenario.number} ${scenario.title}: its hints open after your first check. On call, the first step is a measurement, not a guess;\n` +
        `run npm run check ${Number(scenario.number)}, read what it caught and with which instrument, then ask again.`,
    );
  }
  const shown = progress?.hintsShown ?? 0;

  let toShow: Hint[];
  if (wanted !== undefined) {
    const hint = hints.find((candidate) => String(candidate.number) === wanted.replace(/^0+(?=\d)/, ''));
    if (!hint) throw new UsageError(`Scenario ${scenario.number} has hints 1 to ${hints.length}; there is no hint "${wanted}".`);
    toShow = [hint];
  } else if (parsed.values.all) {
    toShow = hints.slice(0, Math.max(shown, 1));
  } else {
    toShow = [hints[Math.min(shown, hints.length - 1)]!];
  }
  const newest = Math.max(shown, ...toShow.map((hint) => hint.number));
  updateProgress(scenario.folder, (current) => ({ ...current, hintsShown: newest }));

  console.log(`${scenario.number} ${scenario.title}\n`);
  console.log(toShow.map((hint) => show(hint, hints.length)).join('\n\n'));
  console.log('');
  if (newest >= hints.length) {
    console.log(pc.dim(`That is the last hint. solutions/${scenario.folder}/WHY.md explains the fix in full.`));
  } else {
    console.log(pc.dim(`Still stuck? npm run hint ${Number(scenario.number)} gives hint ${newest + 1} of ${hints.length}.`));
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
