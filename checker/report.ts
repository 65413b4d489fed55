/**
 * The verdict as a learner reads it. Pure formatting: it never reaches back
 * into the run.
 */
import path from 'node:path';
import pc from 'picocolors';
import type { Scenario, Side } from './course.ts';
import { scenarioDir } from './course.ts';
import { fitLabel, formatBytes, formatFigure, formatSeconds, SYMBOLS } from './format.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import type { ReferenceFigure } from './reference.ts';
import type { MeasureResult, Place, RetainerPath, SampledPeak, Verdict } from './types.ts';

export interface ReportInput {
  readonly scenario: Scenario;
  readonly side: Side;
  readonly serverFile: string;
  readonly verdict: Verdict;
  /** The leaky server's and the solution's figures from reference runs, by measure name. */
  readonly reference?: Readonly<Record<string, ReferenceFigure>>;
}

function relative(file: string): string {
  return path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
}

/** "module variable in scenarios/12-the-incident/catalog.ts:21": the root's file with the line that declares it, where known. */
export function rootDescription(root: RetainerPath['root']): string {
  if (!root.declaredAt) return root.description;
  // A property of the global object has no declaration: the line that first gives it a value (see placeGlobalRoot).
  if (root.name.startsWith('globalThis.') && root.description.includes(' the global object')) return root.description.replace(' the global object', ` the global object at ${root.declaredAt}`);
  const file = root.declaredAt.replace(/:\d+$/, '');
  return root.description.endsWith(` ${file}`) ? `${root.description.slice(0, -file.length)}${root.declaredAt}` : `${root.description}, declared at ${root.declaredAt}`;
}

function pathLines(retainerPath: RetainerPath): string[] {
  const { root } = retainerPath;
  const rows = [
    ...(root.label !== root.name ? [{ left: `→ ${fitLabel(root.label)}`, via: '', bytes: root.retainedBytes }] : []),
    ...retainerPath.steps.map((step) => ({ left: `→ ${fitLabel(step.label)}`, via: step.via, bytes: step.retainedBytes })),
  ];
  const leftWidth = Math.max(...rows.map((row) => row.left.length)) + 2;
  const viaWidth = Math.max(...rows.map((row) => row.via.length)) + 2;
  return [
    `${pc.bold(root.name)}  ${pc.dim(rootDescription(root))}${root.label === root.name ? `  ${formatFigure(root.retainedBytes, 'bytes')}` : ''}`,
    ...rows.map((row) => `  ${row.left.padEnd(leftWidth)}${pc.dim(row.via.padEnd(viaWidth))}${formatFigure(row.bytes, 'bytes').padStart(9)}`),
  ];
}

function measureLines(measure: MeasureResult, reference: ReferenceFigure | undefined, leak?: { label: string; fixed: boolean }): string[] {
  const mark = measure.passed ? pc.green(SYMBOLS.pass) : pc.red(SYMBOLS.fail);
  // A measure that passes in a leak still there: the leak is not fixed, but this measure is not what shows it.
  const title = !leak
    ? measure.name
    : measure.passed && !leak.fixed
      ? `${pc.bold(leak.label)}: ${measure.name} ${pc.dim(`(this measure passes; ${leak.label} is still there, see its other measures)`)}`
      : `${pc.bold(leak.label)} ${leak.fixed ? pc.green('fixed') : pc.red('still there')}: ${measure.name}`;
  const yours = formatFigure(measure.value, measure.unit);
  const figures = [
    `yours ${measure.passed ? pc.green(yours) : pc.red(yours)}`,
    reference ? `leaky ${formatFigure(reference.leaky, measure.unit)}` : null,
    reference ? `fixed ${formatFigure(reference.fixed, measure.unit)}` : null,
    `bar ${formatFigure(measure.bar, measure.unit)}`,
  ].filter(Boolean);
  const lines = [`  ${mark} ${title}`, `      ${figures.join('   ')}`, ...instrumentLines(measure)];
  if (measure.readAfter) lines.push(`      read highest after ${measure.readAfter}`);
  const near = nearTheBar(measure, reference);
  if (near) lines.push(pc.yellow(`      ${near}`));
  if (!measure.passed && measure.places) lines.push(...placeLines(measure.places).map((line) => `        ${line}`));
  if (!measure.passed && measure.advice) lines.push(`      ${measure.advice}`);
  if (measure.describe && measure.objects !== undefined && !measure.passed) {
    lines.push(`      ${measure.objects} ${measure.describe} were created during the traffic and are still alive after it.`);
  }
  if (measure.sampled) lines.push(...describeSampledPeak(measure.sampled, measure.unit).map((sentence) => `      ${sentence}`));
  if (!measure.passed && measure.path) {
    lines.push('', measure.pathToHolder ? '      Where it grew (the shortest path from a root to what grew most since the checkpoint):' : `      Why they stay (the shortest path from a root to the largest of them):`);
    lines.push(...pathLines(measure.path).map((line) => `        ${line}`));
    if (measure.otherPaths) lines.push(pc.dim(`      (${measure.otherPaths} other path(s) ${measure.pathToHolder ? 'grew too' : 'keep some of them too'}.)`));
    const older = olderHoldingsNote(measure);
    if (older) lines.push(pc.dim(`      (${older})`));
  }
  return lines;
}

