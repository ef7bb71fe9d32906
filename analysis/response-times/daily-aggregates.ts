import type { ConversationFacts } from './conversation-facts.js';
import { createZoneClock, dayToIsoDate, type ZoneClock } from './zone-clock.js';

/** One local day and channel of `response_time_daily`, before packing. */
export interface DailyAggregate {
  day: string;
  channel: string;
  conversations: number;
  answered: number;
  unanswered: number;
  waiting: number;
  reopened: number;
  firstResponseMs: Float64List;
  firstResponseBusinessMs: Float64List;
  replyMs: Float64List;
  replyBusinessMs: Float64List;
  resolutionMs: Float64List;
  resolutionBusinessMs: Float64List;
  unansweredSinceAt: Float64List;
  openSinceAt: Float64List;
}

/** A growable list of float64 values outside the garbage-collected heap's object graph. */
export class Float64List {
  private values = new Float64Array(16);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** The values, as a view (no copy). */
  view(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

/**
 * Collects conversation facts per local day (of `timeZone`) and channel while the analysis runs.
 *
 * @example
 * const daily = new DailyAggregates('Europe/Berlin');
 * daily.add(facts);
 * for (const aggregate of daily.values()) write(aggregate);
 */
export class DailyAggregates {
  private readonly clock: ZoneClock;
  private readonly byKey = new Map<string, DailyAggregate>();

  constructor(readonly timeZone: string) {
    this.clock = createZoneClock(timeZone);
  }

  add(facts: ConversationFacts): void {
    const day = dayToIsoDate(this.clock.localDay(facts.startAt));
    const key = `${day}\u0000${facts.channel}`;
    let aggregate = this.byKey.get(key);
    if (!aggregate) {
      aggregate = {
        day,
        channel: facts.channel,
        conversations: 0,
        answered: 0,
        unanswered: 0,
        waiting: 0,
        reopened: 0,
        firstResponseMs: new Float64List(),
        firstResponseBusinessMs: new Float64List(),
        replyMs: new Float64List(),
        replyBusinessMs: new Float64List(),
        resolutionMs: new Float64List(),
        resolutionBusinessMs: new Float64List(),
        unansweredSinceAt: new Float64List(),
        openSinceAt: new Float64List(),
      };
      this.byKey.set(key, aggregate);
    }
    aggregate.conversations += 1;
    if (facts.firstResponseMs !== null) {
      aggregate.answered += 1;
      aggregate.firstResponseMs.push(facts.firstResponseMs);
      aggregate.firstResponseBusinessMs.push(facts.firstResponseBusinessMs ?? 0);
    }
    if (facts.unanswered) {
      aggregate.unanswered += 1;
      aggregate.unansweredSinceAt.push(facts.clockStartAt ?? facts.startAt);
    }
    if (facts.awaitingReplySince !== null) aggregate.waiting += 1;
    if (facts.reopenCount > 0) aggregate.reopened += 1;
    for (const value of facts.replyTimesMs) aggregate.replyMs.push(value);
    for (const value of facts.replyBusinessTimesMs) aggregate.replyBusinessMs.push(value);
    if (facts.resolutionMs !== null) {
      aggregate.resolutionMs.push(facts.resolutionMs);
      aggregate.resolutionBusinessMs.push(facts.resolutionBusinessMs ?? 0);
    } else {
      aggregate.openSinceAt.push(facts.startAt);
    }
  }

  values(): IterableIterator<DailyAggregate> {
    return this.byKey.values();
  }
}

/**
 * Packs numbers as float64 for a BLOB column (the platform's byte order, little-endian on every platform Node runs on).
 *
 * @example
 * unpackValues(packValues(Float64Array.of(1, 2.5))); // Float64Array [1, 2.5]
 */
export function packValues(values: Float64Array | readonly number[]): Buffer {
  const array = values instanceof Float64Array ? values : Float64Array.from(values);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Reads a BLOB written by `packValues`.
 *
 * @example
 * unpackValues(packValues([3])).length; // 1
 */
export function unpackValues(blob: Uint8Array): Float64Array {
  const values = new Float64Array(blob.byteLength / 8);
  new Uint8Array(values.buffer).set(blob);
  return values;
}
