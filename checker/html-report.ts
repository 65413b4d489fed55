/**
 * The verdict as a page: memory over the run as a chart, each measure's
 * figures (yours, leaky, fixed, the bar) as bars, the retainer path as a chain
 * of boxes, and the way on (hints, or the solution's WHY). One self-contained
 * file: inline styles and SVG, no script, nothing fetched, so it opens offline
 * and can be mailed or attached to a question.
 */
import type { Scenario, Side } from './course.ts';
import { formatBytes, formatFigure, formatSeconds } from './format.ts';
import type { ReferenceFigure } from './reference.ts';
import { describeSampledPeak, olderHoldingsNote, placeLines, rootDescription } from './report.ts';
import type { MeasureResult, RetainerPath, TimelinePoint, Verdict } from './types.ts';

export interface HtmlReportInput {
  readonly scenario: Scenario;
  readonly side: Side;
  /** The checked file, relative to the project. */
  readonly serverFile: string;
  readonly verdict: Verdict;
  readonly reference?: Readonly<Record<string, ReferenceFigure>>;
  /** When the check ran, and on which Node. */
  readonly when: Date;
  readonly nodeVersion: string;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const SERIES = [
  { key: 'heapUsed', label: 'heapUsed', colour: '#2563eb' },
  { key: 'external', label: 'external', colour: '#d97706' },
  { key: 'arrayBuffers', label: 'arrayBuffers', colour: '#dc2626' },
  { key: 'rss', label: 'rss', colour: '#6b7280' },
] as const;

const PHASE_NAMES: Record<string, string> = { start: 'start', warmup: 'warm-up', traffic: 'traffic', snapshots: 'snapshots', contract: 'contract', analysis: 'analysis' };

/** Memory over the run, one line per figure, the phases shaded behind. */
export function memoryChart(points: readonly TimelinePoint[]): string {
  if (points.length < 2) return '<p class="note">Too few samples to draw memory over the run.</p>';
  const width = 760;
  const height = 260;
  const left = 70;
  const right = 12;
  const top = 12;
  const bottom = 40;
  const t0 = points[0]!.ms;
  const t1 = points.at(-1)!.ms;
  const span = Math.max(1, t1 - t0);
  const high = Math.max(1, ...points.flatMap((point) => SERIES.map((series) => point[series.key])));
  const x = (ms: number) => left + ((ms - t0) / span) * (width - left - right);
  const y = (bytes: number) => top + (1 - bytes / high) * (height - top - bottom);

  const bands: string[] = [];
  let start = 0;
  for (let i = 1; i <= points.length; i++) {
    if (i === points.length || points[i]!.phase !== points[start]!.phase) {
      const phase = points[start]!.phase;
      const from = x(points[start]!.ms);
      const to = x(points[Math.min(i, points.length - 1)]!.ms);
      const shade = phase === 'traffic' ? '#fef3c7' : start % 2 ? '#f3f4f6' : '#f9fafb';
      bands.push(
        `<rect x="${from.toFixed(1)}" y="${top}" width="${Math.max(0, to - from).toFixed(1)}" height="${height - top - bottom}" fill="${shade}"/>` +
          (to - from > 40 ? `<text x="${((from + to) / 2).toFixed(1)}" y="${height - bottom + 28}" text-anchor="middle" class="phase">${escape(PHASE_NAMES[phase] ?? phase)}</text>` : ''),
      );
      start = i;
    }
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const bytes = high * fraction;
    return `<line x1="${left}" x2="${width - right}" y1="${y(bytes).toFixed(1)}" y2="${y(bytes).toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y(bytes) + 4).toFixed(1)}" text-anchor="end" class="tick">${formatBytes(Math.round(bytes))}</text>`;
  });
  const seconds = `<text x="${width - right}" y="${height - bottom + 14}" text-anchor="end" class="tick">${formatSeconds(span)}</text><text x="${left}" y="${height - bottom + 14}" class="tick">0 s</text>`;
  const lines = SERIES.map(
    (series) =>
      `<polyline fill="none" stroke="${series.colour}" stroke-width="2" points="${points.map((point) => `${x(point.ms).toFixed(1)},${y(point[series.key]).toFixed(1)}`).join(' ')}"><title>${series.label}</title></polyline>`,
  );
  const legend = SERIES.map((series) => `<span class="key"><span class="swatch" style="background:${series.colour}"></span>${series.label}</span>`).join('');
  return `<figure class="chart" data-testid="memory-chart"><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Memory of the server over the check">${bands.join('')}${ticks.join('')}${seconds}${lines.join('')}</svg><figcaption>${legend}</figcaption></figure>`;
}

