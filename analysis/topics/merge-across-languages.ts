import { groupAlikeQuestionSets } from '../faq/group-alike-questions.js';
import type { QuestionLanguage } from '../text/detect-language.js';
import type { AnalyzedTopic, TopicAnalysis } from './analyze-topics.js';

/** Distinct questions per topic that speak for it when topics are compared across languages. */
const WORDING_QUESTIONS = 6;

/**
 * One topic per question across languages: a topic asked mostly in Chinese and one asked mostly in another language
 * are merged when each is the other's best match and their questions would be answered by one FAQ article
 * (`groupAlikeQuestionSets` at `minScore`, the FAQ-gap report's covered threshold). Topics of one language are left as
 * the clustering made them. The merged
 * topic keeps the largest one's representative question; its label joins each language's label; its signature is
 * the size-weighted sum of theirs.
 *
 * @example
 * const merged = mergeTopicsAcrossLanguages(analysis, 0.4);
 */
export function mergeTopicsAcrossLanguages(analysis: TopicAnalysis, minScore: number): TopicAnalysis {
  const k = analysis.topics.length;
  if (k < 2) return analysis;
  const wordings: string[][] = Array.from({ length: k }, () => []);
  const seen: Set<string>[] = Array.from({ length: k }, () => new Set());
  const languageCounts: Map<QuestionLanguage, number>[] = Array.from({ length: k }, () => new Map());
  analysis.topics.forEach((topic, t) => {
    if (topic.representative >= 0) {
      const text = analysis.texts[topic.representative]!;
      wordings[t]!.push(text);
      seen[t]!.add(text.toLowerCase());
    }
  });
  for (let i = 0; i < analysis.assignment.length; i++) {
    const t = analysis.assignment[i]!;
    if (t < 0) continue;
    const language = analysis.languages[i]!;
    languageCounts[t]!.set(language, (languageCounts[t]!.get(language) ?? 0) + 1);
    if (wordings[t]!.length >= WORDING_QUESTIONS) continue;
    const text = analysis.texts[i]!;
    const key = text.toLowerCase();
    if (text.length === 0 || seen[t]!.has(key)) continue;
    seen[t]!.add(key);
    wordings[t]!.push(text);
  }
  const dominant = languageCounts.map((counts) => [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'other');
  const isChinese = (t: number): boolean => dominant[t] === 'zh';
  const groups = groupAlikeQuestionSets(wordings, { minScore, mayJoin: (a, b) => isChinese(a) !== isChinese(b), mutualOnly: true });
  if (groups.length === k) return analysis;

  const newIndex = new Int32Array(k);
  const topics: AnalyzedTopic[] = groups.map((group, g) => {
    for (const t of group) newIndex[t] = g;
    return mergeDescriptions(group.map((t) => analysis.topics[t]!));
  });
  const order = topics.map((_, g) => g).sort((a, b) => topics[b]!.size - topics[a]!.size || a - b);
  const rank = new Int32Array(order.length);
  order.forEach((g, position) => {
    rank[g] = position;
  });
  const assignment = analysis.assignment.map((t) => (t < 0 ? t : rank[newIndex[t]!]!));
  return { ...analysis, assignment, topics: order.map((g) => topics[g]!) };
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
 * Topics whose labels would read the same say how they differ: each gets, in brackets, its most distinctive top term
 * that the others with that label do not have ("btc / pending / withdrew (eth)"); the largest keeps its label as it is.
 *
 * @example
 * distinguishLabels(analysis).topics.map((topic) => topic.label)
 */
export function distinguishLabels(analysis: TopicAnalysis): TopicAnalysis {
  const byLabel = new Map<string, number[]>();
  analysis.topics.forEach((topic, t) => {
    byLabel.set(topic.label, [...(byLabel.get(topic.label) ?? []), t]);
  });
  if ([...byLabel.values()].every((group) => group.length === 1)) return analysis;
  const topics = analysis.topics.map((topic) => ({ ...topic }));
  for (const group of byLabel.values()) {
    if (group.length < 2) continue;
    group.slice(1).forEach((t, position) => {
      const others = new Set(group.filter((other) => other !== t).flatMap((other) => analysis.topics[other]!.topTerms));
      const distinct = analysis.topics[t]!.topTerms.find((term) => !others.has(term));
      topics[t]!.label = `${analysis.topics[t]!.label} (${distinct ?? `${position + 2}`})`;
    });
  }
  return { ...analysis, topics };
}
