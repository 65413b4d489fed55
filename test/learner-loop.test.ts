/**
 * The loop around the exercises: the progress table, hints one at a time,
 * and starting over.
 * The commands run as a learner runs them, with their state in a scratch folder.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { learnerFiles, originalFile, originalServerFile, SCENARIOS, serverFile } from '../checker/course.ts';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { parseHints, readHints } from '../checker/hints.ts';
import { formatProgress, nextScenario } from '../checker/progress-table.ts';
import { runCli, runCommand, scratchTempDir, type CommandRun } from './helpers.ts';

const temp = scratchTempDir();
afterAll(() => temp.remove());
const stateDir = path.join(temp.dir, 'state');

function runHint(args: readonly string[]): Promise<CommandRun> {
  return runCommand('hint', args, { env: { FG_STATE_DIR: stateDir } });
}

describe('hints', () => {
  test.each(SCENARIOS.map((scenario) => [scenario.folder, scenario] as const))('%s has three or more hints, numbered from 1', (_folder, scenario) => {
    const hints = readHints(scenario);
    expect(hints.length).toBeGreaterThanOrEqual(3);
    expect(hints.map((hint) => hint.number)).toEqual(hints.map((_, index) => index + 1));
    for (const hint of hints) expect(hint.text.length, `hint ${hint.number} has text`).toBeGreaterThan(40);
  });

  test('sections that are not hints are left out', () => {
    expect(parseHints('# Hints\n\nintro\n\n## Hint 2 — Later\nb\n## Notes\nx\n## Hint 1: First\na\n')).toEqual([
      { number: 1, title: 'First', text: 'a' },
      { number: 2, title: 'Later', text: 'b' },
    ]);
  });

  test('each ask shows the next hint, a number shows that one, --all shows those read so far', async () => {
    const [first, second, third] = readHints(SCENARIOS[0]!);
    const one = await runHint(['1']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`Hint 1 of`);
    expect(one.stdout).toContain(first!.title);
    const two = await runHint(['1']);
    expect(two.stdout).toContain(`Hint 2 of`);
    expect(two.stdout).toContain(second!.title);
    expect(two.stdout).not.toContain(first!.title);
    const all = await runHint(['1', '--all']);
    expect(all.stdout).toContain(first!.title);
    expect(all.stdout).toContain(second!.title);
    expect(all.stdout).not.toContain(third!.title);
    const chosen = await runHint(['01', '3']);
    expect(chosen.stdout).toContain(third!.title);
    const progress = JSON.parse(readFileSync(path.join(stateDir, 'progress.json'), 'utf8'));
    expect(progress.scenarios[SCENARIOS[0]!.folder].hintsShown).toBe(3);
  });

  test('the incident\'s hints open only after a first check, and the first is about method', async () => {
    const scenario = SCENARIOS.find((candidate) => candidate.hintsAfterFirstCheck)!;
    const fresh = path.join(temp.dir, 'state-incident');
    const refused = await runCommand('hint', [scenario.number], { env: { FG_STATE_DIR: fresh } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`npm run check ${Number(scenario.number)}`);
    expect(refused.stdout).toBe('');
    mkdirSync(fresh, { recursive: true });
    const checked = { scenarios: { [scenario.folder]: { lastCheck: { outcome: 'failed', at: new Date().toISOString() } } } };
    writeFileSync(path.join(fresh, 'progress.json'), JSON.stringify(checked));
    const first = await runCommand('hint', [scenario.number], { env: { FG_STATE_DIR: fresh } });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Hint 1 of ${readHints(scenario).length} — ${readHints(scenario)[0]!.title}`);
    // About method: it names the instruments and points at no file of the service.
    for (const file of learnerFiles(scenario)) expect(first.stdout).not.toContain(file);
    expect(first.stdout).toMatch(/instrument/);
  });

  test('a wrong scenario or hint number gets a sentence and exit 2', async () => {
    const wrongScenario = await runHint(['42']);
    expect(wrongScenario.code).toBe(2);
    expect(wrongScenario.stderr).toContain('There is no scenario "42"');
    const wrongHint = await runHint(['1', '9']);
    expect(wrongHint.code).toBe(2);
    expect(wrongHint.stderr).toMatch(/has hints 1 to \d+; there is no hint "9"/);
  });
});

describe('progress', () => {
  test('the table shows each scenario as passed, not yet or not tried, and the next to do', () => {
    const [first, second] = SCENARIOS;
    const incident = SCENARIOS.find((scenario) => scenario.files)!;
    const now = new Date('2026-01-01T12:00:00Z');
    const text = formatProgress(
      {
        scenarios: {
          [first!.folder]: { lastCheck: { outcome: 'passed', at: '2026-01-01T11:50:00Z' } },
          [second!.folder]: { lastCheck: { outcome: 'failed', at: '2026-01-01T11:59:30Z' } },
          [incident.folder]: { lastCheck: { outcome: 'failed', at: '2026-01-01T11:00:00Z', leaks: { total: 3, fixed: 2 } } },
        },
      },
      now,
      200,
    );
    // Without colour codes (CI turns colour on), as a reader sees it.
    const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(lines.find((line) => line.includes(first!.title))).toMatch(/✓ passed\s+10 min ago/);
    expect(lines.find((line) => line.includes(second!.title))).toMatch(/✗ not yet\s+just now/);
    // A service with several leaks shows how many its last check found fixed.
    expect(lines.find((line) => line.includes(incident.title))).toMatch(/✗ 2 of 3 fixed\s+1 h ago/);
    for (const scenario of SCENARIOS.slice(2).filter((scenario) => scenario !== incident)) expect(lines.find((line) => line.includes(scenario.title))).toContain('not tried');
    const plain = lines.join('\n');
    expect(plain).toContain(`Next: ${second!.number} ${second!.title}`);
    expect(plain).toContain(`1 of ${SCENARIOS.length} scenarios pass`);
    expect(nextScenario({ scenarios: {} })).toBe(first);
  });

  test('`npm run check` with no scenario shows the table from the progress file, and a broken file starts afresh', async () => {
    mkdirSync(stateDir, { recursive: true });
    const first = SCENARIOS[0]!;
    writeFileSync(path.join(stateDir, 'progress.json'), JSON.stringify({ scenarios: { [first.folder]: { lastCheck: { outcome: 'passed', at: new Date().toISOString() } } } }));
    const run = await runCli([], temp.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${first.title}\\s+✓ passed`));
    writeFileSync(path.join(stateDir, 'progress.json'), '{ not json');
    const afresh = await runCli([], temp.dir);
    expect(afresh.code).toBe(0);
    expect(afresh.stdout).toContain(`0 of ${SCENARIOS.length} scenarios pass`);
  });
});

/** A copy of the kit as shipped (the learner's files as the originals, whatever the working copies hold), to change freely. */
function copyOfKit(name: string): string {
  const root = path.join(temp.dir, name);
  for (const part of ['checker', 'scenarios', 'package.json', 'tsconfig.json']) cpSync(path.join(PROJECT_ROOT, part), path.join(root, part), { recursive: true });
  for (const scenario of SCENARIOS) {
    for (const file of learnerFiles(scenario)) cpSync(originalFile(scenario, file), path.join(root, 'scenarios', scenario.folder, file));
  }
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'junction');
  return root;
}

