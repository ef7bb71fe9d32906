import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { IANAZone } from 'luxon';
import { parseClockTime } from '../analysis/response-times/business-calendar.js';
import { parseDurationText } from '../analysis/response-times/duration-text.js';
import {
  DEFAULT_RESPONSE_TIME_CONFIG,
  WEEKDAYS,
  type BusinessHours,
  type ChannelTargets,
  type ResponseTimeConfig,
  type TargetBasis,
  type Weekday,
  type WeeklyInterval,
} from '../analysis/response-times/response-time-config.js';
import { DEFAULT_TOPICS_CONFIG, type TopicsConfig } from '../analysis/topics/topics-config.js';
import { DEFAULT_FAQ_MATCHING_CONFIG, type FaqMatchingConfig } from '../analysis/faq/faq-matching-config.js';
import { validateDetailed } from 'node-cron';
import { DEFAULT_SCHEDULE_CONFIG, MAX_RETRIES, type ScheduleConfig } from './schedule/schedule-config.js';
import { UsageError } from './options.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../analysis/alerts/alert-settings.js';
import { DEFAULT_DELIVERIES_CONFIG, type DeliveriesConfig, type Destination, type DigestPeriod } from './deliveries/delivery-config.js';

/** Read when `--config` is not given and the file exists in the working directory. */
export const DEFAULT_CONFIG_PATH = './supportlens.config.json';

/**
 * The whole configuration file, validated. Each analysis owns a section; to add one, add its top-level keys to
 * `SECTION_READERS` with a reader that validates them and fills its part of this object.
 */
export interface SupportlensConfig {
  /** Where the configuration came from: a path, or "defaults". */
  source: string;
  responseTimes: ResponseTimeConfig;
  topics: TopicsConfig;
  faq: FaqMatchingConfig;
  schedule: ScheduleConfig;
  alerts: AlertSettings;
  deliveries: DeliveriesConfig;
}

/** Every problem of a configuration file, each naming its key path. */
export class ConfigError extends UsageError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration ${source}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

/** Collects problems under key paths such as `businessHours.chat.intervals[2].end`. */
export class ConfigProblems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

type Fields = Record<string, unknown>;

interface SectionReader {
  /** Top-level keys this reader owns. */
  keys: readonly string[];
  read(file: Fields, config: SupportlensConfig, problems: ConfigProblems): void;
}

const SECTION_READERS: readonly SectionReader[] = [
  { keys: ['reportingTimeZone', 'businessHours', 'targets'], read: readResponseTimeSection },
  { keys: ['topics'], read: readTopicsSection },
  { keys: ['faq'], read: readFaqSection },
  // After the response-time section: the schedule's zone defaults to the reporting time zone.
  { keys: ['schedule'], read: readScheduleSection },
  { keys: ['alerts'], read: readAlertsSection },
  { keys: ['deliveries'], read: readDeliveriesSection },
];

/** Keys that may appear at the top level without being read (a comment, a JSON schema reference). */
const IGNORED_KEYS = new Set(['$schema', '$comment']);

/**
 * Loads `path`, or `./supportlens.config.json` when it exists, or the defaults. Throws `ConfigError` (a
 * `UsageError`) listing every problem, each with its key path.
 *
 * @example
 * const config = await loadConfig('supportlens.config.json');
 * config.responseTimes.reportingTimeZone; // "Europe/Berlin"
 */
