import { createHash } from 'node:crypto';
import { extractAnswerFacts, factKey, type AnswerFact } from './extract-answer-facts.js';
import { markdownToText } from './faq-index.js';

export type GapVerdict = 'NEW' | 'UPDATE' | 'UNUSED';
export type UpdateReason = 'many-contacts' | 'growing-contacts' | 'answer-drift' | 'changed-before-surge';

/** One question of a topic in the period, with its best FAQ match. */
export interface TopicQuestion {
  /** The conversation's id in its source. */
  conversationId: string;
  question: string;
  /** External id of the best-matching entry; null when nothing matched. */
  entryId: string | null;
  score: number;
  covered: boolean;
}

/** A topic in the report's period, with what its conversations say. */
export interface GapTopic {
  topicId: number;
  label: string;
  topTerms: string[];
  representativeQuestion: string | null;
  conversations: number;
  /** Conversations in the previous period of equal length. */
  previousConversations: number;
  /** Median handling time (first response) of the topic's answered conversations; null when none. */
  medianHandlingMs: number | null;
  questions: TopicQuestion[];
  /** Public agent replies in the topic's conversations, one text per conversation (redacted). */
  agentReplies: string[];
}

export interface GapEntry {
  /** External id. */
  entryId: string;
  title: string;
  body: string;
  updatedAt: number;
  /** Questions in the period whose best match is this entry and that count as covered. */
  coveredQuestions: number;
}

export interface GapVerdictOptions {
  /** Start of the report's period (UTC ms): a topic that surged did so in the period. */
  periodStart: number;
  /** A topic needs this many conversations in the period to be worth a finding. */
  minTopicConversations: number;
  /** A topic is covered when at least this share of its questions is covered. */
  minCoveredShare: number;
  /** A covered topic with at least this many conversations still generates many contacts. */
  manyContacts: number;
  /** Growth against the previous period (0.5 = +50%) that counts as growing. */
  growingAt: number;
  /** Growth that counts as a surge (1 = doubled). */
  surgeAt: number;
  /** An agent fact drifts when it appears in at least this many of the topic's replies ... */
  minDriftReplies: number;
  /** ... and in at least this share of them. */
  minDriftShare: number;
  /** Handling time that doubles a finding's priority. */
  handlingReferenceMs: number;
  /** Example questions per finding. */
  examples: number;
  /** A NEW finding names the entry its questions match best when their mean score there reaches this. */
  nearestEntryMinScore: number;
}

export const DEFAULT_GAP_VERDICT_OPTIONS: Omit<GapVerdictOptions, 'periodStart'> = {
  minTopicConversations: 10,
  minCoveredShare: 0.5,
  manyContacts: 50,
  growingAt: 0.5,
  surgeAt: 1,
  minDriftReplies: 3,
  minDriftShare: 0.2,
  handlingReferenceMs: 3_600_000,
  examples: 3,
  nearestEntryMinScore: 0.2,
};

export interface DriftItem {
  kind: AnswerFact['kind'];
  /** What agents say. */
  agentsSay: string;
  /** Replies (conversations) that say it. */
  replies: number;
  /** What the entry says in the same dimension instead; absent when the entry is silent about it. */
  entrySays?: string[];
}

export interface GapFinding {
  /** Stable across reports: a hash of the verdict and the entry and/or topic it is about. */
  id: string;
  verdict: GapVerdict;
  /** Higher first; see `findingPriority`. */
  priority: number;
  topicId: number | null;
  entryId: string | null;
  /** NEW: the proposed title; UPDATE and UNUSED: the entry's title. */
  title: string;
  keyTerms: string[];
  reasons: UpdateReason[];
  /** One sentence a FAQ editor can act on. */
  summary: string;
  evidence: {
    conversations: number;
    previousConversations: number;
    growth: number | null;
    coveredShare: number | null;
    meanScore: number | null;
    medianHandlingMs: number | null;
    /** The entry the topic's questions match best most often (NEW: the closest existing entry, below the threshold). */
    nearestEntryId: string | null;
    entryUpdatedAt: number | null;
    drift: DriftItem[];
    examples: { conversationId: string; question: string; score: number }[];
  };
}

