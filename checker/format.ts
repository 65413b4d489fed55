const KiB = 1024;

/** Bytes as a learner reads them: "2.0 MiB", "512 B". */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  if (abs < KiB) return `${sign}${abs} B`;
  if (abs < KiB * KiB) return `${sign}${(abs / KiB).toFixed(1)} KiB`;
  return `${sign}${(abs / KiB / KiB).toFixed(1)} MiB`;
}

export function formatFigure(value: number, unit: 'bytes' | 'objects'): string {
  return unit === 'bytes' ? formatBytes(value) : String(value);
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
