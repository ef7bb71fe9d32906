import { createHash } from 'node:crypto';
import { decideArticleCoverage } from './decide-article-coverage.js';
import { extractAnswerFacts, factKey, type AnswerFact } from './extract-answer-facts.js';
import { detectLanguage, type QuestionLanguage } from '../text/detect-language.js';
import { normalizeText } from '../text/normalize-text.js';
import { nearestByScore, pairAcrossLanguages, type NearestView } from '../text/cross-language-pairs.js';
import { buildFaqIndex, markdownToText, type FaqIndex } from './faq-index.js';
import { groupAlikeQuestionSets, nearestByQuestions } from './group-alike-questions.js';
import { rankFaqEntries } from './rank-faq-entries.js';
import { buildReplyProfiles, calibrateQuotedEntry, calibrateSameAnswer, profileSimilarity, type ReplyProfile } from './reply-profiles.js';

export type GapVerdict = 'NEW' | 'TRANSLATE' | 'UPDATE' | 'UNUSED';
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
  /** The question's language (en, zh, other); absent when unknown. */
  language?: string;
  /** The entry is in another language than the question: it answers, but the customer cannot read it. */
  crossLanguage?: boolean;
  /** The agents' public replies in the conversation (redacted), when they were read (also in the topic's `agentReplies`). */
  reply?: string;
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
  /** Median first response (METRIC_DEFINITIONS.firstResponse, from the run's response-time facts) of the topic's answered conversations; null when none. */
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
  /** The entry's language (en, zh ...), when known. */
  language?: string | null;
}

export interface GapVerdictOptions {
  /** Start of the report's period (UTC ms): a topic that surged did so in the period. */
  periodStart: number;
  /** A topic needs this many conversations in the period to be worth a finding. */
  minTopicConversations: number;
  /** A topic is covered when at least this share of its questions is covered. */
  minCoveredShare: number;
  /**
   * An entry whose topics have at least this many conversations still generates many contacts. Off by default: the
   * entry that answers the most common question always has the most contacts, and volume alone does not say what to
   * change; growth and what agents answer do.
   */
  manyContacts: number;
  /**
   * Growth against the previous period (0.5 = +50%) that counts as growing, when it is also beyond chance: at most a
   * 1% probability under equal rates (a one-sided binomial test of the two periods' counts).
   */
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
  /** Conversations in one language answered only by an entry in another that make a TRANSLATE finding. */
  minTranslateConversations: number;
  /**
   * Decide coverage again at the grain of one FAQ article inside the topics an entry answers
   * (`decideArticleCoverage`): their questions no entry covers become a NEW candidate of their own.
   */
  articleGrain: boolean;
  /**
   * Two uncovered topics are one missing article when an article written for one would cover the other's questions:
   * their questions score at least this against each other (the run's covered threshold).
   */
  sameArticleScore: number;
}

export const DEFAULT_GAP_VERDICT_OPTIONS: Omit<GapVerdictOptions, 'periodStart'> = {
  minTopicConversations: 10,
  minCoveredShare: 0.5,
  manyContacts: Number.POSITIVE_INFINITY,
  growingAt: 0.5,
  surgeAt: 1,
  minDriftReplies: 3,
  minDriftShare: 0.2,
  handlingReferenceMs: 3_600_000,
  examples: 3,
  nearestEntryMinScore: 0.2,
  minTranslateConversations: 5,
  sameArticleScore: 0.4,
  articleGrain: true,
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
  /** The finding's main topic (its largest); `topicIds` lists all. */
  topicId: number | null;
  topicIds: number[];
  /** Languages of the finding's questions, most asked first; TRANSLATE: the one language to translate into. */
  languages: string[];
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
 * - A topic is answered by an entry when most of its questions are covered (in any language), or when agents answer
 *   it the way they answer that entry's topics (their replies' profiles, see `calibrateSameAnswer`).
 * - NEW: one per missing article. Topics no entry answers are gathered when an article written for one would cover
 *   the other's questions (`sameArticleScore`, matched across languages) or agents answer them alike, and reported
 *   together once they reach `minTopicConversations`; the evidence names the nearest entry.
 * - TRANSLATE: an entry that answers questions asked in another language than its own (at least
 *   `minTranslateConversations`) while no entry in that language does; one per entry and language.
 * - UPDATE: one per entry, gathering every topic it covers: when they still have `manyContacts` or grow by
 *   `growingAt`, when agents' replies state facts (numbers, fees, limits, networks, names, links) the entry lacks or
 *   contradicts, or when the entry was last changed before the period in which its topics surged (`surgeAt`). Answer
 *   drift is checked in small topics too.
 * - UNUSED: an entry no covered question matched in the period.
 *
 * @example
 * const findings = decideGapVerdicts(topics, entries, { ...DEFAULT_GAP_VERDICT_OPTIONS, periodStart: from });
 */
