/**
 * npm run preflight
 *
 * What an attendee runs the week before the workshop, in under a minute: is
 * this laptop ready? Node and npm, room on the disk, descriptors that can be
 * counted, a browser for the HTML report, and two real checks each way (a
 * leaky server must FAIL and its solution PASS): one that reads descriptors
 * and one that takes heap snapshots. Each thing wrong is a sentence that says
 * how to fix it. Exit code: 0 ready, 1 not ready.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { findBrowser } from './browsers.ts';
import { parseCommandArgs } from './command-args.ts';
import { checkFile, findScenario, originalServerFile, serverFile, type Side } from './course.ts';
import { UsageError } from './errors.ts';
import { FIXTURES, FIXTURES_DIR, PROJECT_ROOT } from './fixtures.ts';
import { formatBytes, formatSeconds, SYMBOLS } from './format.ts';
import { runCheck } from './run.ts';
import { freeBytes, installCleanupHandlers, TEMP_SPACE_NEEDED } from './workspace.ts';

export const PREFLIGHT_USAGE = `Usage: npm run preflight

Tells you whether this laptop is ready for the workshop, in under a minute:
Node and npm, disk space, file descriptors, a browser for the HTML report,
and four real checks (a leaky server must fail, its fix must pass). Each
problem comes with what to do about it.

Exit code: 0 ready, 1 not ready.`;

export type Status = 'ok' | 'warn' | 'fail';

export interface Finding {
  readonly status: Status;
  /** What was looked at, with what was found: "Node 22.12.0". */
  readonly what: string;
  /** For a warning or a failure: what is wrong, and how to fix it. */
  readonly sentence?: string;
}

const NODE_INSTALL = 'install Node 22 (LTS) from https://nodejs.org, or with your version manager (nvm install 22, fnm install 22, volta install node@22), then run npm install again';

/** True when `version` ("22.12.0") satisfies `range`, written as package.json's engines writes it: "^20.19.0 || >=22.12.0". */
export function satisfies(version: string, range: string): boolean {
  const parts = (text: string): number[] => text.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [major, minor, patch] = parts(version);
  const atLeast = (floor: number[]): boolean => major! !== floor[0]! ? major! > floor[0]! : minor! !== floor[1]! ? minor! > floor[1]! : patch! >= floor[2]!;
  return range.split('||').some((alternative) => {
    const text = alternative.trim();
    if (text.startsWith('^')) {
      const floor = parts(text.slice(1));
      return major === floor[0] && atLeast(floor);
    }
    if (text.startsWith('>=')) return atLeast(parts(text.slice(2).trim()));
    throw new Error(`package.json's engines.node has a form the preflight does not read: "${text}"`);
  });
}

function enginesNode(): string {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  return manifest.engines.node;
}

/** FG_PREFLIGHT_NODE_VERSION stands in for the running Node's version, to see what an older laptop is told. */
export function nodeFinding(version: string, range = enginesNode()): Finding {
  if (satisfies(version, range)) return { status: 'ok', what: `Node ${version}` };
  return {
    status: 'fail',
    what: `Node ${version}`,
    sentence: `Node ${version} is too old for the kit, which needs ${range.replaceAll('||', 'or')}: ${NODE_INSTALL}.`,
  };
}