/**
 * A pass within a quarter of its bar, well above what the fixed server keeps: a bar leaves room for a machine's
 * noise, and a server that keeps a little for every request can fit under it for this traffic and not for a day's.
 * Null for any other measure.
 */
export function nearTheBar(measure: MeasureResult, reference: ReferenceFigure | undefined): string | null {
  if (!measure.passed || measure.bar <= 0 || measure.value < 0.75 * measure.bar) return null;
  if (reference && measure.value <= 2 * reference.fixed) return null;
  const fixed = reference ? ` (the fixed server: ${formatFigure(reference.fixed, measure.unit)})` : '';
  return `Close to the bar${fixed}: it passes, but if your server keeps a little for every request, a longer run fails it.`;
}

/**
 * Why an object on the path holds more than "yours" says, when it does: a size on the path is all that object keeps,
 * what it held before the traffic too (12's catalog, filled by the warm-up), where "yours" counts what the traffic
 * added and left. Null when no size on the path is larger than the figure.
 */
export function olderHoldingsNote(measure: MeasureResult): string | null {
  if (measure.unit !== 'bytes' || !measure.path) return null;
  if (measure.pathToHolder) return 'A size on the path is all that object keeps now; yours is how much more it keeps than at the checkpoint.';
  const sizes = [measure.path.root.retainedBytes, ...measure.path.steps.map((step) => step.retainedBytes)];
  const largest = Math.max(...sizes);
  // A tenth more at least: sizes a rounding apart say the same thing.
  if (largest <= measure.value * 1.1) return null;
  return `A size on the path is all that object keeps, what it held before the traffic included (${formatBytes(largest)} here); yours, ${formatBytes(measure.value)}, counts only what the traffic added and left.`;
}

/** How to look inside the kept snapshots, with the final one's path filled in. */
function snapshotGuide(final: string): string[] {
  const quoted = /\s/.test(final) ? `"${final}"` : final;
  return [
    '  Look inside them:',
    '    Chrome DevTools: open any tab, DevTools › Memory › Load, pick final.heapsnapshot.',
    '      In Summary, filter by a class name (ArrayBuffer, Timeout), select an object,',
    '      read its Retainers. Load baseline too; Comparison shows what the traffic added.',
    "    memlab, from the kit's folder. The largest objects, with their @ids:",
    `      npx memlab analyze object-size --snapshot ${quoted}`,
    "    One object's retainer path:",
    `      npx memlab trace --snapshot ${quoted} --node-id <id>`,
    '    Explore it interactively:',
    `      npx memlab heap --snapshot ${quoted}`,
  ];
}

const FIGURE_TEXT: Record<SampledPeak['figure'], string> = {
  bufferedBytes: 'the bytes written and not yet taken by a client',
  arrayBuffers: 'the memory behind Buffers (arrayBuffers)',
  external: 'memory outside the JS heap (external)',
  heapUsed: 'the JS heap in use (heapUsed)',
  heapAndExternal: 'the memory the server held (the JS heap and the memory outside it, Buffers included: heapUsed + external)',
  rss: 'the process\'s resident memory (rss)',
};

