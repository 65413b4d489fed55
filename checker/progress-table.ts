/**
 * The course at a glance: every scenario, what it teaches, where the learner
 * stands with it, and the next one to do.
 */
import pc from 'picocolors';
import { SYMBOLS } from './format.ts';
import { SCENARIOS, type Scenario } from './course.ts';
import type { Progress, ScenarioProgress } from './progress.ts';

function ago(iso: string, now: Date): string {
  const seconds = Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return iso.slice(0, 10);
}

function status(progress: ScenarioProgress | undefined): { text: string; plain: string } {
  const outcome = progress?.lastCheck?.outcome;
  if (outcome === 'passed') return { text: pc.green(`${SYMBOLS.pass} passed`), plain: `${SYMBOLS.pass} passed` };
  const leaks = progress?.lastCheck?.leaks;
  if (outcome === 'failed' && leaks) {
    const plain = `${SYMBOLS.fail} ${leaks.fixed} of ${leaks.total} fixed`;
    return { text: pc.red(plain), plain };
  }
  if (outcome === 'failed') return { text: pc.red(`${SYMBOLS.fail} not yet`), plain: `${SYMBOLS.fail} not yet` };
  if (outcome === 'could-not-check') return { text: pc.yellow('? could not check'), plain: '? could not check' };
  return { text: pc.dim('· not tried'), plain: '· not tried' };
}

/** The first scenario whose last check did not pass, in course order. */
export function nextScenario(progress: Progress): Scenario | undefined {
  return SCENARIOS.find((scenario) => progress.scenarios[scenario.folder]?.lastCheck?.outcome !== 'passed');
}

export function formatProgress(progress: Progress, now: Date = new Date(), terminalColumns: number = process.stdout.columns || 120): string {
  // One column short of the terminal: some Windows consoles add a blank line after a full-width one.
  const columns = terminalColumns - 1;
  const rows = SCENARIOS.map((scenario) => {
    const entry = progress.scenarios[scenario.folder];
    return { scenario, status: status(entry), when: entry?.lastCheck ? ago(entry.lastCheck.at, now) : '' };
  });
  const titleWidth = Math.max(...rows.map((row) => row.scenario.title.length));
  const statusWidth = Math.max(...rows.map((row) => row.status.plain.length));
  // What each teaches fills the rest of the line, cut to fit the terminal.
  const room = columns - (2 + 2 + 2 + titleWidth + 2 + statusWidth + 2 + 11 + 2);
  const fit = (text: string) => (room < 20 ? '' : text.length <= room ? text : `${text.slice(0, room - 1)}…`);
  const lines = rows.map(
    (row) =>
      `  ${row.scenario.number}  ${row.scenario.title.padEnd(titleWidth)}  ${row.status.text}${' '.repeat(statusWidth - row.status.plain.length)}  ${pc.dim(row.when.padEnd(11))}  ${pc.dim(fit(row.scenario.teaches))}`.trimEnd(),
  );
  const passed = rows.filter((row) => row.status.plain.startsWith(SYMBOLS.pass)).length;
  const next = nextScenario(progress);
  return [
    `${pc.bold('forgotten-garbage')}  ${passed} of ${SCENARIOS.length} scenarios pass`,
    '',
    ...lines,
    '',
    next
      ? `Next: ${next.number} ${next.title}. Read scenarios/${next.folder}/README.md,\nthen: npm run check ${Number(next.number)}`
      : pc.green('Every scenario passes. Well done.'),
    pc.dim('npm run check N · npm run hint N · npm run demo N · npm run check -- --all'),
  ].join('\n');
}
