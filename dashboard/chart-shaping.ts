import type { ResponseTimeGroup } from '../analysis/response-times/response-time-queries.js';

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
  /** Conversations that missed the first-response target (answered late, or still waiting beyond it). */
  firstResponseBreached: number;
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
  firstResponseBreached: 0,
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
    firstResponseBreached: group.firstResponseTarget.breached,
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
