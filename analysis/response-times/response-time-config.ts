/** A day of the week, as written in the configuration file. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Opening hours on some weekdays, local wall-clock time `HH:MM`; `end` may be `24:00`. */
export interface WeeklyInterval {
  days: Weekday[];
  start: string;
  end: string;
}

/** When a channel is staffed. Durations in business time count only the milliseconds inside these hours. */
export interface BusinessHours {
  /** IANA zone in which `intervals` and `holidays` are read. */
  timeZone: string;
  intervals: WeeklyInterval[];
  /** Whole local days closed, `YYYY-MM-DD`. */
  holidays: string[];
}

/** Which clock a target is measured on. */
export type TargetBasis = 'calendar' | 'business';

export interface ChannelTargets {
  /** First response within this many milliseconds; null: no target. */
  firstResponseMs: number | null;
  /** Resolution (start to last resolution) within this many milliseconds; null: no target. */
  resolutionMs: number | null;
  basis: TargetBasis;
}

/** The response-time part of the configuration file, validated. */
export interface ResponseTimeConfig {
  /** IANA zone for day/week/month buckets, the heatmap and `--from`/`--to` dates. */
  reportingTimeZone: string;
  /** Per channel; the key `*` applies to channels not listed. A channel with none is open around the clock. */
  businessHours: Record<string, BusinessHours>;
  /** Per channel; the key `*` applies to channels not listed. */
  targets: Record<string, ChannelTargets>;
}

/** The channel key that applies to every channel not named in `businessHours` or `targets`. */
export const ANY_CHANNEL = '*';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Chat answered within 5 minutes, email within 24 hours; no resolution target; UTC reports; open 24/7. */
export const DEFAULT_RESPONSE_TIME_CONFIG: ResponseTimeConfig = {
  reportingTimeZone: 'UTC',
  businessHours: {},
  targets: {
    chat: { firstResponseMs: 5 * MINUTE, resolutionMs: null, basis: 'calendar' },
    email: { firstResponseMs: 24 * HOUR, resolutionMs: null, basis: 'calendar' },
  },
};

/**
 * The business hours that apply to a channel: its own, else those under `*`, else undefined (always open).
 *
 * @example
 * businessHoursFor(config, 'chat'); // { timeZone: 'Europe/Berlin', intervals: [...], holidays: [] }
 */
export function businessHoursFor(config: ResponseTimeConfig, channel: string): BusinessHours | undefined {
  return config.businessHours[channel] ?? config.businessHours[ANY_CHANNEL];
}

/**
 * The targets that apply to a channel: its own, else those under `*`, else none.
 *
 * @example
 * targetsFor(DEFAULT_RESPONSE_TIME_CONFIG, 'chat').firstResponseMs; // 300000
 */
export function targetsFor(config: ResponseTimeConfig, channel: string): ChannelTargets {
  return config.targets[channel] ?? config.targets[ANY_CHANNEL] ?? { firstResponseMs: null, resolutionMs: null, basis: 'calendar' };
}
