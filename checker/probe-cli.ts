/**
 * npm run probe -- <module> --request "GET /path" [--request …] [--header "k: v"]
 *                  [--traffic traffic.json] [--rounds N] [--warmup N] [--json] [--keep]
 *
 * Exit codes: 0 nothing grows, 1 something grows, 2 could not probe (the
 * server would not start, crashed or hung) or a usage error.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { npmTookNote, parseCommandArgs } from './command-args.ts';
import { UsageError } from './errors.ts';
import { fitLabel, formatBytes, formatFigure, formatSeconds, SYMBOLS } from './format.ts';
import { runProbe, type Growth, type ProbeResult } from './probe.ts';
import { parseHeader, parseRequest, readTrafficFile, type ProbeRequest } from './probe-traffic.ts';
import type { RetainerPath, RetainerStep } from './types.ts';
import { installCleanupHandlers } from './workspace.ts';

export const PROBE_USAGE = `npm run probe -- <module> --request "METHOD /path" [options]
       npm run probe -- --attach 127.0.0.1:9229 --base http://127.0.0.1:3000 --request "METHOD /path" [options]

Finds what a Node HTTP service keeps after the requests you give it. <module>
(TypeScript or JavaScript) exports an Express app, a request listener or an
http.Server, as \`export default\` or \`export const app\`; the probe listens on
127.0.0.1 itself, so the module must not call listen() when it is imported.

It sends a few warm-up rounds of the requests, then two equal batches of
rounds with a heap snapshot before, between and after, and reports the
objects born in each batch and still alive at the end, grouped by the way
they are kept, that grow in BOTH batches; and the memory outside the heap,
file descriptors and handles that grow in both.

  --request "METHOD /path [@bodyfile] [abort=SIZE]"   a request of each round (repeatable)
        {n} in the path is the round number: "GET /files/a.jpg?v={n}" sends fresh URLs;
        {n%K} cycles K keys: "GET /thumbnails/{n%4}.png" asks for the same four again and again
        @bodyfile sends that file as the body; abort=1MiB hangs up after 1 MiB of the body
        (or of the response, for a request without a body), as a dropped client does
  --header "name: value"   sent with every --request (repeatable); {n} and {n%K} work in the value too
  --traffic FILE           requests from a JSON file:
        { "requests": ["GET /a", { "method": "PUT", "path": "/b/{n}", "body": "x.bin",
          "headers": { "content-type": "image/jpeg" }, "abort": "1MiB" }], "rounds": 8 }
  --no-cookies             keep no cookies between requests, as a bot or a health check (by default
                           the probe keeps the cookies each response sets, as a browser does)
  --cwd DIR                the folder the service runs in (default: the module's own folder)
  --attach ADDRESS --base URL
                           probe a service that is already running under node --inspect, started by
                           its own scripts: ADDRESS is what node --inspect prints (ws://127.0.0.1:9229/…)
                           or its host:port; URL is where the service answers (http://127.0.0.1:3000).
                           Give no module then. Snapshots go over the inspector; nothing is installed.
  --rounds N               rounds in each batch (default 8)
  --warmup N               warm-up rounds before the first snapshot (default 3)
  --json                   the result as JSON
  --keep                   keep the three snapshots (their paths are printed)

Exit codes: 0 nothing grows, 1 something grows, 2 could not probe.`;

export interface ProbeArgs {
  readonly module: string;
  readonly attach?: { readonly inspector: string; readonly base: URL };
  readonly cwd?: string;
  readonly cookies: boolean;
  readonly requests: readonly ProbeRequest[];
  readonly rounds: number;
  readonly warmup: number;
  readonly json: boolean;
  readonly keep: boolean;
}

function wholeNumber(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} takes a whole number, ${min} or more (not "${text}").`);
  return value;
}

const OPTIONS = {
  request: { type: 'string', multiple: true, short: 'r', example: '"GET /files/a.jpg"', looksLike: /^[A-Za-z]+ \S/ },
  header: { type: 'string', multiple: true, short: 'H', example: '"x-api-key: 42"', looksLike: /^[\w-]+:\s/ },
  traffic: { type: 'string', example: 'traffic.json', looksLike: /\.json$/i },
  rounds: { type: 'string', example: '8' },
  warmup: { type: 'string', example: '3' },
  json: { type: 'boolean' },
  keep: { type: 'boolean' },
  'no-cookies': { type: 'boolean' },
  cwd: { type: 'string', example: 'services/orders' },
  attach: { type: 'string', example: '127.0.0.1:9229', looksLike: /^(ws:\/\/|[\w.[\]:-]+:\d+$)/ },
  base: { type: 'string', example: 'http://127.0.0.1:3000', looksLike: /^https?:\/\// },
  help: { type: 'boolean', short: 'h' },
} as const;

/** null: --help was asked for. */
export function parseProbeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ProbeArgs | null {
  const parsed = parseCommandArgs('probe', argv, OPTIONS, env);
  if (parsed.fromNpm.length) console.error(pc.dim(npmTookNote('probe', parsed.positionals, parsed.fromNpm)));
  const { positionals } = parsed;
  const values = parsed.values as {
    request?: string[];
    header?: string[];
    traffic?: string;
    rounds?: string;
    warmup?: string;
    json?: boolean;
    keep?: boolean;
    help?: boolean;
    'no-cookies'?: boolean;
    cwd?: string;
    attach?: string;
    base?: string;
  };
  if (values.help) return null;
  let module: string;
  let attach: ProbeArgs['attach'];
  if (values.attach !== undefined) {
    if (positionals.length) throw new UsageError(`With --attach the service is already running: give no module (got ${positionals.join(', ')}).`);
    if (!values.base) throw new UsageError('With --attach, give the address the service answers on too: --base http://127.0.0.1:3000');
    let base: URL;
    try {
      base = new URL(values.base);
    } catch {
      throw new UsageError(`--base ${values.base} is not an address; write it as http://127.0.0.1:3000`);
    }
    if (base.protocol !== 'http:') throw new UsageError(`--base ${values.base}: the probe speaks plain http (http://…).`);
    attach = { inspector: values.attach, base };
    module = base.origin;
  } else {
    if (values.base) throw new UsageError('--base goes with --attach (a service already running); to start a module, give its file.');
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length ? `Give one module to probe (got ${positionals.join(', ')}).` : `Give the module to probe (or --attach to a running service).\n\n${PROBE_USAGE}`);
    }
    module = path.resolve(positionals[0]!);
    if (!existsSync(module) || !statSync(module).isFile()) throw new UsageError(`There is no file ${module} to probe.`);
  }
  const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
  const requests = (values.request ?? []).map((text) => parseRequest(text, headers));
  const traffic = values.traffic ? readTrafficFile(values.traffic) : null;
  if (traffic) requests.push(...traffic.requests.map((request) => ({ ...request, headers: { ...headers, ...request.headers } })));
  if (requests.length === 0) throw new UsageError('Give the requests to repeat: --request "GET /some/path" (or --traffic file.json).');
  const cwd = values.cwd === undefined ? undefined : path.resolve(values.cwd);
  if (cwd !== undefined && (!existsSync(cwd) || !statSync(cwd).isDirectory())) throw new UsageError(`--cwd ${values.cwd}: there is no such folder.`);
  return {
    module,
    ...(attach ? { attach } : {}),
    ...(cwd ? { cwd } : {}),
    cookies: !values['no-cookies'],
    requests,
    rounds: wholeNumber(values.rounds, 'rounds', 2) ?? traffic?.rounds ?? 8,
    warmup: wholeNumber(values.warmup, 'warmup', 0) ?? traffic?.warmup ?? 3,
    json: values.json ?? false,
    keep: values.keep ?? false,
  };
}

