import type { QuestionFeatures } from './question-features.js';
import type { SparseMatrix } from './sparse-matrix.js';

/** A fitted vocabulary with inverse document frequencies; plain data so it can cross to a worker. */
export interface TfidfVocabulary {
  /** Feature hash -> column, words first then characters. */
  wordColumns: Map<number, number>;
  charColumns: Map<number, number>;
  idf: Float32Array;
  wordWeight: number;
  charWeight: number;
}

export interface TfidfOptions {
  /** A feature must occur in this many questions of the fitting set (default 2). */
  minDocumentFrequency?: number;
  /** Relative weight of the word block against the character block (default 1 : 1). */
  wordWeight?: number;
  charWeight?: number;
}

/** Document frequencies over the fitting set, then smoothed idf as scikit-learn computes it. */
export function fitTfidfVocabulary(documents: readonly QuestionFeatures[], options: TfidfOptions = {}): TfidfVocabulary {
  const minDf = options.minDocumentFrequency ?? 2;
  const wordDf = countDocumentFrequency(documents.map((d) => d.words));
  const charDf = countDocumentFrequency(documents.map((d) => d.chars));
  const wordColumns = new Map<number, number>();
  const charColumns = new Map<number, number>();
  const idfValues: number[] = [];
  const n = documents.length;
  // Sorted hashes give the same columns whatever order the documents came in.
  for (const [df, columns] of [
    [wordDf, wordColumns],
    [charDf, charColumns],
  ] as const) {
    const kept = [...df.entries()].filter(([, count]) => count >= minDf).sort((x, y) => x[0] - y[0]);
    for (const [hash, count] of kept) {
      columns.set(hash, idfValues.length);
      idfValues.push(Math.log((1 + n) / (1 + count)) + 1);
    }
  }
  return {
    wordColumns,
    charColumns,
    idf: Float32Array.from(idfValues),
    wordWeight: options.wordWeight ?? 1,
    charWeight: options.charWeight ?? 1,
  };
}

function countDocumentFrequency(hashLists: readonly Uint32Array[]): Map<number, number> {
  const df = new Map<number, number>();
  for (const hashes of hashLists) {
    const sorted = Uint32Array.from(hashes).sort();
    for (let i = 0; i < sorted.length; i++) {
      const hash = sorted[i]!;
      if (i > 0 && sorted[i - 1] === hash) continue;
      df.set(hash, (df.get(hash) ?? 0) + 1);
    }
  }
  return df;
}

export interface SparseRow {
  columns: Int32Array;
  values: Float32Array;
}

/**
 * One question as a TF-IDF row: sublinear term frequency times idf, each block (words, characters) scaled to unit
 * length and weighted, the whole row scaled to unit length.
 */
export function vectorizeFeatures(features: QuestionFeatures, vocabulary: TfidfVocabulary): SparseRow {
  const weighted = { columns: [] as number[], values: [] as number[] };
  const { columns, values } = weighted;
  const wordNorm = appendBlock(features.words, vocabulary.wordColumns, vocabulary.idf, weighted);
  const wordEnd = columns.length;
  const charNorm = appendBlock(features.chars, vocabulary.charColumns, vocabulary.idf, weighted);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const scale = i < wordEnd ? vocabulary.wordWeight / (wordNorm || 1) : vocabulary.charWeight / (charNorm || 1);
    values[i]! *= scale;
    total += values[i]! ** 2;
  }
  const norm = Math.sqrt(total) || 1;
  const row: SparseRow = { columns: Int32Array.from(columns), values: new Float32Array(values.length) };
  for (let i = 0; i < values.length; i++) row.values[i] = values[i]! / norm;
  return row;
}

function appendBlock(
  hashes: Uint32Array,
  vocabulary: Map<number, number>,
  idf: Float32Array,
  { columns, values }: { columns: number[]; values: number[] },
): number {
  const sorted = Uint32Array.from(hashes).sort();
  let sumSquares = 0;
  for (let i = 0; i < sorted.length; ) {
    const hash = sorted[i]!;
    let count = 1;
    while (i + count < sorted.length && sorted[i + count] === hash) count++;
    i += count;
    const column = vocabulary.get(hash);
    if (column === undefined) continue;
    const weight = sublinearFrequency(count) * idf[column]!;
    columns.push(column);
    values.push(weight);
    sumSquares += weight * weight;
  }
  return Math.sqrt(sumSquares);
}

/** Rows stacked into a sparse matrix. */
/** The sublinear term frequency 1 + ln(count); most counts are 1, whose logarithm is 0 (no call needed). */
export function sublinearFrequency(count: number): number {
  return count === 1 ? 1 : 1 + Math.log(count);
}

export function stackRows(rows: readonly SparseRow[], columns: number): SparseMatrix {
  const rowStart = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) rowStart[i + 1] = rowStart[i]! + rows[i]!.columns.length;
  const columnIndex = new Int32Array(rowStart[rows.length]!);
  const values = new Float32Array(rowStart[rows.length]!);
  for (let i = 0; i < rows.length; i++) {
    columnIndex.set(rows[i]!.columns, rowStart[i]!);
    values.set(rows[i]!.values, rowStart[i]!);
  }
  return { rows: rows.length, columns, rowStart, columnIndex, values };
}
