import { nearestByQuestions } from '../faq/group-alike-questions.js';
import { nearestByScore, pairAcrossLanguages } from '../text/cross-language-pairs.js';
import type { QuestionLanguage } from '../text/detect-language.js';
import { isChineseTerm, termSenses } from '../text/term-senses.js';
import { tokenizeText } from '../text/tokenize-text.js';
import type { AnalyzedTopic, TopicAnalysis } from './analyze-topics.js';

/**
 * Questions per topic read for its meaning across languages: enough to tell which words most of its questions use
 * (a share measured on 200 is within about ±0.07), few enough that a million questions add little work. The first
 * ones in the data's order, so the same data gives the same topics.
 */
const MEANING_QUESTIONS = 200;
/** Distinct questions per topic read as one FAQ article's wording (the FAQ-gap report reads 6 too). */
const WORDING_QUESTIONS = 6;

/**
 * What the clustering found, as the product shows it: the same question in English and Chinese one topic
 * (`mergeTopicsAcrossLanguages`), topics described alike one topic or labelled apart (`distinguishLabels`).
 *
 * @example
 * const topics = settleTopics(await analyzeTopics(questions, config));
 */
export function settleTopics(analysis: TopicAnalysis): TopicAnalysis {
  return distinguishLabels(mergeTopicsAcrossLanguages(analysis));
}

/**
 * One topic per question across languages: a topic asked mostly in Chinese and one asked mostly in English are merged
 * when each is the other's nearest topic in the other language in two views (`pairAcrossLanguages`, the matching the
 * FAQ-gap report shares): by its questions read as one FAQ article (`nearestByQuestions`, the view the FAQ-gap report
 * pairs with agents' replies; topics have no replies to go by when they are made), and by what its questions mean,
 * read in one space for both languages: English words
 * (stemmed) stand for themselves, a Chinese word for the English stems of its senses (support glossary, then
 * CC-CEDICT), each weighted by the share of the topic's questions using it times its rarity across topics (the
 * class-based TF-IDF that labels topics). No score threshold: two languages share few words, so cross-language
 * scores sit below any same-language cut, but their order holds; mutual nearness keeps unrelated topics apart.
 * Topics of one language only are left as the clustering made them. The merged topic keeps the largest one's
 * representative question; its label joins each language's label; its signature is the size-weighted sum of theirs.
 *
 * @example
 * const merged = mergeTopicsAcrossLanguages(analysis);
 */
export function mergeTopicsAcrossLanguages(analysis: TopicAnalysis): TopicAnalysis {
  const k = analysis.topics.length;
  if (k < 2) return analysis;
  const languageCounts: Map<QuestionLanguage, number>[] = Array.from({ length: k }, () => new Map());
  for (let i = 0; i < analysis.assignment.length; i++) {
    const t = analysis.assignment[i]!;
    if (t >= 0) languageCounts[t]!.set(analysis.languages[i]!, (languageCounts[t]!.get(analysis.languages[i]!) ?? 0) + 1);
  }
  const languages = languageCounts.map((counts) => {
    const dominant = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    return dominant === 'en' || dominant === 'zh' ? dominant : undefined;
  });
  if (new Set(languages.filter((language) => language !== undefined)).size < 2) return analysis;
  const meanings = topicMeanings(analysis, k);
  const byMeaning = (a: number, others: readonly number[]): number => nearestByScore(others, (b) => cosine(meanings[a]!, meanings[b]!));
  const pairs = pairAcrossLanguages(languages, [nearestByQuestions(topicWordings(analysis, k)), byMeaning]);
  if (pairs.length === 0) return analysis;

  const groupOf = Array.from({ length: k }, (_, t) => t);
  for (const [a, b] of pairs) groupOf[b] = a;
  return mergeTopicGroups(analysis, groupOf, mergeDescriptions);
}

/**
 * The analysis with every topic merged into the topic `groupOf` names (itself: kept), each group described by
 * `describe` (given its topics, largest first), and the topics ordered by size again.
 */
function mergeTopicGroups(analysis: TopicAnalysis, groupOf: readonly number[], describe: (topics: readonly AnalyzedTopic[]) => AnalyzedTopic): TopicAnalysis {
  const k = analysis.topics.length;
  const groups = [...new Set(groupOf)].map((root) => groupOf.flatMap((g, t) => (g === root ? [t] : [])));
  const newIndex = new Int32Array(k);
  const topics: AnalyzedTopic[] = groups.map((group, g) => {
    for (const t of group) newIndex[t] = g;
    return describe([...group].sort((a, b) => analysis.topics[b]!.size - analysis.topics[a]!.size || a - b).map((t) => analysis.topics[t]!));
  });
  const order = topics.map((_, g) => g).sort((a, b) => topics[b]!.size - topics[a]!.size || a - b);
  const rank = new Int32Array(order.length);
  order.forEach((g, position) => {
    rank[g] = position;
  });
  const assignment = analysis.assignment.map((t) => (t < 0 ? t : rank[newIndex[t]!]!));
  return { ...analysis, assignment, topics: order.map((g) => topics[g]!) };
}

