import { sql } from '#kysely';
import { openLocation, parseDatabaseLocation } from '../db/database-location.js';
import type { DemoQuestionTruth } from '../cli/demo/generate-demo-data.js';
import { DEMO_DRIFT, DEMO_FAQ } from '../cli/demo/demo-content.js';

/** A finding as `report faq-gaps --format json` prints it (the fields compared here). */
export interface ReportedFinding {
  verdict: string;
  entryId: string | null;
  topicIds: number[];
  languages: string[];
  reasons: string[];
}

export interface PlantedComparison {
  expected: string[];
  found: string[];
  /** Findings that name a planted fact, and each planted fact found once. */
  truePositives: string[];
  /** Reported findings that are not planted (or that repeat one already found). */
  falsePositives: string[];
  /** Planted facts no finding names. */
  missed: string[];
  precision: number;
  recall: number;
}

/** Settings of the report the planted facts are counted with (the product's defaults). */
export interface PlantedOptions {
  minTopicConversations: number;
  minTranslateConversations: number;
  minDriftReplies: number;
}

/**
 * What the FAQ-gap report of a window should say about the demo, from what the generator planted: each missing
 * article with enough conversations once as NEW, each entry asked about in a language it has no version in as
 * TRANSLATE, the entries agents contradict or add to (`DEMO_DRIFT`) as UPDATE, and the entries no one asks about as
 * UNUSED.
 */
export function plantedFindings(truth: ReadonlyMap<string, DemoQuestionTruth>, from: number, to: number, options: PlantedOptions): string[] {
  const inWindow = [...truth.values()].filter((t) => t.createdAt >= from && t.createdAt < to);
  const count = (keep: (t: DemoQuestionTruth) => boolean): number => inWindow.filter(keep).length;
  const expected = new Set<string>();
  for (const article of new Set(inWindow.map((t) => t.missingArticle).filter((a): a is string => a !== null))) {
    if (count((t) => t.missingArticle === article) >= options.minTopicConversations) expected.add(`NEW ${article}`);
  }
  // The demo names an entry's Chinese version `<id>-zh`.
  const family = (id: string) => DEMO_FAQ.filter((other) => other.id.replace(/-zh$/, '') === id.replace(/-zh$/, ''));
  for (const entry of DEMO_FAQ) {
    const versions = family(entry.id);
    for (const language of ['en', 'zh'] as const) {
      if (versions.some((version) => version.language === language)) continue;
      const asked = count((t) => t.language === language && versions.some((version) => version.id === t.answeredBy));
      if (asked >= options.minTranslateConversations) expected.add(`TRANSLATE ${entry.id} ${language}`);
    }
  }
  for (const entryId of Object.keys(DEMO_DRIFT)) if (count((t) => t.answeredBy === entryId) >= options.minDriftReplies) expected.add(`UPDATE ${entryId}`);
  for (const entry of DEMO_FAQ) if (count((t) => family(entry.id).some((version) => version.id === t.answeredBy)) === 0) expected.add(`UNUSED ${entry.id}`);
  return [...expected].sort();
}

/**
 * Names each reported finding by the planted fact it is about: a NEW finding by the missing article most of its
 * conversations in the window ask (read from the database's topic assignments), the others by entry and language.
 * Then precision and recall against `plantedFindings`. `location` is what `--db` takes: a SQLite file or a PostgreSQL URL.
 */
export async function comparePlantedFindings(
  location: string,
  report: {
    findings: readonly ReportedFinding[];
    truth: ReadonlyMap<string, DemoQuestionTruth>;
    window: { from: number; to: number };
    expected: readonly string[];
  },
): Promise<PlantedComparison> {
  const { findings, truth, window, expected } = report;
  const handle = await openLocation(parseDatabaseLocation(location), { readonly: true });
  try {
    const { db } = handle;
    const run = await db
      .selectFrom('analysis_runs')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('status', '=', 'succeeded')
      .executeTakeFirstOrThrow();
    // In the window as the reports count it (db/conversation-filter.ts): the start of the run's facts, else created_at.
    const start = sql<number>`coalesce((select f.start_at from conversation_facts f where f.run_id = ta.analysis_run_id and f.conversation_id = c.id), c.created_at)`;
    const assignments = await db
      .selectFrom('topic_assignments as ta')
      .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
      .select(['ta.topic_id as topic', 'c.external_id as conversation'])
      .where('ta.analysis_run_id', '=', Number(run.id))
      .where(start, '>=', window.from)
      .where(start, '<', window.to)
      .execute();
    const byTopic = new Map<number, string[]>();
    for (const row of assignments) byTopic.set(Number(row.topic), [...(byTopic.get(Number(row.topic)) ?? []), row.conversation]);
    const found = findings.map((finding) => {
      if (finding.verdict === 'NEW') {
        const votes = new Map<string, number>();
        for (const topic of finding.topicIds) {
          for (const conversation of byTopic.get(topic) ?? []) {
            const planted = truth.get(conversation);
            const key = planted?.missingArticle ?? `answered by ${planted?.answeredBy ?? 'nothing'}`;
            votes.set(key, (votes.get(key) ?? 0) + 1);
          }
        }
        const [article] = [...votes].sort((a, b) => b[1] - a[1])[0] ?? ['nothing'];
        return `NEW ${article}`;
      }
      if (finding.verdict === 'TRANSLATE') return `TRANSLATE ${finding.entryId} ${finding.languages.join(' ')}`;
      return `${finding.verdict} ${finding.entryId}`;
    });
    const wanted = new Set(expected);
    const seen = new Set<string>();
    const truePositives: string[] = [];
    const falsePositives: string[] = [];
    for (const key of found) {
      if (wanted.has(key) && !seen.has(key)) truePositives.push(key);
      else falsePositives.push(key);
      seen.add(key);
    }
    const missed = expected.filter((key) => !seen.has(key));
    return {
      expected: [...expected],
      found,
      truePositives,
      falsePositives,
      missed,
      precision: found.length === 0 ? 0 : truePositives.length / found.length,
      recall: expected.length === 0 ? 1 : truePositives.length / expected.length,
    };
  } finally {
    await handle.close();
  }
}
