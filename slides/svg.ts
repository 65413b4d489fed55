/**
 * The slides' figures as standalone SVG files: memory over a check (the leaky
 * server beside the fixed one, on one scale) and a retainer path as a chain
 * of boxes. Same data as the HTML report's chart and chain, drawn with inline
 * attributes only (no stylesheet, no script), at sizes that read on a
 * projector. Every figure carries the Node version that made it.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatBytes, formatFigure, formatSeconds } from '../checker/format.ts';
import type { RetainerPath, TimelinePoint } from '../checker/types.ts';
import { FIGURES_DIR, measureKind, type MeasureFigures, type ScenarioFigures } from './figures-data.ts';

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const MONO = 'font-family="ui-monospace, Menlo, Consolas, DejaVu Sans Mono, monospace"';
const INK = '#111827';
const MUTED = '#4b5563';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}

/** The lines drawn: heapUsed is the JS heap; arrayBuffers the Buffers' bytes outside it; rss all the process holds. */
const SERIES = [
  { key: 'heapUsed', label: 'heapUsed', colour: '#2563eb' },
  { key: 'arrayBuffers', label: 'arrayBuffers', colour: '#dc2626' },
  { key: 'rss', label: 'rss', colour: '#6b7280' },
] as const;

const PHASE_NAMES: Record<string, string> = {
  start: 'start',
  warmup: 'warm-up',
  traffic: 'traffic',
  snapshots: 'snapshot',
  contract: 'contract',
  analysis: 'analysis',
};

const PHASE_SHADES: Record<string, string> = { traffic: '#fef3c7', snapshots: '#e5e7eb' };

export interface ChartPanel {
  /** "leaky: scenarios/01-download-cache/server.ts" */
  readonly title: string;
  readonly points: readonly TimelinePoint[];
}

/** A round number of bytes at or above `bytes`, for the top of the scale. */
function niceCeiling(bytes: number): number {
  const MiB = 1024 * 1024;
  const steps = [8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 4096];
  return (steps.find((step) => step * MiB >= bytes) ?? Math.ceil(bytes / (1024 * MiB)) * 1024) * MiB;
}

