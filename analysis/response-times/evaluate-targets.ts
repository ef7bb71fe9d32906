import type { ConversationFactsRow, ResponseTimeDailyRow } from '../../db/schema.js';
import { ALWAYS_OPEN, createBusinessCalendar, type BusinessCalendar } from './business-calendar.js';
import { summarizeDurations } from './duration-statistics.js';
import { businessHoursFor, targetsFor, type ChannelTargets, type ResponseTimeConfig } from './response-time-config.js';
import type { ResponseTimeGroup, TargetOutcome } from './response-time-queries.js';

// Target evaluation and the assembly of a report group: pure, no database (the queries in response-time-queries.ts
// read the rows and hand them here). Tested on rows built in memory (test/analysis/response-times/evaluate-targets.test.ts).

/** The facts columns the report reads per conversation. */
export type FactsRowForTargets = Pick<
  ConversationFactsRow,
  | 'conversation_id'
  | 'channel'
  | 'start_at'
  | 'agent'
  | 'tags'
  | 'clock_start_at'
  | 'first_response_ms'
  | 'first_response_business_ms'
  | 'reply_count'
  | 'reply_times_ms'
  | 'reply_business_times_ms'
  | 'resolution_ms'
  | 'resolution_business_ms'
  | 'is_resolved'
  | 'reopen_count'
  | 'unanswered'
  | 'awaiting_reply_since_at'
>;
type FactsReadRow = FactsRowForTargets;

/** A day of one channel from the daily aggregates, its packed durations unpacked. */
export interface DailyValues {
  firstResponse: Float64Array;
  firstResponseCalendar: Float64Array;
  firstResponseBusiness: Float64Array;
  reply: Float64Array;
  resolution: Float64Array;
  resolutionCalendar: Float64Array;
  resolutionBusiness: Float64Array;
  unansweredSince: Float64Array;
  openSince: Float64Array;
}

export type Outcome = { state: 'none' } | { state: 'met' | 'pending' | 'breached'; durationMs: number; waiting: boolean };

/** Targets and business calendars per channel, and "now" for ages: evaluates one conversation against its targets. */
export class EvaluationContext {
  private readonly targetCache = new Map<string, ChannelTargets>();
  private readonly calendarCache = new Map<string, BusinessCalendar>();

  constructor(
    private readonly config: ResponseTimeConfig,
    readonly asOf: number,
  ) {}

  targets(channel: string): ChannelTargets {
    let targets = this.targetCache.get(channel);
    if (!targets) this.targetCache.set(channel, (targets = targetsFor(this.config, channel)));
    return targets;
  }

  /** Age of something still waiting since `since`, on a basis. */
  age(channel: string, since: number, basis: 'calendar' | 'business'): number {
    if (basis === 'calendar') return Math.max(0, this.asOf - since);
    let calendar = this.calendarCache.get(channel);
    if (!calendar) {
      const hours = businessHoursFor(this.config, channel);
      this.calendarCache.set(channel, (calendar = hours ? createBusinessCalendar(hours) : ALWAYS_OPEN));
    }
    return calendar.businessMsBetween(since, this.asOf);
  }

  firstResponseOutcome(row: FactsReadRow): Outcome {
    const targets = this.targets(row.channel);
    if (targets.firstResponseMs === null || row.clock_start_at === null) return { state: 'none' };
    if (row.unanswered === 1) {
      const age = this.age(row.channel, row.clock_start_at, targets.basis);
      return { state: age > targets.firstResponseMs ? 'breached' : 'pending', durationMs: age, waiting: true };
    }
    const duration = (targets.basis === 'business' ? row.first_response_business_ms : row.first_response_ms) ?? 0;
    return { state: duration <= targets.firstResponseMs ? 'met' : 'breached', durationMs: duration, waiting: false };
  }

  resolutionOutcome(row: FactsReadRow): Outcome {
    const targets = this.targets(row.channel);
    if (targets.resolutionMs === null) return { state: 'none' };
    if (row.is_resolved === 0) {
      const age = this.age(row.channel, row.start_at, targets.basis);
      return { state: age > targets.resolutionMs ? 'breached' : 'pending', durationMs: age, waiting: true };
    }
    const duration = (targets.basis === 'business' ? row.resolution_business_ms : row.resolution_ms) ?? 0;
    return { state: duration <= targets.resolutionMs ? 'met' : 'breached', durationMs: duration, waiting: false };
  }

  unansweredAge(row: FactsReadRow): number {
    return Math.max(0, this.asOf - (row.clock_start_at ?? row.start_at));
  }
}

/** One group of a report, conversation by conversation or day by day; `finish()` gives its figures. */
export class GroupAccumulator {
  private conversations = 0;
  private answered = 0;
  private unanswered = 0;
  private oldestUnansweredAgeMs: number | null = null;
  private waiting = 0;
  private reopened = 0;
  private readonly firstResponses = new ValueList();
  private readonly replies = new ValueList();
  private readonly resolutions = new ValueList();
  private readonly firstResponseTarget: TargetOutcome = { met: 0, breached: 0, pending: 0, share: null };
  private readonly resolutionTarget: TargetOutcome = { met: 0, breached: 0, pending: 0, share: null };