describe('reset', () => {
  /** A copy of the kit to reset in, so the real scenarios are never touched. */
  function kitCopy(): string {
    return copyOfKit(`kit-${Math.random().toString(36).slice(2)}`);
  }

  function runReset(root: string, args: readonly string[]): Promise<CommandRun> {
    return runCommand('reset', args, { cwd: root });
  }

  /**
   * A learner file as the kit ships it: the working copy, or where a learner
   * has changed that (it differs from the original), the committed version,
   * so that their edits do not turn npm test red.
   */
  function shipped(relativePath: string, original: string): string {
    const working = readFileSync(path.join(PROJECT_ROOT, relativePath), 'utf8');
    if (working === original) return working;
    try {
      return execFileSync('git', ['show', `HEAD:${relativePath}`], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return working;
    }
  }

  test.each(SCENARIOS.map((scenario) => [scenario.folder, scenario] as const))('%s: its files in the kit are its originals', (_folder, scenario) => {
    for (const file of learnerFiles(scenario)) {
      const original = readFileSync(originalFile(scenario, file), 'utf8');
      expect(shipped(`scenarios/${scenario.folder}/${file}`, original), file).toBe(original);
    }
  });

  test('a service spread over several files: reset puts back each file that changed, and saves each', async () => {
    const root = kitCopy();
    const scenario = SCENARIOS.find((candidate) => (candidate.files?.length ?? 1) > 1)!;
    const dir = path.join(root, 'scenarios', scenario.folder);
    const [first, second, untouched] = learnerFiles(scenario).filter((file) => file !== 'server.ts') as [string, string, string];
    writeFileSync(path.join(dir, first), '// my first fix\n');
    writeFileSync(path.join(dir, second), '// my second fix\n');
    const run = await runReset(root, [scenario.number]);
    expect(run.code, run.stderr).toBe(0);
    for (const file of learnerFiles(scenario)) expect(readFileSync(path.join(dir, file), 'utf8'), file).toBe(readFileSync(originalFile(scenario, file), 'utf8'));
    expect(run.stdout).toContain(`scenarios/${scenario.folder}/${first}, scenarios/${scenario.folder}/${second} are the original again`);
    expect(run.stdout).not.toContain(untouched);
    const saved = readdirSync(path.join(dir, 'saved')).sort();
    expect(saved).toHaveLength(2);
    const savedText = saved.map((name) => readFileSync(path.join(dir, 'saved', name), 'utf8'));
    expect(savedText).toEqual(expect.arrayContaining(['// my first fix\n', '// my second fix\n']));
    expect(saved.find((name) => name.startsWith(path.basename(first, '.ts')))).toBeDefined();
  });

  test('reset puts the original back and saves the edited file where it says', async () => {
    const root = kitCopy();
    const scenario = SCENARIOS[0]!;
    const server = path.join(root, 'scenarios', scenario.folder, 'server.ts');
    const edited = readFileSync(server, 'utf8') + '\n// my fix, half done\n';
    writeFileSync(server, edited);
    const run = await runReset(root, ['1']);
    expect(run.code).toBe(0);
    expect(readFileSync(server, 'utf8')).toBe(readFileSync(originalServerFile(scenario), 'utf8'));
    const saved = /saved in (\S+)/.exec(run.stdout)?.[1];
    expect(saved, run.stdout).toMatch(new RegExp(`^scenarios/${scenario.folder}/saved/server-\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d\\.ts$`));
    expect(readFileSync(path.join(root, saved!), 'utf8')).toBe(edited);
    // A second reset finds nothing to do and overwrites nothing.
    const again = await runReset(root, ['1']);
    expect(again.stdout).toContain('already the original');
    expect(readdirSync(path.dirname(path.join(root, saved!)))).toHaveLength(1);
    // Two edits reset within the same second are both kept.
    writeFileSync(server, 'first');
    await runReset(root, ['1']);
    writeFileSync(server, 'second');
    await runReset(root, ['1']);
    const kept = readdirSync(path.dirname(path.join(root, saved!))).map((name) => readFileSync(path.join(path.dirname(path.join(root, saved!)), name), 'utf8'));
    expect(kept).toEqual(expect.arrayContaining([edited, 'first', 'second']));
  });

  test('--all asks first; without a terminal it wants --yes, and with it resets every scenario', async () => {
    const root = kitCopy();
    for (const scenario of SCENARIOS) writeFileSync(path.join(root, 'scenarios', scenario.folder, 'server.ts'), `// edited ${scenario.number}\n`);
    const refused = await runReset(root, ['--all']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(readFileSync(path.join(root, 'scenarios', SCENARIOS[0]!.folder, 'server.ts'), 'utf8')).toContain('// edited');
    const run = await runReset(root, ['--all', '--yes']);
    expect(run.code).toBe(0);
    for (const scenario of SCENARIOS) {
      expect(readFileSync(path.join(root, 'scenarios', scenario.folder, 'server.ts'), 'utf8')).toBe(readFileSync(originalServerFile(scenario), 'utf8'));
    }
    expect(run.stdout.match(/is the original again/g)).toHaveLength(SCENARIOS.length);
  });
});

describe('watch', () => {
  test('five quick saves give one verdict, for the last save; the next check stands by and checks the file as saved; Ctrl-C leaves no server and no snapshot', async () => {
    const root = copyOfKit('kit-watch');
    const scenario = SCENARIOS[0]!;
    const server = path.join(root, 'scenarios', scenario.folder, 'server.ts');
    const leaky = readFileSync(server, 'utf8');
    const fixed = readFileSync(serverFile(scenario, 'solution'), 'utf8');

    const child = spawn(process.execPath, ['--import', 'tsx', path.join('checker', 'cli.ts'), '1', '--watch'], {
      cwd: root,
      env: { ...process.env, FG_STATE_DIR: stateDir, TMPDIR: temp.dir, TMP: temp.dir, TEMP: temp.dir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    /** Wait for the output to satisfy `done`, on each new piece of output (or fail after `ms`). */
    const waitFor = async (done: (text: string) => boolean, what: string, ms = 60_000): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!done(output)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${output}`);
        await new Promise((resolve) => child.stdout.once('data', resolve).once('close', resolve));
        if (child.exitCode !== null && !done(output)) throw new Error(`watch ended while waiting for ${what}:\n${output}`);
      }
    };
    const verdicts = (text: string) => text.match(/Watching for the next save/g)?.length ?? 0;
    try {
      await waitFor((text) => verdicts(text) === 1, 'the first verdict');
      expect(output).toMatch(/✗ FAIL {2}01/);

      const before = output.length;
      writeFileSync(server, `${leaky}\n// save 1\n`);
      await waitFor((text) => /checking/.test(text.slice(before)), 'a check of the first save');
      for (let i = 2; i <= 4; i++) writeFileSync(server, `${leaky}\n// save ${i}\n`);
      writeFileSync(server, fixed);
      await waitFor((text) => verdicts(text.slice(before)) === 1, 'the verdict after the saves');
      const after = output.slice(before);
      expect(after).toContain('cancelling the check in flight');
      expect(after).toMatch(/✓ PASS {2}01/);
      expect(after).not.toMatch(/✗ FAIL/);

      // Once a verdict is out, the next check stands by (its server's process started, the file not loaded yet):
      // a save now is checked as saved, not as it was when that process started.
      const standingBy = Date.now() + 60_000;
      while (temp.serversLeft().length === 0) {
        if (Date.now() > standingBy) throw new Error(`no server process stood by for the next save; output so far:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const again = output.length;
      writeFileSync(server, leaky);
      await waitFor((text) => verdicts(text.slice(again)) === 1, 'the verdict of the save the standing-by check took');
      expect(output.slice(again)).toMatch(/✗ FAIL {2}01/);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(temp.serversLeft()).toEqual([]);
    expect(temp.leftovers()).toEqual([]);
    // The first check, the last of the quick saves' and the save after it: no check of a save in between ran to a verdict.
    expect(verdicts(output)).toBe(3);
  });
});

describe('demo', () => {
  test('the leaky server grows round after round, the solution stays flat; Ctrl-C moves on, then ends', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('checker', 'demo.ts'), '1', '--seconds', '60'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: temp.dir, TMP: temp.dir, TEMP: temp.dir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const waitFor = async (pattern: RegExp, what: string): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${what}; output:\n${output}`);
        await new Promise((resolve) => child.stdout.once('data', resolve).once('close', resolve));
      }
    };
    const arrayBuffersOf = (side: string, round: number): number => {
      const line = new RegExp(`${side} round ${round}: .*arrayBuffers ([\\d.]+) (B|KiB|MiB|GiB)`).exec(output);
      if (!line) throw new Error(`no ${side} round ${round} in:\n${output}`);
      return Number(line[1]) * { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[line[2] as 'B'];
    };
    try {
      await waitFor(/leaky round 2:/, 'second leaky round');
      child.kill('SIGINT');
      await waitFor(/fixed round 2:/, 'second fixed round');
      const leakyGrowth = arrayBuffersOf('leaky', 2) - arrayBuffersOf('leaky', 0);
      // The fixed server's cache starts empty and fills its 8 MiB budget in the first round; then it keeps to it.
      const fixedGrowth = arrayBuffersOf('fixed', 2) - arrayBuffersOf('fixed', 1);
      // Two rounds of 01's traffic keep 2 × 24 photos of 2 MiB in the leaky server's cache.
      expect(leakyGrowth).toBeGreaterThan(64 * 1024 ** 2);
      expect(fixedGrowth).toBeLessThan(4 * 1024 ** 2);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      child.kill('SIGKILL');
    }
    expect(temp.serversLeft()).toEqual([]);
    expect(temp.leftovers()).toEqual([]);
  });
});