/** Panels side by side on one scale, so leaky and fixed compare at a glance. */
export function memoryChartSvg(panels: readonly ChartPanel[], footer: string): string {
  const width = 1200;
  const height = 480;
  const gap = 30;
  const left = 96;
  const top = 70;
  const bottom = 62;
  const panelWidth = (width - left - 20 - gap * (panels.length - 1)) / panels.length;
  const high = niceCeiling(Math.max(1, ...panels.flatMap((panel) => panel.points.flatMap((point) => SERIES.map((series) => point[series.key])))));
  const plotHeight = height - top - bottom;
  const y = (bytes: number) => top + (1 - bytes / high) * plotHeight;
  const parts: string[] = [];

  const legend = SERIES.map((series, i) => {
    const x = left + i * 250;
    return `<line x1="${x}" x2="${x + 30}" y1="22" y2="22" stroke="${series.colour}" stroke-width="5"/><text x="${x + 40}" y="29" ${MONO} font-size="20" fill="${INK}">${series.label}</text>`;
  });
  parts.push(...legend);

  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const bytes = high * fraction;
    parts.push(
      `<line x1="${left}" x2="${width - 20}" y1="${y(bytes).toFixed(1)}" y2="${y(bytes).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${left - 8}" y="${(y(bytes) + 6).toFixed(1)}" text-anchor="end" ${FONT} font-size="17" fill="${MUTED}">${formatBytes(Math.round(bytes))}</text>`,
    );
  }

  panels.forEach((panel, index) => {
    const x0 = left + index * (panelWidth + gap);
    const points = panel.points;
    parts.push(`<text x="${x0 + panelWidth / 2}" y="${top - 12}" text-anchor="middle" ${FONT} font-size="20" font-weight="600" fill="${INK}">${escapeXml(panel.title)}</text>`);
    if (points.length < 2) {
      parts.push(`<text x="${x0 + panelWidth / 2}" y="${top + plotHeight / 2}" text-anchor="middle" ${FONT} font-size="18" fill="${MUTED}">too few samples</text>`);
      return;
    }
    const t0 = points[0]!.ms;
    const span = Math.max(1, points.at(-1)!.ms - t0);
    const x = (ms: number) => x0 + ((ms - t0) / span) * panelWidth;
    let start = 0;
    for (let i = 1; i <= points.length; i++) {
      if (i === points.length || points[i]!.phase !== points[start]!.phase) {
        const phase = points[start]!.phase;
        const from = x(points[start]!.ms);
        const to = x(points[Math.min(i, points.length - 1)]!.ms);
        parts.push(`<rect x="${from.toFixed(1)}" y="${top}" width="${Math.max(0, to - from).toFixed(1)}" height="${plotHeight}" fill="${PHASE_SHADES[phase] ?? '#f9fafb'}"/>`);
        // Phase names inside the plot, at the top, where there is room for them.
        if (to - from > 78) {
          const traffic = phase === 'traffic';
          parts.push(
            `<text x="${((from + to) / 2).toFixed(1)}" y="${top + 22}" text-anchor="middle" ${FONT} font-size="${traffic ? 18 : 15}" font-weight="${traffic ? 700 : 400}" fill="${traffic ? '#92400e' : MUTED}">${PHASE_NAMES[phase] ?? phase}</text>`,
          );
        }
        start = i;
      }
    }
    parts.push(
      `<rect x="${x0}" y="${top}" width="${panelWidth.toFixed(1)}" height="${plotHeight}" fill="none" stroke="#d1d5db"/>`,
      `<text x="${x0}" y="${top + plotHeight + 24}" ${FONT} font-size="17" fill="${MUTED}">0 s</text>`,
      `<text x="${(x0 + panelWidth).toFixed(1)}" y="${top + plotHeight + 24}" text-anchor="end" ${FONT} font-size="17" fill="${MUTED}">${formatSeconds(span)}</text>`,
    );
    for (const series of SERIES) {
      const line = points.map((point) => `${x(point.ms).toFixed(1)},${y(point[series.key]).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${series.colour}" stroke-width="3" stroke-linejoin="round" points="${line}"/>`);
    }
  });
  parts.push(`<text x="${width - 20}" y="${height - 10}" text-anchor="end" ${FONT} font-size="16" fill="${MUTED}">${escapeXml(footer)}</text>`);
  return svgDocument(width, height, 'Memory of the server over the check', parts);
}

