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

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