export async function loadConfig(path?: string): Promise<SupportlensConfig> {
  const chosen = path ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  if (chosen === undefined) return parseConfig({}, 'defaults');
  let text: string;
  try {
    text = await readFile(chosen, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read configuration ${chosen}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(chosen, [`(file): not valid JSON: ${(error as Error).message}`]);
  }
  return parseConfig(parsed, chosen);
}

/**
 * Validates a parsed configuration object; missing sections and keys take their defaults.
 *
 * @example
 * parseConfig({ targets: { chat: { firstResponse: '2m' } } }, 'inline').responseTimes.targets.chat.firstResponseMs; // 120000
 */
export function parseConfig(input: unknown, source: string): SupportlensConfig {
  const problems = new ConfigProblems();
  const config: SupportlensConfig = {
    source,
    responseTimes: structuredClone(DEFAULT_RESPONSE_TIME_CONFIG),
    topics: { ...DEFAULT_TOPICS_CONFIG },
    faq: { ...DEFAULT_FAQ_MATCHING_CONFIG },
    schedule: { ...DEFAULT_SCHEDULE_CONFIG, timeZone: DEFAULT_RESPONSE_TIME_CONFIG.reportingTimeZone },
    alerts: { ...DEFAULT_ALERT_SETTINGS },
    deliveries: structuredClone(DEFAULT_DELIVERIES_CONFIG),
  };
  if (!isObject(input)) {
    throw new ConfigError(source, [`(file): expected a JSON object, got ${describe(input)}`]);
  }
  const known = new Set(SECTION_READERS.flatMap((reader) => reader.keys));
  for (const key of Object.keys(input)) {
    if (!known.has(key) && !IGNORED_KEYS.has(key)) problems.add(key, `unknown key (expected one of ${[...known].join(', ')})`);
  }
  for (const reader of SECTION_READERS) reader.read(input, config, problems);
  if (problems.list.length > 0) throw new ConfigError(source, problems.list);
  return config;
}

function readResponseTimeSection(file: Fields, config: SupportlensConfig, problems: ConfigProblems): void {
  const target = config.responseTimes;
  if (file['reportingTimeZone'] !== undefined) {
    const zone = readTimeZone(file['reportingTimeZone'], 'reportingTimeZone', problems);
    if (zone) target.reportingTimeZone = zone;
  }
  const hours = file['businessHours'];
  if (hours !== undefined) {
    if (!isObject(hours)) problems.add('businessHours', `expected an object keyed by channel, got ${describe(hours)}`);
    else {
      for (const [channel, value] of Object.entries(hours)) {
        const read = readBusinessHours(value, `businessHours.${channel}`, problems);
        if (read) target.businessHours[channel.toLowerCase()] = read;
      }
    }
  }
  const targets = file['targets'];
  if (targets !== undefined) {
    if (!isObject(targets)) problems.add('targets', `expected an object keyed by channel, got ${describe(targets)}`);
    else {
      for (const [channel, value] of Object.entries(targets)) {
        const key = channel.toLowerCase();
        const read = readTargets(value, `targets.${channel}`, target.targets[key], problems);
        if (read) target.targets[key] = read;
      }
    }
  }
}

function readBusinessHours(value: unknown, path: string, problems: ConfigProblems): BusinessHours | undefined {
  if (!isObject(value)) {
    problems.add(path, `expected an object with timeZone, intervals and holidays, got ${describe(value)}`);
    return undefined;
  }
  const before = problems.list.length;
  unknownKeys(value, path, ['timeZone', 'intervals', 'holidays'], problems);
  const timeZone =
    value['timeZone'] === undefined ? (problems.add(`${path}.timeZone`, 'missing'), undefined) : readTimeZone(value['timeZone'], `${path}.timeZone`, problems);
  const intervals: WeeklyInterval[] = [];
  const rawIntervals = value['intervals'];
  if (!Array.isArray(rawIntervals))
    problems.add(`${path}.intervals`, rawIntervals === undefined ? 'missing' : `expected a list, got ${describe(rawIntervals)}`);
  else {
    const opened: { day: Weekday; start: number; end: number; index: number }[] = [];
    rawIntervals.forEach((raw, index) => {
      const at = `${path}.intervals[${index}]`;
      if (!isObject(raw)) {
        problems.add(at, `expected an object with days, start and end, got ${describe(raw)}`);
        return;
      }
      unknownKeys(raw, at, ['days', 'start', 'end'], problems);
      const days = readDays(raw['days'], `${at}.days`, problems);
      const start = readClock(raw['start'], `${at}.start`, problems);
      const end = readClock(raw['end'], `${at}.end`, problems);
      if (days === undefined || start === undefined || end === undefined) return;
      if (end.minutes <= start.minutes) {
        problems.add(`${at}.end`, `"${end.text}" is not after start "${start.text}" (an interval cannot cross midnight; split it in two)`);
        return;
      }
      for (const day of days) {
        const clash = opened.find((other) => other.day === day && start.minutes < other.end && other.start < end.minutes);
        if (clash) {
          problems.add(at, `overlaps intervals[${clash.index}] on ${day}`);
          return;
        }
      }
      for (const day of days) opened.push({ day, start: start.minutes, end: end.minutes, index });
      intervals.push({ days, start: start.text, end: end.text });
    });
  }
  const holidays: string[] = [];
  const rawHolidays = value['holidays'];
  if (rawHolidays !== undefined) {
    if (!Array.isArray(rawHolidays)) problems.add(`${path}.holidays`, `expected a list of YYYY-MM-DD dates, got ${describe(rawHolidays)}`);
    else {
      rawHolidays.forEach((raw, index) => {
        if (typeof raw === 'string' && isIsoDate(raw)) holidays.push(raw);
        else problems.add(`${path}.holidays[${index}]`, `${describe(raw)} is not a date (YYYY-MM-DD)`);
      });
    }
  }
  if (problems.list.length > before || timeZone === undefined) return undefined;
  return { timeZone, intervals, holidays };
}

function readTargets(value: unknown, path: string, defaults: ChannelTargets | undefined, problems: ConfigProblems): ChannelTargets | undefined {
  if (!isObject(value)) {
    problems.add(path, `expected an object with firstResponse, resolution and basis, got ${describe(value)}`);
    return undefined;
  }
  const before = problems.list.length;
  unknownKeys(value, path, ['firstResponse', 'firstResponseMs', 'resolution', 'resolutionMs', 'basis'], problems);
  const firstResponseMs = readTarget(value, { path, name: 'firstResponse', fallback: defaults?.firstResponseMs ?? null }, problems);
  const resolutionMs = readTarget(value, { path, name: 'resolution', fallback: defaults?.resolutionMs ?? null }, problems);
  let basis: TargetBasis = defaults?.basis ?? 'calendar';
  if (value['basis'] !== undefined) {
    if (value['basis'] === 'calendar' || value['basis'] === 'business') basis = value['basis'];
    else problems.add(`${path}.basis`, `${describe(value['basis'])} is not "calendar" or "business"`);
  }
  if (problems.list.length > before) return undefined;
  return { firstResponseMs, resolutionMs, basis };
}

/** `name` as text ("5m") or `nameMs` as a number; null disables the target. */
function readTarget(value: Fields, key: { path: string; name: string; fallback: number | null }, problems: ConfigProblems): number | null {
  const { path, name, fallback } = key;
  const text = value[name];
  const number = value[`${name}Ms`];
  if (text !== undefined && number !== undefined) {
    problems.add(`${path}.${name}`, `give either ${name} or ${name}Ms, not both`);
    return fallback;
  }
  if (text !== undefined) {
    if (text === null) return null;
    const ms = typeof text === 'string' ? parseDurationText(text) : undefined;
    if (ms === undefined || ms <= 0) {
      problems.add(`${path}.${name}`, `${describe(text)} is not a duration (such as "5m", "24h", "1h30m")`);
      return fallback;
    }
    return ms;
  }
  if (number !== undefined) {
    if (number === null) return null;
    if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
      problems.add(`${path}.${name}Ms`, `${describe(number)} is not a positive whole number of milliseconds`);
      return fallback;
    }
    return number;
  }
  return fallback;
}