/** The retainer path top to bottom: the root the learner knows, each step labelled with how it holds the next. */
export function retainerPathSvg(path: RetainerPath, footer: string): string {
  const labelSize = 26;
  // Monospace glyphs are about 0.6 em wide: the boxes grow to fit the longest label.
  const charWidth = labelSize * 0.6;
  const boxHeight = 58;
  const arrowHeight = 40;
  const x0 = 30;
  const rows = [
    { label: path.root.name, detail: `${path.root.label !== path.root.name ? `${path.root.label} · ` : ''}${path.root.description}`, bytes: path.root.retainedBytes, via: '' },
    ...path.steps.map((step) => ({ label: step.label, detail: '', bytes: step.retainedBytes, via: step.via || 'holds' })),
  ];
  const boxWidth = Math.max(560, ...rows.map((row) => row.label.length * charWidth + 40), ...rows.map((row) => row.detail.length * 17 * 0.55 + 40));
  const width = Math.ceil(x0 + boxWidth + 200);
  const parts: string[] = [];
  let y = 28;
  rows.forEach((row, index) => {
    if (index > 0) {
      const mid = x0 + 60;
      parts.push(
        `<line x1="${mid}" x2="${mid}" y1="${y}" y2="${y + arrowHeight - 10}" stroke="${MUTED}" stroke-width="3"/>`,
        `<path d="M${mid - 9},${y + arrowHeight - 16} L${mid},${y + arrowHeight - 2} L${mid + 9},${y + arrowHeight - 16} Z" fill="${MUTED}"/>`,
        `<text x="${mid + 22}" y="${y + arrowHeight / 2 + 8}" ${MONO} font-size="22" fill="${MUTED}">${escapeXml(row.via)}</text>`,
      );
      y += arrowHeight;
    }
    const root = index === 0;
    const last = index === rows.length - 1;
    const fill = root ? '#eff6ff' : last ? '#fef2f2' : '#f9fafb';
    const stroke = root ? '#2563eb' : last ? '#dc2626' : '#9ca3af';
    const height = row.detail ? boxHeight + 18 : boxHeight;
    parts.push(
      `<rect x="${x0}" y="${y}" width="${boxWidth.toFixed(0)}" height="${height}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="2.5"/>`,
      `<text x="${x0 + 18}" y="${y + (row.detail ? 33 : 38)}" ${MONO} font-size="${labelSize}" font-weight="700" fill="${INK}">${escapeXml(row.label)}</text>`,
      row.detail ? `<text x="${x0 + 18}" y="${y + 62}" ${FONT} font-size="17" fill="${MUTED}">${escapeXml(row.detail)}</text>` : '',
      `<text x="${(x0 + boxWidth + 20).toFixed(0)}" y="${y + 38}" ${FONT} font-size="26" font-weight="600" fill="${last ? '#b91c1c' : INK}">${formatBytes(row.bytes)}</text>`,
    );
    y += height;
  });
  parts.push(`<text x="${(x0 + boxWidth + 20).toFixed(0)}" y="20" ${FONT} font-size="17" fill="${MUTED}">retained</text>`);
  const height = y + 40;
  parts.push(`<text x="${width - 10}" y="${height - 10}" text-anchor="end" ${FONT} font-size="16" fill="${MUTED}">${escapeXml(footer)}</text>`);
  return svgDocument(width, height, `Retainer path from ${path.root.name}`, parts);
}

/** One group of bars on one scale: a title, a bar per run, and lines to read them against. */
export interface BarGroup {
  readonly title: string;
  readonly bars: readonly { readonly label: string; readonly value: number; readonly text: string; readonly colour: string }[];
  readonly marks: readonly { readonly value: number; readonly label: string }[];
}

const LEAKY_COLOUR = '#dc2626';
const FIXED_COLOUR = '#16a34a';

/** Groups of horizontal bars, one above the other: what an instrument read, leaky beside fixed. */
export function barGroupsSvg(groups: readonly BarGroup[], footer: string): string {
  const width = 1200;
  const left = 150;
  const right = width - 210;
  const barHeight = 44;
  const parts: string[] = [];
  let y = 12;
  for (const group of groups) {
    const high = Math.max(1, ...group.bars.map((bar) => bar.value), ...group.marks.map((mark) => mark.value)) * 1.05;
    const x = (value: number) => left + (Math.max(0, value) / high) * (right - left);
    parts.push(`<text x="30" y="${y + 30}" ${FONT} font-size="24" font-weight="600" fill="${INK}">${escapeXml(group.title)}</text>`);
    y += 50;
    const top = y;
    const bottom = top + group.bars.length * (barHeight + 14);
    // The lines to read against first, so that bars and figures are drawn over them.
    for (const [index, mark] of group.marks.entries()) {
      const at = x(mark.value).toFixed(1);
      parts.push(
        `<line x1="${at}" x2="${at}" y1="${top - 6}" y2="${bottom}" stroke="${MUTED}" stroke-width="2.5" stroke-dasharray="8 6"/>`,
        `<text x="${at}" y="${bottom + 22 + index * 22}" text-anchor="${mark.value > high * 0.6 ? 'end' : 'start'}" ${FONT} font-size="19" fill="${MUTED}">${escapeXml(mark.label)}</text>`,
      );
    }
    for (const bar of group.bars) {
      parts.push(
        `<text x="${left - 14}" y="${y + barHeight / 2 + 9}" text-anchor="end" ${FONT} font-size="24" fill="${INK}">${escapeXml(bar.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${Math.max(3, x(bar.value) - left).toFixed(1)}" height="${barHeight}" rx="4" fill="${bar.colour}"/>`,
        `<text x="${(Math.max(left + 3, x(bar.value)) + 12).toFixed(1)}" y="${y + barHeight / 2 + 9}" ${FONT} font-size="26" font-weight="700" fill="${INK}" stroke="#ffffff" stroke-width="6" paint-order="stroke">${escapeXml(bar.text)}</text>`,
      );
      y += barHeight + 14;
    }
    y += 30 + group.marks.length * 22;
  }
  const height = y + 30;
  parts.push(`<text x="${width - 20}" y="${height - 10}" text-anchor="end" ${FONT} font-size="16" fill="${MUTED}">${escapeXml(footer)}</text>`);
  return svgDocument(width, height, groups.map((group) => group.title).join('; '), parts);
}