/** Each topic's representative question and the first other distinct ones, up to `WORDING_QUESTIONS`. */
function topicWordings(analysis: TopicAnalysis, k: number): string[][] {
  const wordings: string[][] = Array.from({ length: k }, () => []);
  const seen: Set<string>[] = Array.from({ length: k }, () => new Set());
  let full = 0;
  const add = (t: number, text: string): void => {
    // A topic with its wordings found looks at no more questions (a million lower-cased strings otherwise).
    if (text.length === 0 || wordings[t]!.length >= WORDING_QUESTIONS) return;
    const key = text.toLowerCase();
    if (seen[t]!.has(key)) return;
    seen[t]!.add(key);
    wordings[t]!.push(text);
    if (wordings[t]!.length === WORDING_QUESTIONS) full++;
  };
  analysis.topics.forEach((topic, t) => {
    if (topic.representative >= 0) add(t, analysis.texts[topic.representative]!);
  });
  for (let i = 0; i < analysis.assignment.length && full < k; i++) if (analysis.assignment[i]! >= 0) add(analysis.assignment[i]!, analysis.texts[i]!);
  return wordings;
}

/** Each topic's meaning in the space both languages share: unit-length class-based TF-IDF over English stems. */
function topicMeanings(analysis: TopicAnalysis, k: number): Map<string, number>[] {
  const counts: Map<string, number>[] = Array.from({ length: k }, () => new Map());
  const read = new Int32Array(k);
  for (let i = 0; i < analysis.assignment.length; i++) {
    const t = analysis.assignment[i]!;
    if (t < 0 || read[t]! >= MEANING_QUESTIONS) continue;
    read[t]!++;
    const meant = new Set<string>();
    for (const term of tokenizeText(analysis.texts[i]!, analysis.languages[i]!)) {
      if (term.startsWith('<')) continue;
      if (!isChineseTerm(term)) meant.add(term);
      else for (const sense of termSenses(term).slice(1)) meant.add(sense);
    }
    for (const term of meant) counts[t]!.set(term, (counts[t]!.get(term) ?? 0) + 1);
  }
  const topicFrequency = new Map<string, number>();
  for (const topic of counts) for (const term of topic.keys()) topicFrequency.set(term, (topicFrequency.get(term) ?? 0) + 1);
  return counts.map((topic, t) => {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [term, count] of topic) {
      const weight = (count / read[t]!) * Math.log(1 + k / topicFrequency.get(term)!);
      vector.set(term, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [term, weight] of vector) vector.set(term, weight / norm);
    return vector;
  });
}

function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return dot;
}

function mergeDescriptions(topics: readonly AnalyzedTopic[]): AnalyzedTopic {
  if (topics.length === 1) return topics[0]!;
  const ordered = [...topics].sort((a, b) => b.size - a.size);
  const size = ordered.reduce((sum, topic) => sum + topic.size, 0);
  const signature: Record<string, number> = {};
  for (const topic of ordered)
    for (const [term, weight] of Object.entries(topic.signature)) signature[term] = (signature[term] ?? 0) + (weight * topic.size) / size;
  const norm = Math.sqrt(Object.values(signature).reduce((sum, weight) => sum + weight * weight, 0)) || 1;
  for (const term of Object.keys(signature)) signature[term] = Number((signature[term]! / norm).toFixed(6));
  const labels = [...new Set(ordered.map((topic) => topic.label))];
  const topTerms = [...new Set(ordered.flatMap((topic) => topic.topTerms.slice(0, 4)))];
  return { size, label: labels.slice(0, 2).join(' · '), topTerms, signature, representative: ordered[0]!.representative };
}

/**
 * Topics whose labels would read the same are one topic, or say how they differ. A topic whose label, or one
 * language's part of it (`二次验证 / 重置` of `reset / two-factor · 二次验证 / 重置`), reads like a larger topic's:
 * - with every one of its top terms among those larger topics' top terms, it is described exactly as they are, the
 *   same question split by the clustering: it joins the largest of them (its questions, size and signature; that
 *   topic's label, terms and representative stay);
 * - otherwise it gets, in brackets, its most distinctive top term that those larger topics do not have
 *   ("btc / pending / withdrew (eth)").
 * The largest keeps its label as it is.
 *
 * @example
 * distinguishLabels(analysis).topics.map((topic) => topic.label)
 */
export function distinguishLabels(analysis: TopicAnalysis): TopicAnalysis {
  const parts = analysis.topics.map((topic) => topic.label.split(' · '));
  const alike = analysis.topics.map((_, t) => parts.slice(0, t).flatMap((earlier, e) => (earlier.some((part) => parts[t]!.includes(part)) ? [e] : [])));
  if (alike.every((earlier) => earlier.length === 0)) return analysis;
  const groupOf = analysis.topics.map((_, t) => t);
  const topics = analysis.topics.map((topic, t) => {
    const earlier = alike[t]!;
    if (earlier.length === 0) return topic;
    const others = new Set(earlier.flatMap((e) => analysis.topics[e]!.topTerms));
    const distinct = topic.topTerms.find((term) => !others.has(term));
    if (distinct === undefined) {
      groupOf[t] = groupOf[earlier[0]!]!;
      return topic;
    }
    return { ...topic, label: `${topic.label} (${distinct})` };
  });
  return mergeTopicGroups({ ...analysis, topics }, groupOf, joinSameTopic);
}

/** Topics described alike, largest first, as one: the largest's description with everyone's questions. */
function joinSameTopic(topics: readonly AnalyzedTopic[]): AnalyzedTopic {
  if (topics.length === 1) return topics[0]!;
  const merged = mergeDescriptions(topics);
  return { ...merged, label: topics[0]!.label, topTerms: topics[0]!.topTerms };
}