function readTimeZone(value: unknown, path: string, problems: ConfigProblems): string | undefined {
  if (typeof value === 'string' && IANAZone.isValidZone(value)) return value;
  problems.add(path, `${describe(value)} is not an IANA time zone (such as "Europe/Berlin" or "UTC")`);
  return undefined;
}

function readDays(value: unknown, path: string, problems: ConfigProblems): Weekday[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.add(path, `expected a non-empty list of ${WEEKDAYS.join(', ')}, got ${describe(value)}`);
    return undefined;
  }
  const days: Weekday[] = [];
  let ok = true;
  value.forEach((raw, index) => {
    const day = typeof raw === 'string' ? (raw.trim().toLowerCase().slice(0, 3) as Weekday) : undefined;
    if (day && WEEKDAYS.includes(day) && typeof raw === 'string' && isDayName(raw)) {
      if (!days.includes(day)) days.push(day);
    } else {
      problems.add(`${path}[${index}]`, `${describe(raw)} is not a weekday (${WEEKDAYS.join(', ')})`);
      ok = false;
    }
  });
  return ok ? days : undefined;
}

const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function isDayName(raw: string): boolean {
  const text = raw.trim().toLowerCase();
  return (WEEKDAYS as readonly string[]).includes(text) || FULL_DAY_NAMES.includes(text);
}

