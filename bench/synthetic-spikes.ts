import type { AlertConversation } from '../analysis/alerts/detect-alerts.js';
import { createRandom } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What a planted spike is: a whole day of every channel, a few hours of chat, or one topic for a day. */
export type PlantedSpikeKind = 'day' | 'burst' | 'topic';

export interface PlantedSpike {
  kind: PlantedSpikeKind;
  /** YYYY-MM-DD (UTC, the history's reporting zone). */
  day: string;
  factor: number;
  /** The topic that spikes (kind `topic`) or grows most (kind `day`). */
  topicId: number;
}

export interface SyntheticHistory {
  conversations: AlertConversation[];
  spikes: PlantedSpike[];
  /** Quiet days (a holiday): low volume, not spikes. */
  quietDays: string[];
  /** Judged days: those with at least three weeks before them. */
  judgedDays: string[];
  topicLabels: Map<number, string>;
}

const CHANNELS = [
  { channel: 'chat', perDay: 150, targetMs: 5 * 60_000, typicalMs: 2 * 60_000 },
  { channel: 'email', perDay: 60, targetMs: 24 * HOUR, typicalMs: 5 * HOUR },
  { channel: 'social', perDay: 15, targetMs: null, typicalMs: HOUR },
];
const TOPICS = 15;

/**
 * A long support history with known spikes, unlike the demo's in every way the detector should not care about: a
 * growing trend (+40% over the history), day-to-day noise beyond Poisson (10%), lower weekends, quiet holidays, and
 * three kinds of planted spike (`day`: every channel 2-4x for a day with one topic growing most; `burst`: chat 4-8x
 * for three hours; `topic`: one topic 4-8x for a day). Spikes are at least two days apart and after four weeks.
 *
 * @example
 * const history = syntheticSpikeHistory({ days: 730, spikes: 24, seed: 7, start: Date.UTC(2025, 0, 6) });
 */