/**
 * The FAQ editor's findings for one period, highest priority first:
 * - NEW: a topic with at least `minTopicConversations` whose questions are mostly not covered by any entry; the
 *   evidence names the nearest entry, which may only need the topic's wording.
 * - UPDATE: the entry that covers a topic (the most frequent best match of its covered questions) when the topic
 *   still has `manyContacts` or grows by `growingAt`, when agents' replies in the topic state facts (numbers, fees,
 *   limits, networks, names, links) the entry lacks or contradicts, or when the entry was last changed before the
 *   period in which its topic surged (`surgeAt`). Answer drift is checked in smaller topics too.
 * - UNUSED: an entry no covered question matched in the period.
 *
 * @example
 * const findings = decideGapVerdicts(topics, entries, { ...DEFAULT_GAP_VERDICT_OPTIONS, periodStart: from });
 */
export function decideGapVerdicts(topics: readonly GapTopic[], entries: readonly GapEntry[], options: GapVerdictOptions): GapFinding[] {
  const findings: GapFinding[] = [];
  const entriesById = new Map(entries.map((entry) => [entry.entryId, entry]));
  for (const topic of topics) {
    // A small topic is not worth a NEW entry or a volume alarm, but an entry contradicting agents is wrong at any volume.
    const frequent = topic.conversations >= options.minTopicConversations;
    if (!frequent && topic.agentReplies.length < options.minDriftReplies) continue;
    const covered = topic.questions.filter((question) => question.covered);
    const coveredShare = topic.questions.length === 0 ? 0 : covered.length / topic.questions.length;
    const growth = topic.previousConversations > 0 ? (topic.conversations - topic.previousConversations) / topic.previousConversations : null;
    const meanScore = topic.questions.length === 0 ? null : topic.questions.reduce((sum, q) => sum + q.score, 0) / topic.questions.length;
    const base = {
      conversations: topic.conversations,
      previousConversations: topic.previousConversations,
      growth,
      coveredShare,
      meanScore,
      medianHandlingMs: topic.medianHandlingMs,
    };
    if (coveredShare < options.minCoveredShare) {
      if (!frequent) continue;
      const examples = pickExamples(topic.questions.filter((q) => !q.covered), options.examples);
      const title = proposeTitle(topic.representativeQuestion ?? examples[0]?.question ?? topic.label);
      findings.push({
        id: findingId('NEW', `topic:${topic.topicId}`),
        verdict: 'NEW',
        priority: findingPriority(topic.conversations, growth, topic.medianHandlingMs, options),
        topicId: topic.topicId,
        entryId: null,
        title,
        keyTerms: topic.topTerms.slice(0, 5),
        reasons: [],
        summary: `${topic.conversations} conversations about "${topic.label}"; ${Math.round(coveredShare * 100)}% covered by the FAQ. Write an entry.`,
        evidence: { ...base, nearestEntryId: nearestEntry(topic.questions, options.nearestEntryMinScore), entryUpdatedAt: null, drift: [], examples },
      });
      continue;
    }
    const entryId = mostFrequent(covered.map((q) => q.entryId).filter((id): id is string => id !== null));
    const entry = entryId === undefined ? undefined : entriesById.get(entryId);
    if (!entry) continue;
    const reasons: UpdateReason[] = [];
    if (frequent && topic.conversations >= options.manyContacts) reasons.push('many-contacts');
    if (frequent && growth !== null && growth >= options.growingAt) reasons.push('growing-contacts');
    const drift = findAnswerDrift(entry, topic.agentReplies, options);
    if (drift.length > 0) reasons.push('answer-drift');
    // Without a previous period (growth unknown) nothing can be said to have surged.
    const surged = growth !== null && growth >= options.surgeAt;
    if (frequent && surged && entry.updatedAt < options.periodStart) reasons.push('changed-before-surge');
    if (reasons.length === 0) continue;
    findings.push({
      id: findingId('UPDATE', `entry:${entry.entryId}`, `topic:${topic.topicId}`),
      verdict: 'UPDATE',
      priority: findingPriority(topic.conversations, growth, topic.medianHandlingMs, options),
      topicId: topic.topicId,
      entryId: entry.entryId,
      title: entry.title,
      keyTerms: topic.topTerms.slice(0, 5),
      reasons,
      summary: updateSummary(entry, topic, reasons, drift, growth),
      evidence: { ...base, nearestEntryId: entry.entryId, entryUpdatedAt: entry.updatedAt, drift, examples: pickExamples(covered.filter((q) => q.entryId === entry.entryId), options.examples) },
    });
  }
  for (const entry of entries) {
    if (entry.coveredQuestions > 0) continue;
    findings.push({
      id: findingId('UNUSED', `entry:${entry.entryId}`),
      verdict: 'UNUSED',
      priority: 0,
      topicId: null,
      entryId: entry.entryId,
      title: entry.title,
      keyTerms: [],
      reasons: [],
      summary: `No question in the period matched "${entry.title}". Retire or merge it, or check its wording.`,
      evidence: {
        conversations: 0,
        previousConversations: 0,
        growth: null,
        coveredShare: null,
        meanScore: null,
        medianHandlingMs: null,
        nearestEntryId: null,
        entryUpdatedAt: entry.updatedAt,
        drift: [],
        examples: [],
      },
    });
  }
  const verdictOrder: Record<GapVerdict, number> = { NEW: 0, UPDATE: 1, UNUSED: 2 };
  return findings.sort(
    (a, b) =>
      b.priority - a.priority ||
      verdictOrder[a.verdict] - verdictOrder[b.verdict] ||
      (a.evidence.entryUpdatedAt ?? 0) - (b.evidence.entryUpdatedAt ?? 0) ||
      a.id.localeCompare(b.id),
  );
}

