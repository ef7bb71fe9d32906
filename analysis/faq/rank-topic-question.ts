import type { PreparedQuestion } from '../text/prepare-question.js';
import { normalizeText } from '../text/normalize-text.js';
import type { FaqIndex } from './faq-index.js';
import { findBestFaqEntries, findBestFaqEntriesOfTokens, type BestFaqEntries } from './find-best-faq-entries.js';
import { RANKED_PER_QUESTION } from './rank-distinct-questions.js';

/**
 * What the FAQ step needs of a question (see `rankDistinctQuestions`), from the tokens the topics step has just read:
 * its stored text, language and terms, and the character n-grams of that text. Ranking reads the stored text again
 * from its normalized form; when normalizing leaves the text as it is (it nearly always does: the topics step
 * normalizes before redacting) those are the same tokens, so the answer is the same to the last bit; otherwise the
 * text is read afresh.
 *
 * @example
 * const question = prepareQuestion('How do I reset 2FA?');
 * rankTopicQuestion(index, question, extractQuestionFeatures(question.text, question.language, question.terms).chars);
 */
export function rankTopicQuestion(index: FaqIndex, question: PreparedQuestion, chars: ArrayLike<number>): BestFaqEntries {
  if (normalizeText(question.text) !== question.text) return findBestFaqEntries(index, question.text, RANKED_PER_QUESTION);
  return findBestFaqEntriesOfTokens(index, { language: question.language, terms: question.terms, chars }, RANKED_PER_QUESTION);
}
