import { detectLanguage, type QuestionLanguage } from './detect-language.js';
import { normalizeText } from './normalize-text.js';
import { redactPersonalData } from './redact-personal-data.js';
import { tokenizeText } from './tokenize-text.js';

/** A question ready to be stored, shown and grouped: redacted text, its language and its terms. */
export interface PreparedQuestion {
  text: string;
  language: QuestionLanguage;
  terms: string[];
}

/** Upper bound on a stored question; longer first messages are cut (the start says what they are about). */
export const MAX_QUESTION_LENGTH = 1000;

/**
 * Normalizes, redacts, detects the language and tokenizes; personal data never leaves this function.
 *
 * @example
 * prepareQuestion('Card 4111 1111 1111 1111 declined').text // 'Card <CARD> declined'
 */
export function prepareQuestion(text: string, options: { normalized?: boolean } = {}): PreparedQuestion {
  const redacted = redactPersonalData(options.normalized ? text : normalizeText(text));
  const cut = redacted.length > MAX_QUESTION_LENGTH ? redacted.slice(0, MAX_QUESTION_LENGTH) : redacted;
  const language = detectLanguage(cut);
  return { text: cut, language, terms: tokenizeText(cut, language) };
}