function pathLines(retainerPath: RetainerPath): string[] {
  const { root } = retainerPath;
  const rows = [
    ...(root.label !== root.name ? [{ left: `→ ${fitLabel(root.label)}`, via: '' }] : []),
    ...retainerPath.steps.map((step) => ({ left: `→ ${fitLabel(step.label)}`, via: step.via })),
  ];
  const width = Math.max(0, ...rows.map((row) => row.left.length)) + 2;
  return [`${pc.bold(root.name)}  ${pc.dim(root.description)}`, ...rows.map((row) => `  ${row.left.padEnd(width)}${pc.dim(row.via)}`)];
}

function holdsLines(steps: readonly RetainerStep[]): string[] {
  const width = Math.max(...steps.map((step) => fitLabel(step.label).length)) + 4;
  return steps.map((step) => `  ${`→ ${fitLabel(step.label)}`.padEnd(width)}${pc.dim(step.via)}${formatBytes(step.retainedBytes).padStart(11)}`);
}

function perRound(value: number, rounds: number, unit: 'bytes' | 'objects'): string {
  return unit === 'bytes' ? formatBytes(Math.round(value / rounds)) : (value / rounds).toFixed(value % rounds ? 1 : 0);
}

function findingLines(finding: Growth, index: number, rounds: number): string[] {
  if (finding.kind === 'out-of-memory') {
    return [
      `  ${index}. The service ran out of heap (the probe caps it at ${finding.heapCapMb} MiB) during ${finding.during}, after ${finding.rounds} rounds of the same requests:`,
      '     what it keeps grows with every request, fast. Probe again with fewer --rounds (or --keep) to see what it is.',
    ];
  }
  if (finding.kind === 'probe') {
    return [
      `  ${index}. ${finding.name}: +${formatFigure(finding.a, finding.unit)} in batch A, +${formatFigure(finding.b, finding.unit)} in batch B (${perRound(finding.a + finding.b, 2 * rounds, finding.unit)} a round)`,
      ...(finding.places ?? []).slice(0, 5).map((place) => `       ${place}`),
    ];
  }
  const total = { objects: finding.a.objects + finding.b.objects, bytes: finding.a.bytes + finding.b.bytes };
  return [
    `  ${index}. ${total.objects} ${finding.what} (${formatBytes(total.bytes)}) born during the traffic and still alive:`,
    `     ${finding.a.objects} (${formatBytes(finding.a.bytes)}) from batch A, ${finding.b.objects} (${formatBytes(finding.b.bytes)}) from batch B: ${perRound(total.objects, 2 * rounds, 'objects')} a round, ${perRound(total.bytes, 2 * rounds, 'bytes')} a round`,
    ...(finding.held
      ? [`     What they hang from held ${formatBytes(finding.held[0])} before batch A, ${formatBytes(finding.held[1])} after it, ${formatBytes(finding.held[2])} after batch B.`]
      : []),
    ...(finding.madeAt ? [`     Made by the code at ${finding.madeAt}.`] : []),
    '     Kept by (the shortest path from a root to the largest of them):',
    ...pathLines(finding.path).map((line) => `       ${line}`),
    ...(finding.holds.length
      ? [
          `     What the largest holds (${formatBytes(finding.holds[0]!.retainedBytes)} of it):`,
          ...holdsLines(finding.holds).map((line) => `       ${line}`),
        ]
      : []),
    ...(finding.cache
      ? [
          pc.dim(`     If ${finding.cache} is a cache with a bound that the requests have not reached yet,`),
          pc.dim('     it stops growing there: probe again with more --warmup rounds than its bound, or with'),
          pc.dim('     keys that repeat ({n%K}). A cache that is full stays steady.'),
        ]
      : []),
  ];
}