/**
 * A measure without a retainer path, drawn as its instrument read it: for a
 * resource, what the leaky and the fixed server left behind; for a peak, the
 * highest rise during the traffic against the size it is best read against.
 */
export function measureGroups(measure: MeasureFigures): BarGroup[] {
  const bar = { value: measure.bar, label: `bar ${formatFigure(measure.bar, measure.unit)}` };
  const runs = (leaky: number, fixed: number, text: (value: number) => string) => [
    { label: 'leaky', value: leaky, text: text(leaky), colour: LEAKY_COLOUR },
    { label: 'fixed', value: fixed, text: text(fixed), colour: FIXED_COLOUR },
  ];
  if (measureKind(measure) === 'peak' && measure.sampled) {
    const { leaky, fixed } = measure.sampled;
    const compareTo = leaky.compareTo;
    return [
      {
        title: `${leaky.figure}: highest rise during the traffic`,
        bars: runs(leaky.peak - leaky.before, fixed.peak - fixed.before, formatBytes),
        marks: [...(compareTo ? [{ value: compareTo.bytes, label: `${compareTo.describe} ${formatBytes(compareTo.bytes)}` }] : []), bar],
      },
    ];
  }
  return [
    {
      title: `${measure.instrument ?? measure.name}: growth over the traffic`,
      bars: runs(measure.leaky, measure.fixed, (value) => formatFigure(value, measure.unit)),
      marks: [bar],
    },
  ];
}

/** Every scenario's figures as SVG, drawn from what figures.json recorded: file name → contents. */
export function figureFiles(scenarios: readonly ScenarioFigures[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const figures of scenarios) {
    const footer = `${figures.number} ${figures.title} · Node ${figures.node} · ${figures.recorded}`;
    files.set(
      figures.memoryFigure,
      memoryChartSvg(
        [
          { title: `leaky: ${figures.leakyStatus.toUpperCase()}`, points: figures.timeline.leaky },
          { title: `fixed: ${figures.fixedStatus.toUpperCase()}`, points: figures.timeline.fixed },
        ],
        footer,
      ),
    );
    for (const measure of figures.measures) {
      if (measure.path && measure.pathFigure) files.set(measure.pathFigure, retainerPathSvg(measure.path, footer));
      if (measure.measureFigure) files.set(measure.measureFigure, barGroupsSvg(measureGroups(measure), footer));
    }
  }
  return files;
}

/**
 * Write the figures into slides/figures/ and remove SVGs no longer recorded.
 * Drawing needs no check: a change to the drawing redraws the same runs.
 */
export function drawFigures(scenarios: readonly ScenarioFigures[]): void {
  const files = figureFiles(scenarios);
  for (const [file, svg] of files) writeFileSync(path.join(FIGURES_DIR, file), svg);
  for (const file of readdirSync(FIGURES_DIR)) {
    if (file.endsWith('.svg') && !files.has(file)) rmSync(path.join(FIGURES_DIR, file));
  }
}

function svgDocument(width: number, height: number, label: string, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(label)}">
<rect width="${width}" height="${height}" fill="#ffffff"/>
${parts.filter(Boolean).join('\n')}
</svg>
`;
}
