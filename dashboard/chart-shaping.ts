import type { HeatmapCell, ResponseTimeGroup } from '../analysis/response-times/response-time-queries.js';

/** One point of the overview: the figures of one channel (or all) on one day, or over the whole range. */
export interface OverviewFigures {
  conversations: number;
  answered: number;
  unanswered: number;
  firstResponseMedianMs: number | null;
  firstResponseP90Ms: number | null;
  resolutionMedianMs: number | null;
  resolutionP90Ms: number | null;
  /** Share of decided conversations that met the first-response target (0..1); null when none was decided. */
  firstResponseWithinTarget: number | null;
  resolutionWithinTarget: number | null;
}

export interface OverviewDay extends OverviewFigures {
  day: string;
}

const EMPTY_FIGURES: OverviewFigures = {
  conversations: 0,
  answered: 0,
  unanswered: 0,
  firstResponseMedianMs: null,
  firstResponseP90Ms: null,
  resolutionMedianMs: null,
  resolutionP90Ms: null,
  firstResponseWithinTarget: null,
  resolutionWithinTarget: null,
};

/** The figures the overview shows of one response-time group. */
export function overviewFigures(group: ResponseTimeGroup): OverviewFigures {
  return {
    conversations: group.conversations,
    answered: group.answered,
    unanswered: group.unanswered,
    firstResponseMedianMs: group.firstResponse.median,
    firstResponseP90Ms: group.firstResponse.p90,
    resolutionMedianMs: group.resolution.median,
    resolutionP90Ms: group.resolution.p90,
    firstResponseWithinTarget: group.firstResponseTarget.share,
    resolutionWithinTarget: group.resolutionTarget.share,
  };
}

/**
 * One entry per day of the range, in order: the day's figures, or zero conversations and no durations for a day
 * without any (a chart with gaps in its x axis would hide quiet days).
 *
 * @example
 * fillDays(['2026-03-01', '2026-03-02'], [group('2026-03-02')]); // [{ day: '2026-03-01', conversations: 0, ... }, { day: '2026-03-02', ... }]
 */
export function fillDays(days: readonly string[], groups: readonly ResponseTimeGroup[]): OverviewDay[] {
  const byDay = new Map(groups.map((group) => [group.key, group]));
  return days.map((day) => {
    const group = byDay.get(day);
    return { day, ...(group ? overviewFigures(group) : EMPTY_FIGURES) };
  });
}

/** Heatmap cells as 7 rows (Monday first) of 24 hours; missing cells are zero / null. */
export function heatmapRows(cells: readonly HeatmapCell[], value: 'conversations' | 'medianFirstResponseMs'): (number | null)[][] {
  const rows: (number | null)[][] = Array.from({ length: 7 }, () => new Array<number | null>(24).fill(value === 'conversations' ? 0 : null));
  for (const cell of cells) {
    const row = rows[cell.weekday - 1];
    if (row && cell.hour >= 0 && cell.hour < 24) row[cell.hour] = cell[value];
  }
  return rows;
}

/**
 * A duration for people: `45 s`, `12.5 min`, `3.2 h`, `2.1 d`; an em dash for none.
 *
 * @example
 * formatDurationShort(90_000); // '1.5 min'
 */
export function formatDurationShort(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const seconds = ms / 1000;
  if (seconds < 60) return `${round1(seconds)} s`;
  if (seconds < 3600) return `${round1(seconds / 60)} min`;
  if (seconds < 86_400) return `${round1(seconds / 3600)} h`;
  return `${round1(seconds / 86_400)} d`;
}

/** A share 0..1 as a percentage with one decimal; an em dash for none. */
export function formatShare(share: number | null): string {
  return share === null || !Number.isFinite(share) ? '—' : `${round1(share * 100)} %`;
}

function round1(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