function readClock(value: unknown, path: string, problems: ConfigProblems): { text: string; minutes: number } | undefined {
  const minutes = typeof value === 'string' ? parseClockTime(value) : undefined;
  if (minutes === undefined || typeof value !== 'string') {
    problems.add(path, `${describe(value)} is not a time (HH:MM, 00:00 to 24:00)`);
    return undefined;
  }
  return { text: value, minutes };
}

function unknownKeys(value: Fields, path: string, allowed: readonly string[], problems: ConfigProblems): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.add(`${path}.${key}`, `unknown key (expected one of ${allowed.join(', ')})`);
  }
}

/** A calendar day written YYYY-MM-DD that exists (2026-02-30 does not). */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Whole-number settings of the `topics` section, with their allowed ranges. */
const TOPIC_SETTINGS: Record<string, [min: number, max: number]> = {
  maxTopics: [2, 1000],
  minTopicSize: [1, 1_000_000],
  topicCount: [2, 1000],
  sampleSize: [100, 1_000_000],
  workers: [0, 64],
  seed: [0, 2 ** 31 - 1],
};

function readTopicsSection(file: Fields, config: SupportlensConfig, problems: ConfigProblems): void {
  const section = file['topics'];
  if (section === undefined) return;
  if (!isObject(section)) {
    problems.add('topics', `expected an object, got ${describe(section)}`);
    return;
  }
  for (const [key, value] of Object.entries(section)) {
    const range = Object.hasOwn(TOPIC_SETTINGS, key) ? TOPIC_SETTINGS[key] : undefined;
    if (!range) {
      problems.add(`topics.${key}`, `unknown key (expected one of ${Object.keys(TOPIC_SETTINGS).join(', ')})`);
      continue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
      problems.add(`topics.${key}`, `expected a whole number from ${range[0]} to ${range[1]}, got ${describe(value)}`);
      continue;
    }
    (config.topics as unknown as Record<string, number>)[key] = value;
  }
}

/**
 * `faq.coveredThreshold`: the score (0..1) from which a question counts as covered by its best FAQ entry, or `"auto"`
 * (the default) to calibrate it to the FAQ and the questions of each run.
 */
function readFaqSection(file: Fields, config: SupportlensConfig, problems: ConfigProblems): void {
  const section = file['faq'];
  if (section === undefined) return;
  if (!isObject(section)) {
    problems.add('faq', `expected an object, got ${describe(section)}`);
    return;
  }
  for (const [key, value] of Object.entries(section)) {
    if (key !== 'coveredThreshold') {
      problems.add(`faq.${key}`, 'unknown key (expected coveredThreshold)');
      continue;
    }
    if (value === 'auto') {
      config.faq.coveredThreshold = 'auto';
      continue;
    }
    if (typeof value !== 'number' || !(value > 0 && value < 1)) {
      problems.add('faq.coveredThreshold', `expected "auto" or a number between 0 and 1, got ${describe(value)}`);
      continue;
    }
    config.faq.coveredThreshold = value;
  }
}

const SCHEDULE_KEYS = ['cron', 'timeZone', 'inbox', 'sourceTimeZone', 'retries', 'retryDelay', 'retryDelayMs'];

