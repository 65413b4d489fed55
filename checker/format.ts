const KiB = 1024;

/** Bytes as a learner reads them: "2.0 MiB", "512 B". */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  if (abs < KiB) return `${sign}${abs} B`;
  if (abs < KiB ** 2) return `${sign}${(abs / KiB).toFixed(1)} KiB`;
  if (abs < KiB ** 3) return `${sign}${(abs / KiB ** 2).toFixed(1)} MiB`;
  return `${sign}${(abs / KiB ** 3).toFixed(1)} GiB`;
}

export function formatFigure(value: number, unit: 'bytes' | 'objects'): string {
  return unit === 'bytes' ? formatBytes(value) : String(value);
}

/**
 * The widest a step's label may be in a printed retainer path: a closure's
 * scope lists its variables, and one such line would push every edge name
 * past the edge of the terminal. The next step's edge names the variable the
 * path takes, so the list can be cut.
 */
export const PATH_LABEL_WIDTH = 64;

/**
 * A label cut to `width` characters. A scope's label ("scope shared by 4
 * functions (a(), b(), c()…): x, y, z, …") keeps its first function and as
 * many whole variable names as fit; anything else is cut, its end marked …
 */
export function fitLabel(label: string, width = PATH_LABEL_WIDTH): string {
  if (label.length <= width) return label;
  const scope = /^(scope (?:of|shared by) [^:]*?): (.*)$/.exec(label);
  if (scope) {
    let owners = scope[1]!;
    if (owners.length + 2 > width / 2) owners = owners.replace(/ \(([^,()]*\(\))[^]*$/, ' ($1…)');
    const kept: string[] = [];
    for (const name of scope[2]!.split(', ').filter((name) => name !== '…')) {
      if (`${owners}: ${[...kept, name].join(', ')}, …`.length > width) break;
      kept.push(name);
    }
    const fitted = `${owners}: ${[...kept, '…'].join(', ')}`;
    if (kept.length && fitted.length <= width) return fitted;
  }
  return `${label.slice(0, width - 1)}…`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Whether the terminal can draw ✓, ✗ and the sparkline's blocks. The Windows
 * 10 console (conhost) shows them as boxes; Windows Terminal (WT_SESSION),
 * VS Code's terminal and ConEmu draw them. FG_ASCII=1 asks for ASCII anywhere.
 */
export function terminalDrawsSymbols(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  if (env.FG_ASCII === '1') return false;
  if (platform !== 'win32') return true;
  return Boolean(env.WT_SESSION || env.TERM_PROGRAM === 'vscode' || env.ConEmuANSI === 'ON');
}

export interface Symbols {
  readonly pass: string;
  readonly fail: string;
  /** A sparkline's levels, lowest first. */
  readonly spark: string;
}

export function symbolsFor(drawsSymbols: boolean): Symbols {
  return drawsSymbols ? { pass: '✓', fail: '✗', spark: '▁▂▃▄▅▆▇█' } : { pass: '+', fail: 'x', spark: '_.,:-=+*#' };
}

/** The one place that decides how a verdict's marks look in this terminal. */
export const SYMBOLS: Symbols = symbolsFor(terminalDrawsSymbols());

/** The middle of some figures (the mean of the two middle ones for an even count): what the benches print. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
