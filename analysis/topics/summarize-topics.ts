import type { PreparedQuestion } from '../text/prepare-question.js';
import { termSurfaces } from '../text/tokenize-text.js';

/** What a topic is about, from the questions it was fitted on. */
export interface TopicDescription {
  /** The most distinctive terms, readable forms, best first. */
  topTerms: string[];
  /**
   * The top three terms joined: "card / arrive / deliver"; "mixed: phone / update / apps" when fewer than half of the
   * topic's questions use any of them (a catch-all of unrelated questions, not one question asked many ways).
   */
  label: string;
  /** Term -> weight (unit length): compared between runs to keep topic ids. */
  signature: Record<string, number>;
}

const SIGNATURE_TERMS = 30;
const TOP_TERMS = 8;

/**
 * Labels each cluster by class-based TF-IDF: a term scores by the share of the cluster's questions that use it
 * times how rare it is across all clusters. Placeholders (`<order_id>`) count as terms but never lead a label. A key
 * term is used by at least two of the cluster's questions: a word only one customer wrote (a hashtag, a typo, a
 * product code) says nothing about what the others ask, however rare it is (all terms count when no term is shared).
 */
export function describeTopics(questions: readonly PreparedQuestion[], assignment: Int32Array, k: number): TopicDescription[] {
  const documentFrequency = new Map<string, number>();
  const clusterFrequency: Map<string, number>[] = Array.from({ length: k }, () => new Map());
  const sizes = new Int32Array(k);
  const surfaceCounts = new Map<string, Map<string, number>>();
  questions.forEach((question, i) => {
    const cluster = assignment[i]!;
    if (cluster < 0 || cluster >= k) return;
    sizes[cluster]!++;
    for (const term of new Set(question.terms)) {
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      clusterFrequency[cluster]!.set(term, (clusterFrequency[cluster]!.get(term) ?? 0) + 1);
    }
    for (const [term, surface] of termSurfaces(question.text, question.language)) {
      let counts = surfaceCounts.get(term);
      if (!counts) surfaceCounts.set(term, (counts = new Map()));
      counts.set(surface, (counts.get(surface) ?? 0) + 1);
    }
  });
  const total = questions.length;
  const surface = (term: string): string => {
    const counts = surfaceCounts.get(term);
    if (!counts) return term;
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  };
  const descriptions = clusterFrequency.map((frequencies, cluster) => {
    const scored = [...frequencies.entries()]
      .map(([term, count]) => [term, (count / Math.max(sizes[cluster]!, 1)) * Math.log(1 + total / documentFrequency.get(term)!)] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, SIGNATURE_TERMS);
    let norm = 0;
    for (const [, score] of scored) norm += score * score;
    norm = Math.sqrt(norm) || 1;
    const signature: Record<string, number> = {};
    for (const [term, score] of scored) signature[term] = Number((score / norm).toFixed(6));
    const words = scored.filter(([term]) => !term.startsWith('<'));
    const shared = words.filter(([term]) => frequencies.get(term)! >= 2);
    const keyTerms = (shared.length > 0 ? shared : words).map(([term]) => term);
    const topTerms = [...new Set(keyTerms.map(surface))].slice(0, TOP_TERMS);
    const labelTerms = new Set(keyTerms.filter((term) => topTerms.slice(0, 3).includes(surface(term))));
    return { topTerms, labelTerms, signature };
  });
  // Questions per cluster that use a label term: a second pass, so that only the label's terms are looked up.
  const covered = new Int32Array(k);
  questions.forEach((question, i) => {
    const cluster = assignment[i]!;
    if (cluster < 0 || cluster >= k) return;
    const { labelTerms } = descriptions[cluster]!;
    if (question.terms.some((term) => labelTerms.has(term))) covered[cluster]!++;
  });
  return descriptions.map(({ topTerms, signature }, cluster) => {
    const label = topTerms.slice(0, 3).join(' / ') || '(no words)';
    return { topTerms, label: topTerms.length > 0 && covered[cluster]! * 2 < sizes[cluster]! ? `mixed: ${label}` : label, signature };
  });
}