  constructor(private readonly key: string) {}

  add(row: FactsReadRow, business: boolean, context: EvaluationContext): void {
    this.conversations += 1;
    const firstResponse = business ? row.first_response_business_ms : row.first_response_ms;
    if (firstResponse !== null) {
      this.answered += 1;
      this.firstResponses.push(firstResponse);
    }
    if (row.unanswered === 1) {
      this.unanswered += 1;
      const age = context.unansweredAge(row);
      if (this.oldestUnansweredAgeMs === null || age > this.oldestUnansweredAgeMs) this.oldestUnansweredAgeMs = age;
    }
    if (row.awaiting_reply_since_at !== null) this.waiting += 1;
    if (row.reopen_count > 0) this.reopened += 1;
    if (row.reply_count > 0) {
      for (const value of JSON.parse(business ? row.reply_business_times_ms : row.reply_times_ms) as number[]) this.replies.push(value);
    }
    const resolution = business ? row.resolution_business_ms : row.resolution_ms;
    if (resolution !== null) this.resolutions.push(resolution);
    count(this.firstResponseTarget, context.firstResponseOutcome(row));
    count(this.resolutionTarget, context.resolutionOutcome(row));
  }

  /** Adds a whole day of one channel from the aggregates; the same outcome as adding its conversations one by one. */
  addDaily(row: ResponseTimeDailyRow, values: DailyValues, context: EvaluationContext): void {
    this.conversations += row.conversations;
    this.answered += row.answered;
    this.unanswered += row.unanswered;
    this.waiting += row.waiting;
    this.reopened += row.reopened;
    for (const since of values.unansweredSince) {
      const age = Math.max(0, context.asOf - since);
      if (this.oldestUnansweredAgeMs === null || age > this.oldestUnansweredAgeMs) this.oldestUnansweredAgeMs = age;
    }
    this.firstResponses.pushAll(values.firstResponse);
    this.replies.pushAll(values.reply);
    this.resolutions.pushAll(values.resolution);
    const targets = context.targets(row.channel);
    const business = targets.basis === 'business';
    const clock = { channel: row.channel, context, basis: targets.basis };
    countAgainst(this.firstResponseTarget, targets.firstResponseMs, {
      durations: business ? values.firstResponseBusiness : values.firstResponseCalendar,
      waitingSince: values.unansweredSince,
      ...clock,
    });
    countAgainst(this.resolutionTarget, targets.resolutionMs, {
      durations: business ? values.resolutionBusiness : values.resolutionCalendar,
      waitingSince: values.openSince,
      ...clock,
    });
  }

  finish(): ResponseTimeGroup {
    return {
      key: this.key,
      conversations: this.conversations,
      answered: this.answered,
      unanswered: this.unanswered,
      oldestUnansweredAgeMs: this.oldestUnansweredAgeMs,
      waiting: this.waiting,
      firstResponse: summarizeDurations(this.firstResponses.toArray()),
      reply: summarizeDurations(this.replies.toArray()),
      resolution: summarizeDurations(this.resolutions.toArray()),
      reopened: this.reopened,
      firstResponseTarget: withShare(this.firstResponseTarget),
      resolutionTarget: withShare(this.resolutionTarget),
    };
  }
}

/** Numbers pushed one by one or as whole arrays, joined once at the end. */
class ValueList {
  private readonly singles: number[] = [];
  private readonly chunks: Float64Array[] = [];

  push(value: number): void {
    this.singles.push(value);
  }

  pushAll(values: Float64Array): void {
    if (values.length > 0) this.chunks.push(values);
  }

  toArray(): Float64Array {
    const length = this.chunks.reduce((sum, chunk) => sum + chunk.length, this.singles.length);
    const all = new Float64Array(length);
    let offset = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    for (const value of this.singles) all[offset++] = value;
    return all;
  }
}

/** A day's durations of one channel, and the starts of its conversations still waiting, whose age `context` measures. */
interface DailyDurations {
  durations: Float64Array;
  waitingSince: Float64Array;
  channel: string;
  context: EvaluationContext;
  basis: 'calendar' | 'business';
}

function countAgainst(target: TargetOutcome, limit: number | null, { durations, waitingSince, channel, context, basis }: DailyDurations): void {
  if (limit === null) return;
  for (const duration of durations) {
    if (duration <= limit) target.met += 1;
    else target.breached += 1;
  }
  for (const since of waitingSince) {
    if (context.age(channel, since, basis) > limit) target.breached += 1;
    else target.pending += 1;
  }
}

function count(target: TargetOutcome, outcome: Outcome): void {
  if (outcome.state !== 'none') target[outcome.state] += 1;
}

function withShare(target: TargetOutcome): TargetOutcome {
  const decided = target.met + target.breached;
  return { ...target, share: decided === 0 ? null : target.met / decided };
}
