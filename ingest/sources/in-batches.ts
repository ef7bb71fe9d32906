/** Records per batch for sources that hold their records in memory (JSON documents). */
export const DOCUMENT_BATCH_SIZE = 256;

/**
 * Groups what a generator yields into arrays of at most `size`, for the batched `Source` interface.
 *
 * @example
 * [...inBatches([1, 2, 3], 2)]; // [[1, 2], [3]]
 */
export function* inBatches<T>(items: Iterable<T>, size: number = DOCUMENT_BATCH_SIZE): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
