/**
 * The verdict as a learner reads it. Pure formatting: it never reaches back
 * into the run.
 */
import path from 'node:path';
import pc from 'picocolors';
import type { Scenario, Side } from './course.ts';
import { scenarioDir } from './course.ts';
import { formatFigure, formatSeconds } from './format.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import type { ReferenceFigure } from './reference.ts';
import type { MeasureResult, RetainerPath, Verdict } from './types.ts';

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

function pathLines(retainerPath: RetainerPath): string[] {
  const { root } = retainerPath;
  const rows = [
    ...(root.label !== root.name ? [{ left: `→ ${root.label}`, via: '', bytes: root.retainedBytes }] : []),
    ...retainerPath.steps.map((step) => ({ left: `→ ${step.label}`, via: step.via, bytes: step.retainedBytes })),
  ];
  const leftWidth = Math.max(...rows.map((row) => row.left.length)) + 2;
  const viaWidth = Math.max(...rows.map((row) => row.via.length)) + 2;
  return [
    `${pc.bold(root.name)}  ${pc.dim(root.description)}${root.label === root.name ? `  ${formatFigure(root.retainedBytes, 'bytes')}` : ''}`,
    ...rows.map((row) => `  ${row.left.padEnd(leftWidth)}${pc.dim(row.via.padEnd(viaWidth))}${formatFigure(row.bytes, 'bytes').padStart(9)}`),
  ];
}

function measureLines(measure: MeasureResult, reference: ReferenceFigure | undefined): string[] {
  const mark = measure.passed ? pc.green('✓') : pc.red('✗');
  const yours = formatFigure(measure.value, measure.unit);
  const figures = [
    `yours ${measure.passed ? pc.green(yours) : pc.red(yours)}`,
    reference ? `leaky ${formatFigure(reference.leaky, measure.unit)}` : null,
    reference ? `fixed ${formatFigure(reference.fixed, measure.unit)}` : null,
    `bar ${formatFigure(measure.bar, measure.unit)}`,
  ].filter(Boolean);
  const lines = [`  ${mark} ${measure.name}`, `      ${figures.join('   ')}`, ...instrumentLines(measure)];
  if (measure.describe && measure.objects !== undefined && !measure.passed) {
    lines.push(`      ${measure.objects} ${measure.describe} were created during the traffic and are still alive after it.`);
  }
  if (!measure.passed && measure.path) {
    lines.push('', `      Why they stay (the shortest path from a root to the largest of them):`);
    lines.push(...pathLines(measure.path).map((line) => `        ${line}`));
    if (measure.otherPaths) lines.push(pc.dim(`      (${measure.otherPaths} other path(s) keep some of them too.)`));
  }
  return lines;
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
  const headline = verdict.status === 'pass' ? pc.green(pc.bold('✓ PASS')) : pc.red(pc.bold('✗ FAIL'));
  lines.push(`${headline}  ${name}  ${pc.dim(`(${file})`)}`, '');
  for (const measure of verdict.measures) {
    lines.push(...measureLines(measure, reference?.[measure.name]), '');
  }
  if (verdict.breaches.length) {
    lines.push(`  ${pc.red('✗')} the service must still do its job:`);
    for (const breach of verdict.breaches) lines.push(`      ${breach}`);
    lines.push('');
  }
  if (verdict.snapshots) {
    lines.push('  Snapshots kept (open them in Chrome DevTools › Memory › Load):');
    for (const snapshot of verdict.snapshots) lines.push(`      ${snapshot}`);
    lines.push('');
  }
  if (verdict.status === 'fail' && side === 'scenario') {
    const hints = relative(path.join(scenarioDir(scenario, 'scenario'), 'hints.md'));
    lines.push(`  Stuck? The hints are in ${hints}, mildest first.`);
  } else if (verdict.status === 'pass' && side === 'scenario') {
    lines.push(`  The leak is gone and the service still works. Compare with solutions/${scenario.folder}/WHY.md.`);
  }
  const t = verdict.times;
  lines.push(
    pc.dim(
      `  start ${formatSeconds(t.start)} · warm-up ${formatSeconds(t.warmup)} · traffic ${formatSeconds(t.traffic)} · snapshots ${formatSeconds(t.snapshots)} · analysis ${formatSeconds(t.analysis)} · contract ${formatSeconds(t.contract)}`,
    ),
  );
  return lines.join('\n');
}