/** `schedule`: `cron`, `timeZone`, `inbox`, `sourceTimeZone`, `retries`, `retryDelay` (or `retryDelayMs`). */
function readScheduleSection(file: Fields, config: SupportlensConfig, problems: ConfigProblems): void {
  const target = config.schedule;
  target.timeZone = config.responseTimes.reportingTimeZone;
  const section = file['schedule'];
  if (section === undefined) return;
  if (!isObject(section)) {
    problems.add('schedule', `expected an object with ${SCHEDULE_KEYS.join(', ')}, got ${describe(section)}`);
    return;
  }
  unknownKeys(section, 'schedule', SCHEDULE_KEYS, problems);
  const cron = section['cron'];
  if (cron !== undefined) {
    const validation = typeof cron === 'string' ? validateDetailed(cron) : undefined;
    if (typeof cron === 'string' && validation?.valid) target.cron = cron;
    else {
      const why = validation?.errors.map((error) => `${error.field}: ${error.message}`).join('; ');
      problems.add('schedule.cron', `${describe(cron)} is not a cron expression (such as "0 2 * * *": minute hour day month weekday)${why ? ` (${why})` : ''}`);
    }
  }
  for (const key of ['timeZone', 'sourceTimeZone'] as const) {
    if (section[key] === undefined) continue;
    const zone = readTimeZone(section[key], `schedule.${key}`, problems);
    if (zone) target[key] = zone;
  }
  const inbox = section['inbox'];
  if (inbox !== undefined) {
    if (typeof inbox === 'string' && inbox.trim() !== '') target.inbox = inbox;
    else problems.add('schedule.inbox', `expected a folder path, got ${describe(inbox)}`);
  }
  const retries = section['retries'];
  if (retries !== undefined) {
    if (typeof retries === 'number' && Number.isInteger(retries) && retries >= 0 && retries <= MAX_RETRIES) target.retries = retries;
    else problems.add('schedule.retries', `expected a whole number from 0 to ${MAX_RETRIES}, got ${describe(retries)}`);
  }
  if (section['retryDelay'] !== undefined || section['retryDelayMs'] !== undefined) {
    const delay = readTarget(section, { path: 'schedule', name: 'retryDelay', fallback: target.retryDelayMs }, problems);
    if (delay === null) problems.add('schedule.retryDelay', 'null is not a duration (such as "30s" or "5m")');
    else target.retryDelayMs = delay;
  }
}

/** Numeric settings of the `alerts` section: [min, max, whole numbers only]. */
const ALERT_NUMBERS: Record<string, [min: number, max: number, integer: boolean]> = {
  threshold: [1, 100, false],
  minRatio: [1, 1000, false],
  minHistoryWeeks: [1, 52, true],
  historyWeeks: [1, 104, true],
  minHourConversations: [1, 1_000_000, true],
  minDayConversations: [1, 1_000_000, true],
  minTargetDrop: [0, 1, false],
};
const ALERT_KEYS = [...Object.keys(ALERT_NUMBERS), 'eventLead', 'eventLeadMs', 'events'];

/** `alerts`: spike sensitivity and history (see AlertSettings), `eventLead` (a duration), `events` (a file or folder). */
function readAlertsSection(file: Fields, config: SupportlensConfig, problems: ConfigProblems): void {
  const section = file['alerts'];
  if (section === undefined) return;
  if (!isObject(section)) {
    problems.add('alerts', `expected an object with ${ALERT_KEYS.join(', ')}, got ${describe(section)}`);
    return;
  }
  unknownKeys(section, 'alerts', ALERT_KEYS, problems);
  const target = config.alerts;
  for (const [key, [min, max, integer]] of Object.entries(ALERT_NUMBERS)) {
    const value = section[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      problems.add(`alerts.${key}`, `expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${describe(value)}`);
      continue;
    }
    (target as unknown as Record<string, number>)[key] = value;
  }
  if (target.minHistoryWeeks > target.historyWeeks)
    problems.add('alerts.minHistoryWeeks', `${target.minHistoryWeeks} is more than historyWeeks (${target.historyWeeks})`);
  if (section['eventLead'] !== undefined || section['eventLeadMs'] !== undefined) {
    const lead = readTarget(section, { path: 'alerts', name: 'eventLead', fallback: target.eventLeadMs }, problems);
    if (lead === null) problems.add('alerts.eventLead', 'null is not a duration (such as "6h")');
    else target.eventLeadMs = lead;
  }
  const events = section['events'];
  if (events !== undefined) {
    if (typeof events === 'string' && events.trim() !== '') target.eventsPath = events;
    else problems.add('alerts.events', `expected a file or folder path, got ${describe(events)}`);
  }
}