function figureBars(measure: MeasureResult, reference: ReferenceFigure | undefined): string {
  const rows = [
    { label: 'yours', value: measure.value, kind: measure.passed ? 'pass' : 'fail' },
    ...(reference ? [{ label: 'leaky', value: reference.leaky, kind: 'ref' }] : []),
    ...(reference ? [{ label: 'fixed', value: reference.fixed, kind: 'ref' }] : []),
  ];
  const high = Math.max(1, measure.bar, ...rows.map((row) => row.value));
  const barAt = (measure.bar / high) * 100;
  return `<div class="bars">${rows
    .map(
      (row) =>
        `<div class="bar-row"><span class="bar-label">${row.label}</span><span class="bar-track"><span class="bar ${row.kind}" style="width:${Math.max(0.5, (row.value / high) * 100).toFixed(1)}%"></span><span class="limit" style="left:${barAt.toFixed(1)}%" title="the bar"></span></span><span class="bar-value">${escape(formatFigure(row.value, measure.unit))}</span></div>`,
    )
    .join('')}<div class="bar-note">the line marks the bar: ${escape(formatFigure(measure.bar, measure.unit))}</div></div>`;
}

/** The retainer path as boxes joined by arrows that say how each holds the next. */
export function retainerChain(path: RetainerPath): string {
  const boxes = [
    `<div class="box root"><div class="name">${escape(path.root.name)}</div><div class="what">${escape(rootDescription(path.root))}</div><div class="size">${escape(path.root.label === path.root.name ? formatBytes(path.root.retainedBytes) : `${path.root.label} · ${formatBytes(path.root.retainedBytes)}`)}</div></div>`,
    ...path.steps.map(
      (step) =>
        `<div class="arrow"><span>${escape(step.via || 'holds')}</span></div><div class="box"><div class="name">${escape(step.label)}</div><div class="size">${escape(formatBytes(step.retainedBytes))}</div></div>`,
    ),
  ];
  return `<div class="chain" data-testid="retainer-path">${boxes.join('')}</div>`;
}