export function syntheticSpikeHistory(options: { days: number; spikes: number; seed: number; start: number }): SyntheticHistory {
  const random = createRandom(options.seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const poisson = (lambda: number): number => {
    if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian()));
    const limit = Math.exp(-lambda);
    let count = 0;
    for (let product = random(); product > limit; product *= random()) count += 1;
    return count;
  };
  const dayLabel = (day: number): string => new Date(options.start + day * DAY).toISOString().slice(0, 10);
  const weights = Array.from({ length: TOPICS }, (_, index) => 1 / (index + 1.5));

  const spikeByDay = new Map<number, PlantedSpike & { burstHour: number }>();
  const kinds: PlantedSpikeKind[] = ['day', 'burst', 'topic'];
  while (spikeByDay.size < options.spikes) {
    const day = 28 + Math.floor(random() * (options.days - 28));
    if ([-2, -1, 0, 1, 2].some((offset) => spikeByDay.has(day + offset))) continue;
    const kind = kinds[spikeByDay.size % kinds.length]!;
    const factor = kind === 'day' ? 2 + random() * 2 : 4 + random() * 4;
    spikeByDay.set(day, { kind, day: dayLabel(day), factor, topicId: 1 + Math.floor(random() * TOPICS), burstHour: 3 + Math.floor(random() * 12) });
  }
  const quiet = new Set<number>();
  while (quiet.size < Math.max(1, Math.round(options.days / 120))) {
    const day = 28 + Math.floor(random() * (options.days - 28));
    if (![-1, 0, 1].some((offset) => spikeByDay.has(day + offset))) quiet.add(day);
  }

  const conversations: AlertConversation[] = [];
  for (let day = 0; day < options.days; day++) {
    const weekday = new Date(options.start + day * DAY).getUTCDay();
    const trend = 1 + (0.4 * day) / options.days;
    const noise = Math.exp(0.1 * gaussian());
    const spike = spikeByDay.get(day);
    const level = trend * noise * (weekday === 0 || weekday === 6 ? 0.6 : 1) * (quiet.has(day) ? 0.4 : 1);
    for (let hour = 0; hour < 24; hour++) {
      const shape = (1 + 0.8 * Math.sin(((hour - 8) / 24) * 2 * Math.PI)) / 24;
      for (const channel of CHANNELS) {
        let factor = 1;
        if (spike?.kind === 'day') factor = spike.factor;
        if (spike?.kind === 'burst' && channel.channel === 'chat' && hour >= spike.burstHour && hour < spike.burstHour + 3) factor = spike.factor;
        const count = poisson(channel.perDay * level * shape * factor);
        const slow = Math.max(factor, 1);
        for (let i = 0; i < count; i++) {
          let topicId = pickTopic(random(), weights);
          if (spike && spike.kind !== 'burst' && random() < (spike.kind === 'topic' ? 0 : 0.3)) topicId = spike.topicId;
          const firstResponseMs = Math.round(channel.typicalMs * slow * Math.exp(0.5 * gaussian()));
          conversations.push({
            channel: channel.channel,
            topicId,
            startAt: options.start + day * DAY + hour * HOUR + Math.floor(random() * HOUR),
            firstResponseMs,
            target: channel.targetMs === null ? 'none' : firstResponseMs <= channel.targetMs ? 'met' : 'breached',
          });
        }
      }
      if (spike?.kind === 'topic') {
        // The topic's extra questions: (factor - 1) times its usual share of the hour, spread over the channels.
        const usual =
          CHANNELS.reduce((sum, channel) => sum + channel.perDay, 0) * level * shape * (weights[spike.topicId - 1]! / weights.reduce((a, b) => a + b, 0));
        const extra = poisson(usual * (spike.factor - 1));
        for (let i = 0; i < extra; i++) {
          conversations.push({
            channel: 'chat',
            topicId: spike.topicId,
            startAt: options.start + day * DAY + hour * HOUR + Math.floor(random() * HOUR),
            firstResponseMs: 120_000,
            target: 'met',
          });
        }
      }
    }
  }
  return {
    conversations,
    spikes: [...spikeByDay.values()].map(({ burstHour: _burstHour, ...spike }) => spike).sort((a, b) => a.day.localeCompare(b.day)),
    quietDays: [...quiet].sort((a, b) => a - b).map(dayLabel),
    judgedDays: Array.from({ length: options.days - 21 }, (_, index) => dayLabel(index + 21)),
    topicLabels: new Map(Array.from({ length: TOPICS }, (_, index) => [index + 1, `topic ${index + 1}`])),
  };
}

function pickTopic(draw: number, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let rest = draw * total;
  for (let index = 0; index < weights.length; index++) {
    rest -= weights[index]!;
    if (rest <= 0) return index + 1;
  }
  return weights.length;
}

/** Precision and recall of flagged days against the true ones, over the judged days. */
export interface DayScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  missed: string[];
  falseDays: string[];
}

/**
 * @example
 * scoreDays(new Set(['2026-01-02']), new Set(['2026-01-02', '2026-01-09']), judged); // recall 0.5
 */
export function scoreDays(flagged: ReadonlySet<string>, truth: ReadonlySet<string>, judged: readonly string[]): DayScore {
  const days = new Set(judged);
  const truePositives = [...flagged].filter((day) => days.has(day) && truth.has(day)).length;
  const falseDays = [...flagged].filter((day) => days.has(day) && !truth.has(day)).sort();
  const missed = [...truth].filter((day) => days.has(day) && !flagged.has(day)).sort();
  return {
    truePositives,
    falsePositives: falseDays.length,
    falseNegatives: missed.length,
    precision: truePositives + falseDays.length === 0 ? 1 : truePositives / (truePositives + falseDays.length),
    recall: truePositives + missed.length === 0 ? 1 : truePositives / (truePositives + missed.length),
    missed,
    falseDays,
  };
}
