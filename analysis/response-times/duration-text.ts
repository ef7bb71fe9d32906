const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Reads a duration such as `"5m"`, `"24h"`, `"1h30m"`, `"90s"`, `"2d"` (units ms, s, m, h, d, w) as milliseconds;
 * undefined when the text is not one.
 *
 * @example
 * parseDurationText('1h30m'); // 5400000
 */
export function parseDurationText(text: string): number | undefined {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  if (compact === '' || !/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(compact)) return undefined;
  let total = 0;
  for (const match of compact.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return Math.round(total);
}

/**
 * A duration for people: `45s`, `12m 05s`, `3h 20m`, `2d 4h`; an empty string for null.
 *
 * @example
 * formatDuration(5_400_000); // "1h 30m"
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '-' : '';
  const totalSeconds = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) return `${sign}${days}d ${hours}h`;
  if (hours > 0) return `${sign}${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${sign}${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${sign}${seconds}s`;
}
