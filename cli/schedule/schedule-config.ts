/** The `schedule` section of the configuration file, validated. */
export interface ScheduleConfig {
  /** node-cron expression: 5 fields, or 6 with seconds first. */
  cron: string;
  /** IANA zone the expression is read in; the reporting time zone when not given. */
  timeZone: string;
  /** Folder whose new files each tick ingests (walked recursively, hidden entries skipped). */
  inbox: string;
  /** IANA zone for inbox timestamps that carry no zone (as `ingest --timezone`). */
  sourceTimeZone: string;
  /** How many more attempts a failed run gets. */
  retries: number;
  retryDelayMs: number;
}

/** Every night at 02:00, in the reporting time zone (filled in when the configuration is read). */
export const DEFAULT_SCHEDULE_CONFIG: Omit<ScheduleConfig, 'timeZone'> = {
  cron: '0 2 * * *',
  inbox: './inbox',
  sourceTimeZone: 'UTC',
  retries: 2,
  retryDelayMs: 5 * 60_000,
};

/** The most retries a configuration may ask for. */
export const MAX_RETRIES = 20;
