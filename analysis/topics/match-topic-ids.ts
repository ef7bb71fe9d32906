/** A topic of an earlier run, as far as matching needs it. */
export interface PreviousTopic {
  topicId: number;
  signature: Record<string, number>;
}

export interface TopicIdOptions {
  /** The lowest cosine between signatures that still counts as the same topic (default 0.5). */
  minSimilarity?: number;
  /** The first id a new topic may take (one above the highest id ever given). */
  nextId: number;
}

/**
 * Stable topic ids: each new cluster takes the id of the earlier topic whose term signature is most similar
 * (greedy one-to-one, best pairs first, ties broken by id), if similar enough; the others get fresh ids in the order
 * given (largest first). The same data gives the same clusters, so the same ids; a new day keeps the topics it
 * still has.
 *
 * @example
 * assignTopicIds([{ card: 1 }], [{ topicId: 7, signature: { card: 1 } }], { nextId: 8 }) // [7]
 */
export function assignTopicIds(signatures: readonly Record<string, number>[], previous: readonly PreviousTopic[], options: TopicIdOptions): number[] {
  const minSimilarity = options.minSimilarity ?? 0.5;
  const pairs: { cluster: number; previous: number; similarity: number }[] = [];
  signatures.forEach((signature, cluster) => {
    previous.forEach((topic, index) => {
      const similarity = cosine(signature, topic.signature);
      if (similarity >= minSimilarity) pairs.push({ cluster, previous: index, similarity });
    });
  });
  pairs.sort((a, b) => b.similarity - a.similarity || previous[a.previous]!.topicId - previous[b.previous]!.topicId || a.cluster - b.cluster);
  const ids = new Array<number>(signatures.length).fill(-1);
  const taken = new Set<number>();
  for (const pair of pairs) {
    if (ids[pair.cluster] !== -1 || taken.has(pair.previous)) continue;
    ids[pair.cluster] = previous[pair.previous]!.topicId;
    taken.add(pair.previous);
  }
  let next = options.nextId;
  return ids.map((id) => (id === -1 ? next++ : id));
}

function cosine(a: Record<string, number>, b: Record<string, number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [term, weight] of Object.entries(a)) {
    normA += weight * weight;
    const other = b[term];
    if (other !== undefined) dot += weight * other;
  }
  for (const weight of Object.values(b)) normB += weight * weight;
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
