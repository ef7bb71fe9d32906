/**
 * How spikes and within-target drops are judged (the `alerts` section of the configuration). Each default is argued
 * from first principles in the README ("Spikes and alerts"); none was tuned on a benchmark's answers.
 */
export interface AlertSettings {
  /**
   * The sensitivity (lower finds more): how improbable a day must be under its baseline, as the z of a normal tail
   * (4: 3.2e-5, about one chance alert per series per 85 years of days). An hour must be 24 times less probable
   * (z 4.70), so each series raises as few chance alerts by the hour as by the day: a team with 20 series (channels
   * and topics) sees about one a year of each.
   */
  threshold: number;
  /** A spike is at least this many times the baseline (1.5: half again the usual is the least a lead acts on). */
  minRatio: number;
  /** Same hour (or weekday) of at least this many previous weeks before a period is judged at all. */
  minHistoryWeeks: number;
  /** The baseline looks back at most this many weeks (8: two months, before seasons change the usual). */
  historyWeeks: number;
  /** Fewest conversations in an hour for an hourly alert (spike or drop): fewer is not worth a message. */
  minHourConversations: number;
  /** Fewest conversations in a day for a daily alert. */
  minDayConversations: number;
  /** A within-target drop is at least this many points of share (0.15: from 90% to 75%). */
  minTargetDrop: number;
  /** A spike names an event that started up to this long before it (or during it, or spans it). */
  eventLeadMs: number;
  /** The events file or folder (JSON Lines, JSON or CSV); none when unset. */
  eventsPath?: string | undefined;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  threshold: 4,
  minRatio: 1.5,
  minHistoryWeeks: 3,
  historyWeeks: 8,
  minHourConversations: 10,
  minDayConversations: 20,
  minTargetDrop: 0.15,
  eventLeadMs: 6 * 3_600_000,
};
