/** How questions are matched to FAQ entries; the `faq` section of the configuration. */
export interface FaqMatchingConfig {
  /**
   * A question is covered when its entry scores at least this (scores are 0..1); `auto` (the default) calibrates it
   * to the FAQ and the questions of each run (see `calibrateCoveredThreshold`).
   */
  coveredThreshold: number | 'auto';
  /** Share of the score from the character n-gram cosine on the entry's title and question; the rest is BM25F. */
  characterWeight: number;
  /**
   * The same for Chinese questions: word segmentation of short Chinese questions is unreliable (提现 may come out as
   * two characters), so their character 1-2-grams carry more of the score.
   */
  chineseCharacterWeight: number;
  /**
   * Share of the lexical score from how much of the entry's title/question the question contains (the rest: how
   * much of the question the entry answers, by BM25F). Long questions with extra context stay covered.
   */
  entrySideWeight: number;
  /** BM25F weight of a term found in the entry's title or question, relative to the answer text. */
  questionFieldWeight: number;
  answerFieldWeight: number;
  /** BM25 term-frequency saturation. */
  k1: number;
  /** BM25 length normalization of the title/question field and of the answer field. */
  questionFieldB: number;
  answerFieldB: number;
}

/** The threshold when there are too few questions to calibrate one. */
export const DEFAULT_COVERED_THRESHOLD = 0.4;

export const DEFAULT_FAQ_MATCHING_CONFIG: FaqMatchingConfig = {
  coveredThreshold: 'auto',
  characterWeight: 0.6,
  chineseCharacterWeight: 0.8,
  entrySideWeight: 0.5,
  questionFieldWeight: 2,
  answerFieldWeight: 1,
  k1: 1.2,
  questionFieldB: 0.75,
  answerFieldB: 0.75,
};