/** How a peak came about, in sentences: the figure before the traffic, its peak, and what to read it against. */
export function describeSampledPeak(sampled: SampledPeak, unit: MeasureResult['unit']): string[] {
  const when = sampled.steadyReadings
    ? `, ${sampled.steadyReadings} of them when the server had done all it could while its slow client or disk made it wait`
    : '';
  const sentences = [
    `Read ${sampled.samples} times while the traffic ran${when}, counting only what survived a garbage collection: ${FIGURE_TEXT[sampled.figure]} went from ${formatFigure(sampled.before, unit)} before the traffic to a peak of ${formatFigure(sampled.peak, unit)}.`,
  ];
  if (sampled.compareTo) {
    const share = (sampled.peak - sampled.before) / sampled.compareTo.bytes;
    const percent = share >= 0.1 ? (share * 100).toFixed(0) : (share * 100).toFixed(1);
    sentences.push(`For comparison, ${sampled.compareTo.describe} ${formatBytes(sampled.compareTo.bytes)}: yours rose by ${percent}% of that.`);
  }
  if (sampled.during?.length) sentences.push(`It peaked while the check's clients had these requests in flight: ${requestsInFlight(sampled.during)}.`);
  if (sampled.figure !== 'bufferedBytes' && sampled.bufferedBytes > 0) {
    sentences.push(`Of what it held, at most ${formatBytes(sampled.bufferedBytes)} was written to a response and not yet taken by its client.`);
  }
  return sentences;
}

