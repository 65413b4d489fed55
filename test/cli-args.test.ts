import { describe, expect, test } from 'vitest';
import { parseCliArgs } from '../checker/cli-args.ts';
import { parseProbeArgs } from '../checker/probe-cli.ts';
import { findScenario, SCENARIOS } from '../checker/course.ts';
import { UsageError } from '../checker/errors.ts';
import { fitLabel, PATH_LABEL_WIDTH, symbolsFor, terminalDrawsSymbols } from '../checker/format.ts';
import { runCli, scratchTempDir } from './helpers.ts';

describe('parseCliArgs', () => {
  test('a scenario alone checks the exercise', () => {
    expect(parseCliArgs(['1'])).toEqual({ scenario: '1', side: 'scenario', keep: false, json: false, help: false, all: false, watch: false, report: false, poll: false, server: undefined, fromNpm: [] });
  });
  test('--solution, --keep and --json', () => {
    expect(parseCliArgs(['03', '--solution', '--keep', '--json'])).toMatchObject({ scenario: '03', side: 'solution', keep: true, json: true });
  });
  test('--server takes a file', () => {
    expect(parseCliArgs(['2', '--server', 'mine.ts'])).toMatchObject({ scenario: '2', side: 'scenario', server: 'mine.ts' });
  });
  test('-h asks for help', () => {
    expect(parseCliArgs(['-h']).help).toBe(true);
  });
  test('an unknown option is a usage error that guesses what was meant', () => {
    expect(() => parseCliArgs(['1', '--solutoin'])).toThrow(UsageError);
    expect(() => parseCliArgs(['1', '--solutoin'])).toThrow(/Unknown option --solutoin \(did you mean --solution\?\)\. npm run check -- --help/);
    expect(() => parseCliArgs(['1', '--server'])).toThrow(/--server needs a value: npm run check -- --server my-server\.ts/);
  });
  test('two scenarios at once are refused', () => {
    expect(() => parseCliArgs(['1', '2'])).toThrow(/one scenario at a time/);
  });
  test('options npm kept for itself (no -- before them) are read back from its environment', () => {
    const npm = { npm_lifecycle_event: 'check', npm_config_solution: 'true', npm_config_keep: 'true' };
    expect(parseCliArgs(['1'], npm)).toMatchObject({ scenario: '1', side: 'solution', keep: true, fromNpm: ['--solution', '--keep'] });
    expect(parseCliArgs(['2', 'mine.ts'], { npm_lifecycle_event: 'check', npm_config_server: 'true' })).toMatchObject({
      scenario: '2',
      server: 'mine.ts',
      fromNpm: ['--server'],
    });
    // Outside npm the same variables mean nothing.
    expect(parseCliArgs(['1'], { npm_config_solution: 'true' })).toMatchObject({ side: 'scenario', fromNpm: [] });
  });
  test('--solution and --server together are refused', () => {
    expect(() => parseCliArgs(['1', '--solution', '--server', 'x.ts'])).toThrow(/not both/);
  });
});

describe('findScenario', () => {
  const first = SCENARIOS[0]!;
  test.each(['1', '01', '001', first.folder, first.folder.slice(3), `scenarios/${first.folder}/`, `solutions\\${first.folder}`])('"%s" names the first scenario', (name) => {
    expect(findScenario(name)).toBe(first);
  });
  test.each(['0', '99', 'download', '', 'x1'])('"%s" is not a scenario, and the answer lists them all', (name) => {
    let error: unknown;
    try {
      findScenario(name);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    for (const scenario of SCENARIOS) expect((error as Error).message).toContain(scenario.folder);
  });
});

test('the command answers a wrong scenario number with the list, exit 2, and starts nothing', async () => {
  const temp = scratchTempDir();
  try {
    const run = await runCli(['42'], temp.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('There is no scenario "42"');
    for (const scenario of SCENARIOS) expect(run.stderr).toContain(scenario.folder);
    expect(temp.leftovers()).toEqual([]);
  } finally {
    temp.remove();
  }
});

describe('path labels fit the terminal', () => {
  test('a scope keeps its first function and whole variable names', () => {
    const label = 'scope shared by 4 functions (session(), ondisconnect(), onconnect()…): cookieOptions, generateId, name, store, trustProxy, resaveSession, …';
    expect(fitLabel(label)).toBe('scope shared by 4 functions (session()…): cookieOptions, …');
    expect(fitLabel('scope shared by 2 functions (status()…): res, name, data, id, startedAt, state, …')).toBe('scope shared by 2 functions (status()…): res, name, data, id, …');
  });

  test('a short label is left alone; any other long one is cut and marked', () => {
    expect(fitLabel('scope of onFileChanged(): res, name, file')).toBe('scope of onFileChanged(): res, name, file');
    const cut = fitLabel(`Object ${'x'.repeat(100)}`);
    expect(cut).toHaveLength(PATH_LABEL_WIDTH);
    expect(cut.endsWith('…')).toBe(true);
  });
});

describe('symbols', () => {
  test('the Windows 10 console gets ASCII marks; Windows Terminal, VS Code and other systems get the real ones', () => {
    expect(terminalDrawsSymbols({}, 'win32')).toBe(false);
    expect(terminalDrawsSymbols({ WT_SESSION: 'f00d' }, 'win32')).toBe(true);
    expect(terminalDrawsSymbols({ TERM_PROGRAM: 'vscode' }, 'win32')).toBe(true);
    expect(terminalDrawsSymbols({}, 'darwin')).toBe(true);
    expect(terminalDrawsSymbols({ FG_ASCII: '1' }, 'linux')).toBe(false);
    const ascii = symbolsFor(false);
    expect(`${ascii.pass}${ascii.fail}${ascii.spark}`).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('the same arguments with and without -- (PowerShell drops it)', () => {
  const npm = (env: Record<string, string>): NodeJS.ProcessEnv => ({ npm_lifecycle_event: 'probe', ...env });
  test('probe: requests, headers and a traffic file npm kept are told apart by their look', () => {
    const withDashes = parseProbeArgs(['test/probe-services/sessions/app.ts', '--request', 'GET /a?v={n}', '--request', 'PUT /b @test/probe-services/sessions/cart-item.json', '--header', 'x-app: 1', '--rounds', '4']);
    const without = parseProbeArgs(['test/probe-services/sessions/app.ts', 'GET /a?v={n}', 'PUT /b @test/probe-services/sessions/cart-item.json', 'x-app: 1', '4'], npm({ npm_config_request: 'true\n\ntrue', npm_config_header: 'true', npm_config_rounds: 'true' }));
    expect(without).toEqual(withDashes);
  });
  test('two options whose values look alike cannot be told apart: a sentence says to put -- back', () => {
    expect(() => parseProbeArgs(['app.ts', '8', '3'], npm({ npm_config_request: 'true', npm_config_rounds: 'true', npm_config_warmup: 'true' }))).toThrow(UsageError);
  });
  test('help as a word asks for help, where npm would answer --help itself', () => {
    expect(parseCliArgs(['help']).help).toBe(true);
    expect(parseProbeArgs(['help'])).toBeNull();
  });
});