const DELIVERY_KEYS = ['dashboardUrl', 'destinations', 'timeout', 'timeoutMs', 'retries', 'retryDelay', 'retryDelayMs'];
const DESTINATION_KEYS = ['name', 'type', 'digests', 'alerts'];
const EMAIL_KEYS = ['host', 'port', 'secure', 'user', 'passwordEnv', 'passwordFile', 'from', 'to'];
const WEBHOOK_KEYS = ['urlEnv', 'urlFile'];
/** Secrets are never in the file: these keys are refused with a pointer to the *Env / *File form. */
const SECRET_KEYS: Record<string, string> = { password: 'passwordEnv or passwordFile', url: 'urlEnv or urlFile' };

/** `deliveries`: `dashboardUrl`, `timeout`, `retries`, `retryDelay`, and `destinations` (email or webhook). */
function readDeliveriesSection(file: Fields, config: SupportlensConfig, problems: ConfigProblems): void {
  const section = file['deliveries'];
  if (section === undefined) return;
  if (!isObject(section)) {
    problems.add('deliveries', `expected an object with ${DELIVERY_KEYS.join(', ')}, got ${describe(section)}`);
    return;
  }
  unknownKeys(section, 'deliveries', DELIVERY_KEYS, problems);
  const target = config.deliveries;
  const url = section['dashboardUrl'];
  if (url !== undefined) {
    if (typeof url === 'string' && /^https?:\/\/[^\s]+$/.test(url)) target.dashboardUrl = url.replace(/\/+$/, '');
    else problems.add('deliveries.dashboardUrl', `expected an http(s) address, got ${describe(url)}`);
  }
  if (section['timeout'] !== undefined || section['timeoutMs'] !== undefined) {
    const timeout = readTarget(section, { path: 'deliveries', name: 'timeout', fallback: target.timeoutMs }, problems);
    if (timeout === null) problems.add('deliveries.timeout', 'null is not a duration (such as "15s")');
    else target.timeoutMs = timeout;
  }
  if (section['retryDelay'] !== undefined || section['retryDelayMs'] !== undefined) {
    const delay = readTarget(section, { path: 'deliveries', name: 'retryDelay', fallback: target.retryDelayMs }, problems);
    if (delay === null) problems.add('deliveries.retryDelay', 'null is not a duration (such as "5s")');
    else target.retryDelayMs = delay;
  }
  const retries = section['retries'];
  if (retries !== undefined) {
    if (typeof retries === 'number' && Number.isInteger(retries) && retries >= 0 && retries <= MAX_RETRIES) target.retries = retries;
    else problems.add('deliveries.retries', `expected a whole number from 0 to ${MAX_RETRIES}, got ${describe(retries)}`);
  }
  const destinations = section['destinations'];
  if (destinations === undefined) return;
  if (!Array.isArray(destinations)) {
    problems.add('deliveries.destinations', `expected a list, got ${describe(destinations)}`);
    return;
  }
  const names = new Set<string>();
  destinations.forEach((raw, index) => {
    const path = `deliveries.destinations[${index}]`;
    const destination = readDestination(raw, path, problems);
    if (!destination) return;
    if (names.has(destination.name)) problems.add(`${path}.name`, `"${destination.name}" is used by another destination`);
    names.add(destination.name);
    target.destinations.push(destination);
  });
}