/**
 * Priority of a finding about a topic: conversations x (1 + growth, between 0 and 3) x (1 + median handling time /
 * `handlingReferenceMs`, at most 4). A topic with no previous period counts as grown by 100%. UNUSED findings have
 * priority 0 and come last, oldest entry first.
 *
 * @example
 * findingPriority(40, 0.5, 1_800_000, DEFAULT) // 40 x 1.5 x 1.5 = 90
 */
export function findingPriority(
  conversations: number,
  growth: number | null,
  medianHandlingMs: number | null,
  options: Pick<GapVerdictOptions, 'handlingReferenceMs'>,
): number {
  const growthFactor = 1 + Math.min(3, Math.max(0, growth ?? 1));
  const handlingFactor = 1 + Math.min(3, (medianHandlingMs ?? 0) / options.handlingReferenceMs);
  return Math.round(conversations * growthFactor * handlingFactor * 10) / 10;
}

/**
 * Facts that the topic's agent replies state often and the entry does not: missing, or contradicting when the
 * entry states another value of the same dimension (the entry says 0.1%, agents say 0.2%).
 *
 * @example
 * findAnswerDrift({ title: 'Fees', body: 'The fee is 0.1%' }, ['fee is 0.2%', 'now 0.2%', 'it is 0.2%'], DEFAULT)
 * // [{ kind: 'percentage', agentsSay: '0.2%', replies: 3, entrySays: ['0.1%'] }]
 */
export function findAnswerDrift(
  entry: Pick<GapEntry, 'title' | 'body'>,
  agentReplies: readonly string[],
  options: Pick<GapVerdictOptions, 'minDriftReplies' | 'minDriftShare'>,
): DriftItem[] {
  const entryFacts = extractAnswerFacts(`${entry.title}\n${markdownToText(entry.body)}`);
  const entryKeys = new Set(entryFacts.map(factKey));
  const counts = new Map<string, { fact: AnswerFact; replies: number }>();
  for (const reply of agentReplies) {
    for (const fact of extractAnswerFacts(reply)) {
      const key = factKey(fact);
      const seen = counts.get(key) ?? { fact, replies: 0 };
      seen.replies++;
      counts.set(key, seen);
    }
  }
  const drift: DriftItem[] = [];
  const needed = Math.max(options.minDriftReplies, Math.ceil(options.minDriftShare * agentReplies.length));
  for (const [key, { fact, replies }] of counts) {
    if (replies < needed || entryKeys.has(key)) continue;
    const contradicted = fact.kind === 'percentage' || fact.kind === 'amount' || fact.kind === 'duration'
      ? entryFacts.filter((other) => other.kind === fact.kind && other.dimension === fact.dimension).map((other) => other.value)
      : [];
    drift.push(contradicted.length > 0 ? { kind: fact.kind, agentsSay: fact.value, replies, entrySays: contradicted } : { kind: fact.kind, agentsSay: fact.value, replies });
  }
  return drift.sort((a, b) => Number(b.entrySays !== undefined) - Number(a.entrySays !== undefined) || b.replies - a.replies || a.agentsSay.localeCompare(b.agentsSay));
}