/** npm's version: from the user agent npm gives the scripts it runs, or by asking npm. */
function npmVersion(env: NodeJS.ProcessEnv): string | null {
  const agent = /\bnpm\/(\d+\.\d+\.\d+)/.exec(env.npm_config_user_agent ?? '');
  if (agent) return agent[1]!;
  try {
    // npm is npm.cmd on Windows, which only a shell can start.
    return execFileSync('npm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** npm 8.3 is the first to read package.json's overrides, which keep the install free of native builds. */
const NPM_NEEDED = '>=8.3.0';

export function npmFinding(version: string | null): Finding {
  if (version === null) {
    return { status: 'warn', what: 'npm not found', sentence: 'npm did not answer npm --version: the kit\'s commands are npm scripts, so make sure npm is on your PATH (it comes with Node).' };
  }
  if (satisfies(version, NPM_NEEDED)) return { status: 'ok', what: `npm ${version}` };
  return { status: 'fail', what: `npm ${version}`, sentence: `npm ${version} is too old to install the kit as its lock file says: npm install -g npm@10, then npm install again.` };
}

/** Bytes of the generated files (.fixtures/) not written yet. */
function fixtureBytesMissing(): number {
  return FIXTURES.reduce((sum, fixture) => {
    const file = path.join(FIXTURES_DIR, fixture.name);
    return sum + (existsSync(file) && statSync(file).size === fixture.bytes ? 0 : fixture.bytes);
  }, 0);
}

export function diskFindings(): Finding[] {
  const findings: Finding[] = [];
  const missing = fixtureBytesMissing();
  const projectFree = freeBytes(PROJECT_ROOT);
  if (projectFree !== null && projectFree < missing) {
    findings.push({
      status: 'fail',
      what: `${formatBytes(projectFree)} free for the kit`,
      sentence: `The kit's folder has ${formatBytes(projectFree)} free and the scenarios' files still need ${formatBytes(missing)} (they are written to .fixtures/ on first use): free some space on that disk, or move the kit to a disk that has it.`,
    });
  } else {
    findings.push({ status: 'ok', what: missing ? `room for the scenarios' files (${formatBytes(missing)} to write)` : "the scenarios' files are written" });
  }
  const temp = os.tmpdir();
  const tempFree = freeBytes(temp);
  if (tempFree !== null && tempFree < TEMP_SPACE_NEEDED) {
    findings.push({
      status: 'fail',
      what: `${formatBytes(tempFree)} free in ${temp}`,
      sentence: `The temporary folder ${temp} has ${formatBytes(tempFree)} free; a check needs about ${formatBytes(TEMP_SPACE_NEEDED)} there for its heap snapshots: free some space on that disk.`,
    });
  } else {
    findings.push({ status: 'ok', what: `room for heap snapshots in ${temp}` });
  }
  return findings;
}

/**
 * Whether this process can list its open descriptors as the server harness
 * does (/proc/self/fd on Linux, /dev/fd on macOS). FG_HIDE_FD_LISTING=1 hides
 * both from the harness and from this probe alike, to see a system without them.
 */
export function descriptorFinding(env: NodeJS.ProcessEnv): Finding {
  const listing = env.FG_HIDE_FD_LISTING === '1' ? undefined : ['/proc/self/fd', '/dev/fd'].find((dir) => {
    try {
      return readdirSync(dir).length > 0;
    } catch {
      return false;
    }
  });
  if (listing) return { status: 'ok', what: `open file descriptors can be counted (${listing})` };
  return {
    status: 'warn',
    what: 'open file descriptors cannot be counted here',
    sentence:
      'This system does not let a process list its open file descriptors (no /proc/self/fd or /dev/fd): scenarios 07 and 11 count the file streams left open instead, and their verdicts say so. Nothing to do; on Windows, WSL counts descriptors if you want to see them.',
  };
}

export function browserFinding(env: NodeJS.ProcessEnv): Finding {
  const browser = findBrowser(env);
  if (browser) return { status: 'ok', what: `a browser for the HTML report and the slides' PDF (${browser})` };
  return {
    status: 'warn',
    what: 'no Chromium, Chrome or Edge found',
    sentence:
      "No Chromium, Chrome or Edge was found where they usually are: the HTML report (npm run check -- --report) opens in any browser you have, but the slides' PDF needs one of these; set CHROMIUM_PATH to yours if it is somewhere else. Everything else works without one.",
  };
}

/** The scenarios the preflight checks: one read through descriptors, one through heap snapshots. */
const PREFLIGHT_SCENARIOS = ['07', '04'] as const;

async function checkFinding(name: string, side: Side): Promise<Finding> {
  const scenario = findScenario(name);
  const file = side === 'scenario' ? originalServerFile(scenario) : serverFile(scenario, 'solution');
  const expected = side === 'scenario' ? 'fail' : 'pass';
  const what = `${scenario.number} ${scenario.title}: the ${side === 'scenario' ? 'leaky server fails' : 'solution passes'}`;
  const verdict = await runCheck({ serverFile: file, checkFile: checkFile(scenario) });
  if (verdict.status === expected) return { status: 'ok', what };
  const shown = path.relative(process.cwd(), file).split(path.sep).join('/');
  const again = `npm run check ${Number(scenario.number)} -- --server ${shown}`;
  if (verdict.status === 'could-not-check') {
    return { status: 'fail', what, sentence: `The kit could not check ${shown} on this laptop: ${verdict.sentence} Run ${again} to see it again, and bring its output to the workshop.` };
  }
  return {
    status: 'fail',
    what,
    sentence: `${shown} should ${expected.toUpperCase()} its check and got ${verdict.status.toUpperCase()} on this laptop: run ${again} to see why, and bring its output to the workshop.`,
  };
}

const MARK: Record<Status, string> = { ok: pc.green(SYMBOLS.pass), warn: pc.yellow('!'), fail: pc.red(SYMBOLS.fail) };

function print(finding: Finding): void {
  console.log(`${MARK[finding.status]} ${finding.what}`);
  if (finding.sentence) console.log(`  ${finding.sentence}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs('preflight', argv, { help: { type: 'boolean', short: 'h' } }, process.env);
  if (parsed.values.help) {
    console.log(PREFLIGHT_USAGE);
    return 0;
  }
  if (parsed.positionals.length) throw new UsageError(`npm run preflight takes no scenario (got ${parsed.positionals.join(', ')}).`);
  const started = performance.now();
  installCleanupHandlers(() => process.stderr.write('\nPreflight interrupted: its servers were stopped and their snapshots deleted.\n'));
  const findings: Finding[] = [];
  const report = (finding: Finding): void => {
    findings.push(finding);
    print(finding);
  };
  report(nodeFinding(process.env.FG_PREFLIGHT_NODE_VERSION ?? process.versions.node));
  report(npmFinding(npmVersion(process.env)));
  for (const finding of diskFindings()) report(finding);
  report(descriptorFinding(process.env));
  report(browserFinding(process.env));
  if (findings.some((finding) => finding.status === 'fail')) {
    console.log(pc.dim('  (the checks were not tried: fix the above first)'));
  } else {
    for (const name of PREFLIGHT_SCENARIOS) {
      for (const side of ['scenario', 'solution'] as const) report(await checkFinding(name, side));
    }
  }
  const problems = findings.filter((finding) => finding.status === 'fail').length;
  const warnings = findings.filter((finding) => finding.status === 'warn').length;
  console.log('');
  console.log(
    problems
      ? pc.red(pc.bold(`Not ready: ${problems} problem(s) to fix, each said above.`))
      : pc.green(pc.bold(`Ready for the workshop${warnings ? ` (${warnings} warning(s) above, nothing that stops you)` : ''}.`)) + pc.dim(`  ${formatSeconds(performance.now() - started)}`),
  );
  return problems ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) console.error(error.message);
      else console.error(`The preflight itself failed; this is a bug in the kit, not in your laptop:\n${(error as Error).stack ?? error}`);
      process.exitCode = 1;
    },
  );
}