function measureSection(measure: MeasureResult, reference: ReferenceFigure | undefined): string {
  const mark = measure.passed ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>';
  const stayed =
    !measure.passed && measure.describe && measure.objects !== undefined
      ? `<p>${measure.objects} ${escape(measure.describe)} were created during the traffic and are still alive after it.</p>`
      : '';
  const sampled = measure.sampled ? describeSampledPeak(measure.sampled, measure.unit).map((sentence) => `<p>${escape(sentence)}</p>`).join('') : '';
  const places = !measure.passed && measure.places ? `<h4>Where</h4><ul class="places" data-testid="places">${placeLines(measure.places).map((line) => `<li>${escape(line)}</li>`).join('')}</ul>` : '';
  const path = !measure.passed && measure.path ? `<h4>${measure.pathToHolder ? 'Where it grew' : 'Why they stay'}</h4>${retainerChain(measure.path)}${measure.otherPaths ? `<p class="note">${measure.otherPaths} other path(s) ${measure.pathToHolder ? 'grew too' : 'keep some of them too'}.</p>` : ''}${olderHoldingsNote(measure) ? `<p class="note">${escape(olderHoldingsNote(measure)!)}</p>` : ''}` : '';
  const readAfter = measure.readAfter ? `<p>read highest after ${escape(measure.readAfter)}</p>` : '';
  const advice = !measure.passed && measure.advice ? `<p>${escape(measure.advice)}</p>` : '';
  return `<section class="measure"><h3>${mark} ${escape(measure.name)}</h3>${figureBars(measure, reference)}${readAfter}${advice}${stayed}${sampled}${places}${path}</section>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;margin:0;background:#fff}
main{max-width:840px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:16px;margin:0 0 8px}h4{margin:12px 0 6px;font-size:14px}
.status{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:700;color:#fff}
.status.pass{background:#15803d}.status.fail{background:#b91c1c}.status.could-not-check{background:#a16207}
.meta,.note,.phase,.tick,.bar-note{color:#6b7280;font-size:12px}
.measure{border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;margin:12px 0}
.ok{color:#15803d}.bad{color:#b91c1c}
.bar-row{display:flex;align-items:center;gap:8px;margin:3px 0}.bar-label{width:48px;color:#374151}
.bar-track{position:relative;flex:1;height:14px;background:#f3f4f6;border-radius:3px}
.bar{position:absolute;left:0;top:0;bottom:0;border-radius:3px}.bar.pass{background:#16a34a}.bar.fail{background:#dc2626}.bar.ref{background:#9ca3af}
.limit{position:absolute;top:-3px;bottom:-3px;border-left:2px dashed #111827}
.bar-value{width:90px;text-align:right;font-variant-numeric:tabular-nums}
.chain{display:flex;flex-direction:column;align-items:flex-start}
.box{border:1px solid #9ca3af;border-radius:6px;padding:6px 10px;background:#f9fafb;min-width:220px}
.box.root{border-color:#2563eb;background:#eff6ff}.box .name{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}
.box .what,.box .size{font-size:12px;color:#4b5563}
.arrow{margin-left:24px;padding:2px 0 2px 14px;border-left:2px solid #9ca3af;font-size:12px;color:#4b5563;font-family:ui-monospace,Menlo,Consolas,monospace}
.places{margin:4px 0;padding-left:20px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.chart svg{width:100%;height:auto}.grid{stroke:#e5e7eb}.key{margin-right:14px;font-size:13px}.swatch{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
.next{background:#f0fdf4;border:1px solid #bbf7d0;border-radius:6px;padding:10px 14px}.next.fail{background:#fff7ed;border-color:#fed7aa}
code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px}
`;

export function renderHtmlReport(input: HtmlReportInput): string {
  const { scenario, side, verdict } = input;
  const title = `${scenario.number} ${scenario.title}`;
  const statusText = verdict.status === 'pass' ? 'PASS' : verdict.status === 'fail' ? 'FAIL' : 'COULD NOT CHECK';
  const body: string[] = [];
  body.push(
    `<h1>${escape(title)} <span class="status ${verdict.status}">${statusText}</span></h1>`,
    `<p class="meta"><code>${escape(input.serverFile)}</code> · checked ${escape(input.when.toISOString().replace('T', ' ').slice(0, 19))} UTC on Node ${escape(input.nodeVersion)}</p>`,
  );
  if (verdict.status === 'could-not-check') {
    body.push(`<p>${escape(verdict.sentence)}</p><p class="note">Nothing was measured. Fix that, then run the check again.</p>`);
  } else {
    body.push('<h2>Memory over the check</h2>', memoryChart(verdict.timeline ?? []));
    body.push('<h2>What stayed</h2>');
    if (verdict.leaks) body.push(`<p class="leaks"><strong>${verdict.leaks.fixed} of ${verdict.leaks.total} leaks fixed.</strong></p>`);
    body.push(...verdict.measures.map((measure) => measureSection(measure, input.reference?.[measure.name])));
    if (verdict.breaches.length) {
      body.push(`<h2>The service must still do its job</h2><ul>${verdict.breaches.map((breach) => `<li>${escape(breach)}</li>`).join('')}</ul>`);
    }
    const t = verdict.times;
    body.push(
      `<p class="meta">start ${formatSeconds(t.start)} · warm-up ${formatSeconds(t.warmup)} · traffic ${formatSeconds(t.traffic)} · snapshots ${formatSeconds(t.snapshots)} · analysis ${formatSeconds(t.analysis)} · contract ${formatSeconds(t.contract)}</p>`,
    );
  }
  if (side === 'scenario') {
    body.push(
      verdict.status === 'pass'
        ? `<p class="next">The leak is gone and the service still works. Compare with <code>solutions/${escape(scenario.folder)}/WHY.md</code>.</p>`
        : `<p class="next fail">Stuck? <code>npm run hint ${Number(scenario.number)}</code> shows the next hint (they are in <code>scenarios/${escape(scenario.folder)}/hints.md</code>, mildest first).</p>`,
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}: ${statusText}</title><style>${STYLE}</style></head>
<body><main>${body.join('\n')}</main></body></html>
`;
}