function readDestination(raw: unknown, path: string, problems: ConfigProblems): Destination | undefined {
  if (!isObject(raw)) {
    problems.add(path, `expected an object with name, type and its settings, got ${describe(raw)}`);
    return undefined;
  }
  const before = problems.list.length;
  for (const [key, instead] of Object.entries(SECRET_KEYS)) {
    if (raw[key] !== undefined) problems.add(`${path}.${key}`, `secrets are not read from the configuration file: give ${instead}`);
  }
  const type = raw['type'];
  if (type !== 'email' && type !== 'webhook') {
    problems.add(`${path}.type`, `expected "email" or "webhook", got ${describe(type)}`);
    return undefined;
  }
  // The secret keys were named above with what to give instead.
  unknownKeys(raw, path, [...DESTINATION_KEYS, ...(type === 'email' ? EMAIL_KEYS : WEBHOOK_KEYS), ...Object.keys(SECRET_KEYS)], problems);
  const name = raw['name'];
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name))
    problems.add(`${path}.name`, `expected a name of letters, digits, ".", "_" or "-", got ${describe(name)}`);
  const digests: DigestPeriod[] = [];
  const rawDigests = raw['digests'] ?? [];
  if (!Array.isArray(rawDigests)) problems.add(`${path}.digests`, `expected a list of "day" and "week", got ${describe(rawDigests)}`);
  else {
    rawDigests.forEach((period, index) => {
      if (period === 'day' || period === 'week') {
        if (!digests.includes(period)) digests.push(period);
      } else problems.add(`${path}.digests[${index}]`, `expected "day" or "week", got ${describe(period)}`);
    });
  }
  const alerts = raw['alerts'] ?? false;
  if (typeof alerts !== 'boolean') problems.add(`${path}.alerts`, `expected true or false, got ${describe(alerts)}`);
  const secretSource = (envKey: string, fileKey: string, required: boolean): { env?: string; file?: string } => {
    const env = raw[envKey];
    const fileName = raw[fileKey];
    if (env !== undefined && fileName !== undefined) problems.add(`${path}.${envKey}`, `give either ${envKey} or ${fileKey}, not both`);
    if (env !== undefined && (typeof env !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)))
      problems.add(`${path}.${envKey}`, `expected an environment variable name, got ${describe(env)}`);
    if (fileName !== undefined && (typeof fileName !== 'string' || fileName.trim() === ''))
      problems.add(`${path}.${fileKey}`, `expected a file path, got ${describe(fileName)}`);
    if (required && env === undefined && fileName === undefined) problems.add(path, `missing ${envKey} or ${fileKey}`);
    return { ...(typeof env === 'string' ? { env } : {}), ...(typeof fileName === 'string' ? { file: fileName } : {}) };
  };
  const base = { name: name as string, digests, alerts: alerts === true };
  if (type === 'webhook') {
    const secret = secretSource('urlEnv', 'urlFile', true);
    if (problems.list.length > before) return undefined;
    return { ...base, type, urlEnv: secret.env, urlFile: secret.file };
  }
  const host = raw['host'];
  if (typeof host !== 'string' || host.trim() === '') problems.add(`${path}.host`, `expected a host name, got ${describe(host)}`);
  const secure = raw['secure'] ?? false;
  if (typeof secure !== 'boolean') problems.add(`${path}.secure`, `expected true or false, got ${describe(secure)}`);
  const port = raw['port'] ?? (secure === true ? 465 : 587);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    problems.add(`${path}.port`, `expected a port number, got ${describe(port)}`);
  const user = raw['user'];
  if (user !== undefined && typeof user !== 'string') problems.add(`${path}.user`, `expected a user name, got ${describe(user)}`);
  const secret = secretSource('passwordEnv', 'passwordFile', false);
  const from = raw['from'];
  if (typeof from !== 'string' || !from.includes('@')) problems.add(`${path}.from`, `expected an email address, got ${describe(from)}`);
  const to = raw['to'];
  const recipients = typeof to === 'string' ? [to] : to;
  if (!Array.isArray(recipients) || recipients.length === 0 || recipients.some((address) => typeof address !== 'string' || !address.includes('@'))) {
    problems.add(`${path}.to`, `expected an email address or a list of them, got ${describe(to)}`);
  }
  if (problems.list.length > before) return undefined;
  return {
    ...base,
    type,
    host: host as string,
    port: port as number,
    secure: secure as boolean,
    user: user as string | undefined,
    passwordEnv: secret.env,
    passwordFile: secret.file,
    from: from as string,
    to: recipients as string[],
  };
}