export function formatProbe(module: string, result: ProbeResult): string {
  const file = /^https?:\/\//.test(module) ? module : path.relative(process.cwd(), module) || module;
  if (result.status === 'could-not-probe') {
    return [`${pc.yellow(pc.bold('? COULD NOT PROBE'))}  ${pc.dim(file)}`, '', `  ${result.sentence}`, '', pc.dim('  Nothing was measured.')].join('\n');
  }
  const lines: string[] = [];
  lines.push(
    result.status === 'grows'
      ? `${pc.red(pc.bold(`${SYMBOLS.fail} GROWS`))}  ${pc.dim(file)}: ${result.findings.length} thing(s) grew in both batches`
      : `${pc.green(pc.bold(`${SYMBOLS.pass} STEADY`))}  ${pc.dim(file)}: nothing the requests created stayed in both batches`,
    '',
  );
  result.findings.forEach((finding, index) => lines.push(...findingLines(finding, index + 1, result.rounds), ''));
  lines.push(`  ${result.warmupRounds} warm-up round(s), then 2 batches of ${result.rounds} rounds of:`);
  for (const request of result.requests) {
    const counts = Object.entries(result.statuses[request] ?? {}).map(([status, count]) => `${status} ×${count}`).join(', ');
    lines.push(`      ${request}  ${pc.dim(`(${counts})`)}`);
  }
  const answered = Object.values(result.statuses).flatMap((counts) => Object.keys(counts));
  if (answered.length && answered.every((status) => status.startsWith('4'))) {
    lines.push(pc.yellow('  Every request was answered 4xx: the probe measured the error path. Are the paths right?'));
  }
  if (result.snapshots) {
    lines.push('', '  Snapshots kept (baseline, after batch A, after batch B):', ...result.snapshots.map((snapshot) => `      ${snapshot}`));
  }
  const t = result.times;
  lines.push(pc.dim(`  ${Object.entries(t).map(([phase, ms]) => `${phase} ${formatSeconds(ms)}`).join(' · ')}`));
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = parseProbeArgs(process.argv.slice(2), process.env);
  if (!args) {
    console.log(PROBE_USAGE);
    return 0;
  }
  const showProgress = !args.json && process.stderr.isTTY;
  installCleanupHandlers(() => {
    if (showProgress) process.stderr.write('\n');
    process.stderr.write('Probe interrupted: the server was stopped and its snapshots deleted.\n');
  });
  const result = await runProbe({
    module: args.module,
    ...(args.attach ? { attach: args.attach } : {}),
    ...(args.cwd ? { cwd: args.cwd } : {}),
    cookies: args.cookies,
    requests: args.requests,
    rounds: args.rounds,
    warmupRounds: args.warmup,
    keepSnapshots: args.keep,
    onPhase: showProgress ? (phase) => process.stderr.write(`\r\x1b[2K${pc.dim(`… ${phase}`)}`) : undefined,
  });
  if (showProgress) process.stderr.write('\r\x1b[2K');
  if (args.json) console.log(JSON.stringify({ module: path.relative(process.cwd(), args.module), ...result }, null, 2));
  else console.log(formatProbe(args.module, result));
  return result.status === 'steady' ? 0 : result.status === 'grows' ? 1 : 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) console.error(error.message);
      else console.error(`The probe itself failed; this is a bug in the kit, not in your service:\n${(error as Error).stack ?? error}`);
      process.exitCode = 2;
    },
  );
}