/** "3 × PUT /uploads/a.bin, GET /files/b.txt and 4 more": requests alike counted once, the first few named. */
export function requestsInFlight(requests: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(request, (counts.get(request) ?? 0) + 1);
  const named = [...counts.entries()].map(([request, count]) => (count > 1 ? `${count} × ${request}` : request));
  const shown = named.slice(0, 4);
  const more = named.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** Places shown under a failing measure; the rest are counted. */
export const PLACES_SHOWN = 5;

/** One place as the learner reads it: "20 × video-1.mp4, opened at scenarios/07-aborted-downloads/server.ts:18:16". */
export function placeSentence(place: Place): string {
  const where = place.location ? `at ${place.location}` : 'with no line of your code on the stack (by Node or a library on its own)';
  return `${place.count} × ${place.what}, ${place.verb} ${where}`;
}

/** The places of a failing measure, most first, the few beyond PLACES_SHOWN summed up. */
export function placeLines(places: readonly Place[]): string[] {
  const rest = places.slice(PLACES_SHOWN);
  const more = rest.reduce((sum, place) => sum + place.count, 0);
  return [...places.slice(0, PLACES_SHOWN).map(placeSentence), ...(rest.length ? [`… and ${more} more from ${rest.length} other place(s)`] : [])];
}

/** Which instrument gave a resource measure's figure, and which it could not use here. */
function instrumentLines(measure: MeasureResult): string[] {
  const missing = measure.unavailable ?? [];
  if (measure.notMeasured) {
    return [
      `      ${pc.yellow('not measured')}: no instrument can read it here (${missing.join('; ')}).`,
      '      A leak here would go unseen, so this measure does not pass.',
    ];
  }
  if (!measure.instrument) return [];
  const change = `${formatFigure(measure.value, measure.unit)} more after the traffic than before it`;
  const lines = [measure.passed ? pc.dim(`      measured with ${measure.instrument}`) : `      caught by ${measure.instrument}: ${change}`];
  for (const reason of missing) lines.push(pc.dim(`      (not used: ${reason})`));
  return lines;
}

/** The leak of each measure, from 1: a measure of the same leak as the one before it (`sameLeak`) is that one's. */
export function ownLeaks(measures: readonly Pick<MeasureResult, 'sameLeak'>[]): number[] {
  const leakOf: number[] = [];
  measures.forEach((measure, index) => leakOf.push(measure.sameLeak && index > 0 ? leakOf[index - 1]! : (leakOf[index - 1] ?? 0) + 1));
  return leakOf;
}

export function formatVerdict({ scenario, side, serverFile, verdict, reference }: ReportInput): string {
  const name = `${scenario.number} ${scenario.title}`;
  const file = relative(serverFile);
  if (verdict.status === 'could-not-check') {
    return [
      `${pc.yellow(pc.bold('? COULD NOT CHECK'))}  ${name}  ${pc.dim(`(${file})`)}`,
      '',
      `  ${verdict.sentence}`,
      '',
      pc.dim('  Nothing was measured. Fix that, then run the check again.'),
    ].join('\n');
  }
  const lines: string[] = [];
  const headline = verdict.status === 'pass' ? pc.green(pc.bold(`${SYMBOLS.pass} PASS`)) : pc.red(pc.bold(`${SYMBOLS.fail} FAIL`));
  lines.push(`${headline}  ${name}  ${pc.dim(`(${file})`)}`, '');
  if (verdict.leaks) {
    const { total, fixed } = verdict.leaks;
    const count = `${fixed} of ${total} leaks fixed`;
    lines.push(`  ${fixed === total ? pc.green(pc.bold(count)) : pc.bold(count)}${fixed < total ? `: ${total - fixed} still found, each below with what caught it.` : '.'}`, '');
  }
  // A measure of the same leak as the one before it (sameLeak) shows under that leak's number, unless it failed on
  // what another leak's module made (its `leaks`); a leak is fixed when every measure that counts against it passes.
  const own = ownLeaks(verdict.measures);
  const leaksOf = verdict.measures.map((measure, index) => measure.leaks ?? [own[index]!]);
  const isFixed = (leak: number): boolean => verdict.measures.every((other, at) => other.passed || !leaksOf[at]!.includes(leak));
  verdict.measures.forEach((measure, index) => {
    const numbers = leaksOf[index]!;
    const label = `${numbers.length > 1 ? 'Leaks' : 'Leak'} ${numbers.slice(0, -1).join(', ')}${numbers.length > 1 ? ' and ' : ''}${numbers.at(-1)} of ${verdict.leaks?.total}`;
    const leak = verdict.leaks ? { label, fixed: numbers.every(isFixed) } : undefined;
    lines.push(...measureLines(measure, reference?.[measure.name], leak));
    if (verdict.leaks && measure.foundIn && !numbers.includes(own[index]!)) {
      lines.push(`      ${pc.dim(`(This measure watches leak ${own[index]}, but what it found was made in ${measure.foundIn.join(' and ')}: it counts against ${numbers.length > 1 ? 'those modules\' leaks' : `leak ${numbers[0]}, that module's`}.)`)}`);
    }
    lines.push('');
  });
  if (verdict.breaches.length) {
    lines.push(`  ${pc.red(SYMBOLS.fail)} the service must still do its job:`);
    for (const breach of verdict.breaches) lines.push(`      ${breach}`);
    lines.push('');
  }
  if (verdict.snapshots) {
    lines.push('  Snapshots kept (delete them when you are done; each is some megabytes):');
    for (const snapshot of verdict.snapshots) lines.push(`      ${snapshot}`);
    lines.push('', ...snapshotGuide(verdict.snapshots.at(-1)!), '');
  }
  if (verdict.status === 'fail' && side === 'scenario') {
    const hints = relative(path.join(scenarioDir(scenario, 'scenario'), 'hints.md'));
    lines.push(`  Stuck? npm run hint ${Number(scenario.number)} gives a hint, mildest first (they are in ${hints}).`);
  } else if (verdict.status === 'pass' && side === 'scenario') {
    const gone = verdict.leaks ? `All ${verdict.leaks.total} leaks are gone` : 'The leak is gone';
    lines.push(`  ${gone} and the service still works. Compare with solutions/${scenario.folder}/WHY.md.`);
  }
  const t = verdict.times;
  lines.push(
    pc.dim(
      `  took ${formatSeconds(t.start + t.warmup + t.traffic + t.snapshots + t.contract + t.analysis)}: start ${formatSeconds(t.start)} · traffic ${formatSeconds(t.warmup + t.traffic)} · snapshots ${formatSeconds(t.snapshots)} · memlab ${formatSeconds(t.analysis)}`,
    ),
  );
  return lines.join('\n');
}