/**
 * A title for a new entry from a topic's representative question: its first sentence, without greetings, redaction
 * placeholders and trailing pleas, capitalized and ending in a question mark.
 *
 * @example
 * proposeTitle('Hi, my USDT withdrawal is still pending for 3 days. Thanks') // 'My USDT withdrawal is still pending for 3 days?'
 */
export function proposeTitle(question: string): string {
  const withoutGreeting = (text: string): string =>
    text
      .replace(/^\s*(?:(?:hi|hello|hey|dear|urgent|please help|help)(?: team| support| sir)?[,:!.]?\s+)+/i, '')
      .replace(/^(?:你好|您好|客服你好|急)[，,！!]?/, '');
  let text = withoutGreeting(question.replace(/<[A-Z_]+>/g, ' '));
  // The first sentence that says something: e-mail subjects such as "Support request." are skipped.
  const sentences = text.match(/[^.?!。？！]+[.?!。？！]*/g) ?? [text];
  const sentence = sentences.find(isInformative) ?? sentences[0] ?? text;
  text = withoutGreeting(sentence.trim()).replace(/\s+/g, ' ').replace(/[\s,;:.!。！，]+$/, '').trim();
  if (text.length > 90) text = `${text.slice(0, 87).replace(/\s+\S*$/, '')}…`;
  if (text.length === 0) return question.trim();
  const first = text[0]!.toUpperCase() + text.slice(1);
  return /[?？…]$/.test(first) ? first : `${first}${/\p{Script=Han}/u.test(first) ? '？' : '?'}`;
}

function isInformative(sentence: string): boolean {
  const han = sentence.match(/\p{Script=Han}/gu)?.length ?? 0;
  if (han > 0) return han >= 4;
  return (sentence.match(/[\p{L}\p{N}']+/gu)?.length ?? 0) >= 3;
}

function findingId(verdict: GapVerdict, ...subjects: string[]): string {
  return `${verdict.toLowerCase()}-${createHash('sha256').update([verdict, ...subjects].join('|')).digest('hex').slice(0, 12)}`;
}

function mostFrequent(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && value < best)) [best, bestCount] = [value, count];
  }
  return best;
}

function nearestEntry(questions: readonly TopicQuestion[], minScore: number): string | null {
  const entryId = mostFrequent(questions.map((q) => q.entryId).filter((id): id is string => id !== null));
  if (entryId === undefined) return null;
  const scores = questions.filter((q) => q.entryId === entryId).map((q) => q.score);
  return scores.reduce((sum, score) => sum + score, 0) / scores.length >= minScore ? entryId : null;
}

function pickExamples(questions: readonly TopicQuestion[], count: number): { conversationId: string; question: string; score: number }[] {
  const seen = new Set<string>();
  const examples: { conversationId: string; question: string; score: number }[] = [];
  for (const question of questions) {
    const key = question.question.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    examples.push({ conversationId: question.conversationId, question: question.question, score: Math.round(question.score * 1000) / 1000 });
    if (examples.length === count) break;
  }
  return examples;
}

function updateSummary(entry: GapEntry, topic: GapTopic, reasons: readonly UpdateReason[], drift: readonly DriftItem[], growth: number | null): string {
  const parts: string[] = [];
  if (reasons.includes('many-contacts')) parts.push(`still ${topic.conversations} conversations`);
  if (reasons.includes('growing-contacts') && growth !== null) parts.push(`contacts up ${Math.round(growth * 100)}%`);
  for (const item of drift.slice(0, 3)) {
    parts.push(item.entrySays ? `agents say ${item.agentsSay}, the entry says ${item.entrySays.join(', ')}` : `agents say ${item.agentsSay}, the entry does not`);
  }
  if (reasons.includes('changed-before-surge')) parts.push('last changed before the topic surged');
  return `"${entry.title}" (topic "${topic.label}"): ${parts.join('; ')}.`;
}