export function decideGapVerdicts(givenTopics: readonly GapTopic[], entries: readonly GapEntry[], options: GapVerdictOptions): GapFinding[] {
  const findings: GapFinding[] = [];
  // Topics are coarser than FAQ articles: whether each question is covered is decided again at the grain of one
  // article (`decideArticleCoverage`); questions matched across languages keep their flag (TRANSLATE reads them).
  const topics = options.articleGrain ? withArticleCoverage(givenTopics, options) : givenTopics;
  const entriesById = new Map(entries.map((entry) => [entry.entryId, entry]));
  // One index of the entries: their languages (tagged or detected) and which are versions of which.
  const entryIndex = buildFaqIndex(entries.map((entry) => ({ title: entry.title, body: entry.body, language: entry.language ?? null })));
  const entryLanguages = new Map(entries.map((entry, i) => [entry.entryId, entryIndex.languages[i]!]));
  const coveredBy = new Map<number, string>();
  for (const topic of topics) {
    if (topic.questions.length === 0) continue;
    const covered = topic.questions.filter((question) => question.covered);
    if (covered.length / topic.questions.length < options.minCoveredShare) continue;
    const entryId = mostFrequent(covered.map((q) => q.entryId).filter((id): id is string => id !== null));
    if (entryId !== undefined && entriesById.has(entryId)) coveredBy.set(topic.topicId, entryId);
  }

  // Agents' replies: a topic whose questions no entry matches, but which agents answer the way they answer an entry's
  // topics, is answered by that entry (customers asked it in other words). Replies are compared within a language: a
  // topic's replies in each language make one profile (a unit).
  const repliesByUnit = new Map<number, string[]>();
  for (const topic of topics) {
    for (const reply of topic.agentReplies) {
      const unit = unitOf(topic.topicId, detectLanguage(normalizeText(reply)));
      repliesByUnit.set(unit, [...(repliesByUnit.get(unit) ?? []), reply]);
    }
  }
  const { profiles, weigh } = buildReplyProfiles(repliesByUnit);
  const unitsOf = (topicId: number): number[] => UNIT_LANGUAGES.map((_, l) => topicId * UNIT_LANGUAGES.length + l).filter((unit) => profiles.has(unit));
  const versions = findEntryVersions(entries, entryIndex, options.sameArticleScore);
  // An entry and its translations give one answer: the family's first entry stands for all of them.
  const family = (entryId: string): string => [entryId, ...(versions.get(entryId) ?? [])].sort()[0]!;
  const coveredUnits = new Map<number, string>();
  for (const [topic, entryId] of coveredBy) for (const unit of unitsOf(topic)) coveredUnits.set(unit, family(entryId));
  const answers = calibrateSameAnswer(profiles, weigh, coveredUnits, repliesByUnit);
  const sameAnswer = answers?.cut;
  const answeredByReplies = new Map<number, string>();
  const entryProfiles = new Map(entries.map((entry) => [entry.entryId, weigh([`${entry.title}\n${markdownToText(entry.body)}`])]));
  // Agents' replies that quote or paraphrase an entry's own text are evidence too: that entry answers their topic,
  // also when no topic it covers by questions is answered in that language in the period (a rarer wording).
  const unitLanguage = (unit: number): QuestionLanguage => UNIT_LANGUAGES[unit % UNIT_LANGUAGES.length]!;
  const quoted = calibrateQuotedEntry(
    [...coveredUnits].map(([unit, familyId]) => ({ profile: profiles.get(unit)!, family: familyId, language: unitLanguage(unit) })),
    entries.map((entry) => ({ family: family(entry.entryId), language: entryLanguages.get(entry.entryId)!, profile: entryProfiles.get(entry.entryId)! })),
  );
  /**
   * The entry that replies (a profile per language) show answers them: first the entry of the topic answered most
   * alike (from `sameAnswer`) among those whose entry is known (by questions, or by replies already), else the entry
   * in the replies' language whose own text they come nearest, when that is as near as replies come to their own
   * entry (from `quoted.cut`).
   */
  const answeredBy = (replies: readonly (readonly [QuestionLanguage, ReplyProfile])[]): string | undefined => {
    let alike: { entryId: string; similarity: number } | undefined;
    if (sameAnswer !== undefined) {
      for (const [language, profile] of replies) {
        for (const [other, entryId] of [...coveredBy, ...answeredByReplies]) {
          const otherProfile = profiles.get(unitOf(other, language));
          if (otherProfile === undefined) continue;
          const similarity = profileSimilarity(profile, otherProfile);
          if (similarity >= sameAnswer && (alike === undefined || similarity > alike.similarity)) alike = { entryId, similarity };
        }
      }
    }
    if (alike !== undefined || quoted === undefined) return alike?.entryId;
    let nearest: { entryId: string; similarity: number } | undefined;
    for (const [language, profile] of replies) {
      for (const entry of entries) {
        if (entryLanguages.get(entry.entryId) !== language) continue;
        const similarity = profileSimilarity(profile, entryProfiles.get(entry.entryId)!);
        if (nearest === undefined || similarity > nearest.similarity) nearest = { entryId: entry.entryId, similarity };
      }
    }
    return nearest !== undefined && nearest.similarity >= quoted.cut ? nearest.entryId : undefined;
  };
  /**
   * The profile of a topic's replies in each language, however few: agents answer one question with one macro, so a
   * reply or two already show which answer it gets. (Learning the cuts above, and comparing covered topics, takes
   * `MIN_PROFILE_REPLIES`.)
   */
  const replyProfilesOf = (replies: readonly string[]): [QuestionLanguage, ReplyProfile][] => {
    const byLanguage = new Map<QuestionLanguage, string[]>();
    for (const reply of replies) {
      const language = detectLanguage(normalizeText(reply));
      byLanguage.set(language, [...(byLanguage.get(language) ?? []), reply]);
    }
    return [...byLanguage].map(([language, list]) => [language, weigh(list)]);
  };
  // Each topic's replies per language: the profiles already made where there were enough replies, the rest now.
  const topicReplies = new Map<number, [QuestionLanguage, ReplyProfile][]>(topics.map((topic) => [topic.topicId, []]));
  for (const [unit, replies] of repliesByUnit) {
    topicReplies.get(Math.floor(unit / UNIT_LANGUAGES.length))?.push([unitLanguage(unit), profiles.get(unit) ?? weigh(replies)]);
  }
  // Round after round, until no topic is added: a topic answered alike a topic whose entry is known from its replies
  // (an earlier round) is answered by that entry too.
  const answerByReplies = (): void => {
    answeredByReplies.clear();
    for (let added = true; added; ) {
      added = false;
      for (const topic of topics) {
        if (coveredBy.has(topic.topicId) || answeredByReplies.has(topic.topicId) || topic.questions.length === 0) continue;
        const entryId = answeredBy(topicReplies.get(topic.topicId)!);
        if (entryId === undefined) continue;
        answeredByReplies.set(topic.topicId, entryId);
        added = true;
      }
    }
  };
  /**
   * A topic matched to an entry by its questions, but answered (in some language) unlike the topic of that entry whose
   * replies in that language are nearest the entry's own text, less alike than topics of two different entries ever
   * are, is not answered by it: its questions share words with the entry, not its answer. The anchors are taken among
   * `known` topics; returns whether any topic was dropped.
   */
  const dropUnlike = (known: readonly (readonly [number, string])[]): boolean => {
    if (answers === undefined) return false;
    const nearEntry = (unit: number, familyId: string): number =>
      Math.max(
        0,
        ...entries
          .filter((entry) => family(entry.entryId) === familyId)
          .map((entry) => profileSimilarity(profiles.get(unit)!, entryProfiles.get(entry.entryId)!)),
      );
    const anchors = new Map<string, { topic: number; unit: number; near: number }>();
    for (const [topic, entryId] of known) {
      for (const unit of unitsOf(topic)) {
        const key = `${family(entryId)}|${unitLanguage(unit)}`;
        const near = nearEntry(unit, family(entryId));
        const anchor = anchors.get(key);
        if (anchor === undefined || near > anchor.near) anchors.set(key, { topic, unit, near });
      }
    }
    const unlike = [...coveredBy].filter(([topic, entryId]) =>
      unitsOf(topic).some((unit) => {
        const anchor = anchors.get(`${family(entryId)}|${unitLanguage(unit)}`);
        return anchor !== undefined && anchor.topic !== topic && profileSimilarity(profiles.get(unit)!, profiles.get(anchor.unit)!) < answers.different;
      }),
    );
    for (const [topic] of unlike) coveredBy.delete(topic);
    return unlike.length > 0;
  };
  // Anchored among the topics covered by questions first; then again among all whose entry is known, the topics
  // answered by replies included (an entry's only topic covered by questions in a language can be the wrong one), and
  // what replies answer is decided again without what was dropped.
  dropUnlike([...coveredBy]);
  answerByReplies();
  if (dropUnlike([...coveredBy, ...answeredByReplies])) answerByReplies();
  const uncovered: GapTopic[] = [];
  const topicsByEntry = new Map<string, GapTopic[]>();
  const translations = new Map<string, { entry: GapEntry; language: string; questions: TopicQuestion[]; topics: Set<number> }>();
  for (const topic of topics) {
    if (topic.questions.length === 0) continue;
    const byQuestions = coveredBy.get(topic.topicId);
    const entry = entriesById.get(byQuestions ?? answeredByReplies.get(topic.topicId) ?? '');
    if (!entry) {
      // The questions an entry claims are not the missing article's, though most of their topic's questions are.
      uncovered.push(options.articleGrain ? withoutClaimedQuestions(topic, options.minCoveredShare) : topic);
      continue;
    }
    // A topic answered by an entry can still hold a missing article's questions: those no entry covers are a
    // candidate of their own, unless their own conversations' replies show an entry answers them after all.
    if (byQuestions !== undefined && options.articleGrain) {
      const remainder = unansweredRemainder(topic);
      if (remainder !== undefined && answeredBy(replyProfilesOf(remainder.agentReplies)) === undefined) uncovered.push(remainder);
    }
    topicsByEntry.set(entry.entryId, [...(topicsByEntry.get(entry.entryId) ?? []), topic]);
    // Questions answered in another language than they were asked in: matched so, or in a topic answered by replies.
    const answered =
      byQuestions !== undefined
        ? topic.questions.filter((q) => q.covered && q.crossLanguage && q.entryId !== null)
        : topic.questions.filter((q) => q.language !== undefined && primaryLanguage(q.language) !== entryLanguages.get(entry.entryId));
    for (const question of answered) {
      if (question.language === undefined) continue;
      const answering = byQuestions !== undefined ? entriesById.get(question.entryId ?? '') : entry;
      if (!answering) continue;
      const language = primaryLanguage(question.language);
      const key = `${answering.entryId}|${language}`;
      const group = translations.get(key) ?? { entry: answering, language, questions: [], topics: new Set<number>() };
      group.questions.push(question);
      group.topics.add(topic.topicId);
      translations.set(key, group);
    }
  }

  // Grouping missing articles' topics, a small topic's few replies count too (`replyProfilesOf`; a remainder's are its
  // own conversations').
  const joinProfiles = new Map(profiles);
  for (const topic of uncovered) {
    for (const [language, profile] of topicReplies.get(topic.topicId) ?? replyProfilesOf(topic.agentReplies)) {
      if (!joinProfiles.has(unitOf(topic.topicId, language))) joinProfiles.set(unitOf(topic.topicId, language), profile);
    }
  }
  const sameArticle = groupSameArticle(
    uncovered,
    options.sameArticleScore,
    (a, b) => sameAnswer !== undefined && isAnsweredAlike(joinProfiles, a, b, sameAnswer),
  );
  for (const group of joinAcrossLanguages(sameArticle, profiles, new Set(coveredUnits.keys()))) {
    const merged = mergeTopics(group);
    if (merged.conversations < options.minTopicConversations) continue;
    const main = group[0]!;
    const examples = pickExamples(
      merged.questions.filter((q) => !q.covered),
      options.examples,
      true,
    );
    const title = proposeTitle(main.representativeQuestion ?? examples[0]?.question ?? main.label);
    const coveredShare = merged.questions.filter((q) => q.covered).length / merged.questions.length;
    findings.push({
      id: findingId('NEW', `topic:${Math.min(...group.map((topic) => topic.topicId))}`),
      verdict: 'NEW',
      priority: findingPriority(merged.conversations, merged.growth, merged.medianHandlingMs, options),
      topicId: Math.abs(main.topicId),
      topicIds: [...new Set(group.map((topic) => Math.abs(topic.topicId)))],
      languages: languagesOf(merged.questions),
      entryId: null,
      title,
      keyTerms: main.topTerms.slice(0, 5),
      reasons: [],
      summary: `${merged.conversations} conversations about "${main.label}"${group.length > 1 ? ` (${group.length} topics)` : ''}; ${Math.round(coveredShare * 100)}% covered by the FAQ. Write an entry.`,
      evidence: {
        conversations: merged.conversations,
        previousConversations: merged.previousConversations,
        growth: merged.growth,
        coveredShare,
        meanScore: merged.questions.reduce((sum, q) => sum + q.score, 0) / merged.questions.length,
        medianHandlingMs: merged.medianHandlingMs,
        nearestEntryId: nearestEntry(merged.questions, options.nearestEntryMinScore),
        entryUpdatedAt: null,
        drift: [],
        examples,
      },
    });
  }

  for (const { entry, language, questions, topics: topicIds } of translations.values()) {
    if (questions.length < options.minTranslateConversations) continue;
    if ([...(versions.get(entry.entryId) ?? [])].some((other) => entryLanguages.get(other) === primaryLanguage(language))) continue;
    const conversations = questions.length;
    findings.push({
      id: findingId('TRANSLATE', `entry:${entry.entryId}`, `language:${language}`),
      verdict: 'TRANSLATE',
      priority: findingPriority(conversations, null, null, options),
      topicId: [...topicIds][0] ?? null,
      topicIds: [...topicIds],
      languages: [language],
      entryId: entry.entryId,
      title: entry.title,
      keyTerms: [],
      reasons: [],
      summary: `${conversations} conversations in ${languageName(language)} are answered by "${entry.title}"${entry.language ? ` (${languageName(entry.language)})` : ''}, which no entry in ${languageName(language)} answers. Translate it.`,
      evidence: {
        conversations,
        previousConversations: 0,
        growth: null,
        coveredShare: 1,
        meanScore: questions.reduce((sum, q) => sum + q.score, 0) / conversations,
        medianHandlingMs: null,
        nearestEntryId: entry.entryId,
        entryUpdatedAt: entry.updatedAt,
        drift: [],
        examples: pickExamples(questions, options.examples),
      },
    });
  }

  const allNow = topics.reduce((sum, topic) => sum + topic.conversations, 0);
  const allBefore = topics.reduce((sum, topic) => sum + topic.previousConversations, 0);
  for (const [entryId, entryTopics] of topicsByEntry) {
    const entry = entriesById.get(entryId)!;
    const merged = mergeTopics(entryTopics);
    const frequent = merged.conversations >= options.minTopicConversations;
    const reasons: UpdateReason[] = [];
    if (frequent && merged.conversations >= options.manyContacts) reasons.push('many-contacts');
    // An entry's topics grow when they grow more than the rest of the traffic: on a day the market moves every topic
    // grows, and that says nothing about the entry.
    const rest = { now: allNow - merged.conversations, before: allBefore - merged.previousConversations };
    const { growth, beyondChance } = growthBeyondRest(merged.conversations, merged.previousConversations, rest);
    if (frequent && growth !== null && growth >= options.growingAt && beyondChance) reasons.push('growing-contacts');
    const drift = findAnswerDrift(entry, merged.agentReplies, options);
    if (drift.length > 0) reasons.push('answer-drift');
    // Without a previous period (growth unknown) nothing can be said to have surged.
    const surged = growth !== null && growth >= options.surgeAt && beyondChance;
    if (frequent && surged && entry.updatedAt < options.periodStart) reasons.push('changed-before-surge');
    if (reasons.length === 0) continue;
    const covered = merged.questions.filter((q) => q.covered);
    findings.push({
      id: findingId('UPDATE', `entry:${entry.entryId}`),
      verdict: 'UPDATE',
      priority: findingPriority(merged.conversations, merged.growth, merged.medianHandlingMs, options),
      topicId: entryTopics[0]!.topicId,
      topicIds: entryTopics.map((topic) => topic.topicId),
      languages: languagesOf(merged.questions),
      entryId: entry.entryId,
      title: entry.title,
      keyTerms: entryTopics[0]!.topTerms.slice(0, 5),
      reasons,
      summary: updateSummary(entry, entryTopics, merged.conversations, reasons, drift, merged.growth, rest),
      evidence: {
        conversations: merged.conversations,
        previousConversations: merged.previousConversations,
        growth: merged.growth,
        coveredShare: covered.length / merged.questions.length,
        meanScore: merged.questions.reduce((sum, q) => sum + q.score, 0) / merged.questions.length,
        medianHandlingMs: merged.medianHandlingMs,
        nearestEntryId: entry.entryId,
        entryUpdatedAt: entry.updatedAt,
        drift,
        examples: pickExamples(
          covered.filter((q) => q.entryId === entry.entryId),
          options.examples,
          true,
        ),
      },
    });
  }
  for (const entry of entries) {
    if (entry.coveredQuestions > 0) continue;
    findings.push({
      id: findingId('UNUSED', `entry:${entry.entryId}`),
      verdict: 'UNUSED',
      priority: 0,
      topicId: null,
      topicIds: [],
      languages: [],
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
  const verdictOrder: Record<GapVerdict, number> = { NEW: 0, TRANSLATE: 1, UPDATE: 2, UNUSED: 3 };
  return findings.sort(
    (a, b) =>
      b.priority - a.priority ||
      verdictOrder[a.verdict] - verdictOrder[b.verdict] ||
      (a.evidence.entryUpdatedAt ?? 0) - (b.evidence.entryUpdatedAt ?? 0) ||
      a.id.localeCompare(b.id),
  );
}

/** Chance level of the growth test. */
const GROWTH_SIGNIFICANCE = 0.01;

/**
 * How much more a set of topics grew than the rest of the traffic (their share of it, now against before: +0.5 is
 * half as large a share again), and whether that is beyond chance: the upper tail of its conversations among both
 * periods' under the rest's own split between the periods. With no rest in either period, plain growth against an
 * even split.
 *
 * @example
 * growthBeyondRest(32, 13, { now: 517, before: 358 }) // { growth: 0.70, beyondChance: false }: the whole day grew
 */
export function growthBeyondRest(now: number, before: number, rest: { now: number; before: number }): { growth: number | null; beyondChance: boolean } {
  if (before === 0) return { growth: null, beyondChance: false };
  if (rest.now <= 0 || rest.before <= 0) return { growth: (now - before) / before, beyondChance: isBeyondChance(now, before, 0.5) };
  const share = rest.now / (rest.now + rest.before);
  return { growth: now / before / (rest.now / rest.before) - 1, beyondChance: isBeyondChance(now, before, share) };
}

/**
 * Whether `now` conversations after `before` in an equal period is more than chance: under equal rates each of the
 * `now + before` conversations falls in either period with probability 1/2, and P(X >= now) must be at most 1%.
 */
function isBeyondChance(now: number, before: number, share: number): boolean {
  const total = now + before;
  if (total === 0 || now <= total * share) return false;
  // Upper tail of Binomial(total, share), summed in log space so that large counts do not overflow.
  let logTerm = total * Math.log(1 - share);
  for (let k = 1; k <= now; k++) logTerm += Math.log(((total - k + 1) / k) * (share / (1 - share)));
  let tail = 0;
  let term = logTerm;
  for (let k = now; k <= total; k++) {
    tail += Math.exp(term);
    term += Math.log(((total - k) / (k + 1)) * (share / (1 - share)));
    if (tail > GROWTH_SIGNIFICANCE) return false;
  }
  return tail <= GROWTH_SIGNIFICANCE;
}

interface MergedTopics {
  conversations: number;
  previousConversations: number;
  growth: number | null;
  medianHandlingMs: number | null;
  questions: TopicQuestion[];
  agentReplies: string[];
}

/** Several topics as one: volumes summed, growth of the sums, the handling time of the largest topic. */
function mergeTopics(topics: readonly GapTopic[]): MergedTopics {
  const conversations = topics.reduce((sum, topic) => sum + topic.conversations, 0);
  const previousConversations = topics.reduce((sum, topic) => sum + topic.previousConversations, 0);
  const largest = [...topics].sort((a, b) => b.conversations - a.conversations || a.topicId - b.topicId)[0]!;
  return {
    conversations,
    previousConversations,
    growth: previousConversations > 0 ? (conversations - previousConversations) / previousConversations : null,
    medianHandlingMs: largest.medianHandlingMs,
    questions: topics.flatMap((topic) => topic.questions),
    agentReplies: topics.flatMap((topic) => topic.agentReplies),
  };
}

/** The topics with each question's `covered` decided at the grain of one article, but for cross-language matches. */
function withArticleCoverage(topics: readonly GapTopic[], options: Pick<GapVerdictOptions, 'sameArticleScore' | 'minCoveredShare'>): GapTopic[] {
  const { covered } = decideArticleCoverage(
    topics.map((topic) => topic.questions),
    { threshold: options.sameArticleScore, minCoveredShare: options.minCoveredShare },
  );
  return topics.map((topic, t) => ({
    ...topic,
    questions: topic.questions.map((question, i) => (question.crossLanguage ? question : { ...question, covered: covered[t]![i]! })),
  }));
}

/**
 * The questions of an answered topic that no entry covers (in the language of their match) as a topic of their own:
 * its id negated, so that no reply profile of the answered topic is read as theirs, no representative question (the
 * topic's is an answered one), only the replies of its own conversations, and the previous-period count in proportion.
 */
function unansweredRemainder(topic: GapTopic): GapTopic | undefined {
  const questions = topic.questions.filter((question) => !question.covered && !question.crossLanguage);
  if (questions.length === 0) return undefined;
  return {
    ...topic,
    topicId: -topic.topicId,
    representativeQuestion: null,
    conversations: questions.length,
    previousConversations: Math.round((topic.previousConversations * questions.length) / topic.questions.length),
    questions,
    agentReplies: questions.flatMap((question) => (question.reply === undefined ? [] : [question.reply])),
  };
}

/**
 * A topic no entry answers by its questions, less the questions an entry still covers at the grain of one article
 * (`decideArticleCoverage`); questions matched across languages stay (TRANSLATE reads them). A topic that most of its
 * questions cover, but that replies showed is not answered by their entry, stays whole.
 */
function withoutClaimedQuestions(topic: GapTopic, minCoveredShare: number): GapTopic {
  const kept = topic.questions.filter((question) => !question.covered || question.crossLanguage);
  if (kept.length === topic.questions.length || kept.length === 0) return topic;
  if (topic.questions.filter((question) => question.covered).length / topic.questions.length >= minCoveredShare) return topic;
  const keptTexts = new Set(kept.map((question) => question.question));
  return {
    ...topic,
    representativeQuestion: topic.representativeQuestion !== null && keptTexts.has(topic.representativeQuestion) ? topic.representativeQuestion : null,
    conversations: kept.length,
    previousConversations: Math.round((topic.previousConversations * kept.length) / topic.questions.length),
    questions: kept,
  };
}

/** Distinct questions of a topic read as one article's wording: its representative question first. */
const ARTICLE_QUESTIONS = 6;

/**
 * Uncovered topics grouped by missing article, largest topic first in each group: topics whose questions would be
 * answered by one article (`groupAlikeQuestionSets`), or that agents answer alike.
 */
function groupSameArticle(topics: readonly GapTopic[], minScore: number, answeredAlike: (a: number, b: number) => boolean): GapTopic[][] {
  const ordered = [...topics].sort((a, b) => b.conversations - a.conversations || a.topicId - b.topicId);
  const groups = groupAlikeQuestionSets(
    ordered.map((topic) => distinctQuestions(topic, ARTICLE_QUESTIONS)),
    { minScore, alsoJoin: (a, b) => answeredAlike(ordered[a]!.topicId, ordered[b]!.topicId) },
  );
  return groups.map((group) => group.map((i) => ordered[i]!));
}

/**
 * Missing articles asked in two languages: a group asked only in English and one asked only in Chinese are one article
 * when each is the other's nearest group in the other language both by what customers ask (their questions matched
 * across languages, as `rankFaqEntries` does) and by how agents answer (their replies' profiles across languages),
 * and the replies are nearer each other than to any topic the FAQ already answers in that language. Two independent
 * views must agree both ways; no score threshold: questions and replies in two languages share few words (the
 * dictionary gives only some senses), so their scores sit below any same-language cut, but their order still holds.
 */
function joinAcrossLanguages(groups: readonly GapTopic[][], profiles: ReadonlyMap<number, ReplyProfile>, coveredUnits: ReadonlySet<number>): GapTopic[][] {
  const languages = groups.map(groupLanguage);
  if (new Set(languages.filter((language) => language !== undefined)).size < 2) return [...groups];
  const texts = groups.map((group) => group.flatMap((topic) => distinctQuestions(topic, ARTICLE_QUESTIONS)).slice(0, 2 * ARTICLE_QUESTIONS));
  const unitsOf = (i: number): number[] => groups[i]!.map((topic) => unitOf(topic.topicId, languages[i]!)).filter((unit) => profiles.has(unit));
  const coveredIn = (language: QuestionLanguage): number[] => [...coveredUnits].filter((unit) => UNIT_LANGUAGES[unit % UNIT_LANGUAGES.length] === language);
  const replySimilarity = (a: readonly number[], b: readonly number[]): number =>
    Math.max(0, ...a.flatMap((x) => b.map((y) => profileSimilarity(profiles.get(x)!, profiles.get(y)!))));
  const byReplies: NearestView = (a, others) => {
    const replies = new Map(others.map((b) => [b, replySimilarity(unitsOf(a), unitsOf(b))]));
    const nearest = nearestByScore(others, (b) => replies.get(b)!);
    // An answered topic's replies nearer than any missing article's: this group is answered like a known entry.
    const answered = Math.max(0, ...others.map((b) => replySimilarity(unitsOf(a), coveredIn(languages[b]!))));
    return nearest !== -1 && replies.get(nearest)! <= answered ? -1 : nearest;
  };
  const partner = new Map<number, number>();
  for (const [a, b] of pairAcrossLanguages(languages, [nearestByQuestions(texts), byReplies])) partner.set(a, b);
  const joined = new Set(partner.values());
  const result: GapTopic[][] = [];
  groups.forEach((group, a) => {
    if (joined.has(a)) return;
    const b = partner.get(a);
    result.push(b === undefined ? [...group] : [...group, ...groups[b]!]);
  });
  return result;
}

/** The one language a group's questions are asked in (English or Chinese), or undefined when mixed or other. */
function groupLanguage(group: readonly GapTopic[]): QuestionLanguage | undefined {
  const found = new Set(group.flatMap((topic) => topic.questions.map((q) => (q.language === undefined ? 'other' : primaryLanguage(q.language)))));
  const [only] = found;
  return found.size === 1 && (only === 'en' || only === 'zh') ? only : undefined;
}

function distinctQuestions(topic: GapTopic, limit: number): string[] {
  const texts = new Map<string, string>();
  if (topic.representativeQuestion) texts.set(topic.representativeQuestion.toLowerCase(), topic.representativeQuestion);
  for (const question of topic.questions) {
    if (texts.size >= limit) break;
    const key = question.question.toLowerCase();
    if (question.question.length > 0 && !texts.has(key)) texts.set(key, question.question);
  }
  return [...texts.values()];
}

/**
 * Each entry's versions in other languages: two entries in different languages are versions of each other when one's
 * title, matched across languages, finds the other with at least `minScore`.
 */
function findEntryVersions(entries: readonly GapEntry[], index: FaqIndex, minScore: number): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  if (entries.length < 2) return versions;
  entries.forEach((entry, i) => {
    const other = rankFaqEntries(index, entry.title, { limit: 3 }).find((ranked) => ranked.entry !== i && ranked.crossLanguage);
    if (other === undefined || other.score < minScore) return;
    const pair = entries[other.entry]!;
    versions.set(entry.entryId, (versions.get(entry.entryId) ?? new Set()).add(pair.entryId));
    versions.set(pair.entryId, (versions.get(pair.entryId) ?? new Set()).add(entry.entryId));
  });
  return versions;
}

function primaryLanguage(tag: string): string {
  return tag.toLowerCase().split(/[-_]/)[0] ?? tag;
}

/** Languages a topic's replies are split by before they are compared. */
const UNIT_LANGUAGES: readonly QuestionLanguage[] = ['en', 'zh', 'other'];

function unitOf(topicId: number, language: QuestionLanguage): number {
  return topicId * UNIT_LANGUAGES.length + UNIT_LANGUAGES.indexOf(language);
}

/** Agents answer two topics alike in some language both are answered in. */
function isAnsweredAlike(profiles: ReadonlyMap<number, ReplyProfile>, a: number, b: number, sameAnswer: number): boolean {
  return UNIT_LANGUAGES.some((language) => {
    const first = profiles.get(unitOf(a, language));
    const second = profiles.get(unitOf(b, language));
    return first !== undefined && second !== undefined && profileSimilarity(first, second) >= sameAnswer;
  });
}

function languagesOf(questions: readonly TopicQuestion[]): string[] {
  const counts = new Map<string, number>();
  for (const question of questions) if (question.language) counts.set(question.language, (counts.get(question.language) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([language]) => language);
}

function languageName(language: string): string {
  const primary = language.toLowerCase().split(/[-_]/)[0];
  return primary === 'zh' ? 'Chinese' : primary === 'en' ? 'English' : language;
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
    const contradicted =
      fact.kind === 'percentage' || fact.kind === 'amount' || fact.kind === 'duration'
        ? entryFacts.filter((other) => other.kind === fact.kind && other.dimension === fact.dimension).map((other) => other.value)
        : [];
    drift.push(
      contradicted.length > 0
        ? { kind: fact.kind, agentsSay: fact.value, replies, entrySays: contradicted }
        : { kind: fact.kind, agentsSay: fact.value, replies },
    );
  }
  return drift.sort(
    (a, b) => Number(b.entrySays !== undefined) - Number(a.entrySays !== undefined) || b.replies - a.replies || a.agentsSay.localeCompare(b.agentsSay),
  );
}

/**
 * A title for a new entry from a topic's representative question: its first informative sentence (a decimal point
 * does not end one), without greetings, trailing pleas and redacted values (with the words that introduce them: "tx
 * hash <TXHASH>", "to <WALLET>", 哈希是 <TXHASH>), capitalized; a question ends in a question mark, a statement stays a
 * statement.
 *
 * @example
 * proposeTitle('Hi, my USDT withdrawal is still pending for 3 days. Thanks') // 'My USDT withdrawal is still pending for 3 days'
 * proposeTitle('I withdrew 0.25 BTC to <WALLET> and it is still pending') // 'I withdrew 0.25 BTC and it is still pending'
 */
export function proposeTitle(question: string): string {
  const withoutGreeting = (text: string): string =>
    text
      .replace(/^\s*(?:(?:hi|hello|hey|dear|urgent|please help|help)(?: team| support| sir)?[,:!.]?\s+)+/i, '')
      .replace(/^(?:你好|您好|客服你好|急)[，,！!]?/, '');
  let text = withoutGreeting(
    question
      .replace(
        /[,，]?\s*(?:(?:tx|transaction)\s*(?:hash|id)|txid|hash|order\s*(?:id|number)|交易哈希|哈希|订单号|地址)\s*(?:is|是|为)?\s*[:：]?\s*<[A-Z_]+>/gi,
        '',
      )
      .replace(/\s+(?:to|from|at)\s+<[A-Z_]+>/gi, '')
      .replace(/<[A-Z_]+>/g, ' '),
  );
  // The first sentence that says something: e-mail subjects such as "Support request." are skipped.
  const sentences = text.match(/(?:[^.?!。？！]|\.(?=\d))+[.?!。？！]*/g) ?? [text];
  const sentence = sentences.find(isInformative) ?? sentences[0] ?? text;
  const asked = /[?？]\s*$/.test(sentence.trim()) || isQuestionWording(sentence);
  text = withoutGreeting(sentence.trim())
    .replace(/\s+/g, ' ')
    .replace(/[\s,;:.!?？。！，、]+$/, '')
    .trim();
  if (text.length > 90) text = `${text.slice(0, 87).replace(/\s+\S*$/, '')}…`;
  if (text.length === 0) return question.trim();
  const first = text[0]!.toUpperCase() + text.slice(1);
  if (!asked || /…$/.test(first)) return first;
  return `${first}${/\p{Script=Han}/u.test(first) ? '？' : '?'}`;
}

/** Worded as a question without its question mark: "how do I ...", "can I ...", 怎么/什么/吗 .... */
function isQuestionWording(sentence: string): boolean {
  const text = sentence.trim().toLowerCase();
  return (
    /^(?:how|what|why|when|where|which|who|whom|whose|is|are|am|was|were|can|could|do|does|did|will|would|should|shall|may|have|has)\b/.test(text) ||
    /(?:吗|呢|什么|怎么|怎样|如何|为什么|为何|多少|多久|几|哪)/.test(text)
  );
}

function isInformative(sentence: string): boolean {
  const han = sentence.match(/\p{Script=Han}/gu)?.length ?? 0;
  if (han > 0) return han >= 4;
  return (sentence.match(/[\p{L}\p{N}']+/gu)?.length ?? 0) >= 3;
}

function findingId(verdict: GapVerdict, ...subjects: string[]): string {
  return `${verdict.toLowerCase()}-${createHash('sha256')
    .update([verdict, ...subjects].join('|'))
    .digest('hex')
    .slice(0, 12)}`;
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

/** Distinct questions as examples; with `perLanguage`, the first ones cover every language asked in. */
function pickExamples(questions: readonly TopicQuestion[], count: number, perLanguage = false): { conversationId: string; question: string; score: number }[] {
  const seen = new Set<string>();
  const picked: TopicQuestion[] = [];
  const languages = perLanguage ? languagesOf(questions) : [];
  const take = (question: TopicQuestion): void => {
    const key = question.question.toLowerCase();
    if (seen.has(key) || picked.length >= Math.max(count, languages.length)) return;
    seen.add(key);
    picked.push(question);
  };
  for (const language of languages) {
    const first = questions.find((question) => question.language === language);
    if (first) take(first);
  }
  for (const question of questions) take(question);
  return picked.map((question) => ({ conversationId: question.conversationId, question: question.question, score: Math.round(question.score * 1000) / 1000 }));
}

function updateSummary(
  entry: GapEntry,
  topics: readonly GapTopic[],
  conversations: number,
  reasons: readonly UpdateReason[],
  drift: readonly DriftItem[],
  growth: number | null,
  rest: { now: number; before: number },
): string {
  const parts: string[] = [];
  if (reasons.includes('many-contacts')) parts.push(`still ${conversations} conversations`);
  if (reasons.includes('growing-contacts') && growth !== null) {
    const others = rest.before > 0 && rest.now > 0 ? Math.round((rest.now / rest.before - 1) * 100) : null;
    parts.push(`contacts up ${Math.round(growth * 100)}%${others === null ? '' : ` (other topics ${others >= 0 ? '+' : ''}${others}%)`}`);
  }
  for (const item of drift.slice(0, 3)) {
    parts.push(
      item.entrySays ? `agents say ${item.agentsSay}, the entry says ${item.entrySays.join(', ')}` : `agents say ${item.agentsSay}, the entry does not`,
    );
  }
  if (reasons.includes('changed-before-surge')) parts.push('last changed before its topics surged');
  const labels = topics.map((topic) => `"${topic.label}"`).join(', ');
  return `"${entry.title}" (${topics.length === 1 ? 'topic' : 'topics'} ${labels}): ${parts.join('; ')}.`;
}
