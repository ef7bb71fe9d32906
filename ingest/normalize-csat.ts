import type { ConversationSource, CsatLevel } from '../db/schema.js';

/** A satisfaction rating: as the source gave it (`rating`, stored in `csat_rating`) and normalised (`level`). */
export interface Csat {
  rating: string;
  level: CsatLevel;
}

/**
 * The one place where each source's satisfaction scale becomes good / neutral / bad:
 *
 * | source | scale as given | good | neutral | bad |
 * |---|---|---|---|---|
 * | zendesk | `satisfaction_rating.score`: good, bad (offered, unoffered: not rated) | good | | bad |
 * | intercom | `conversation_rating.rating` 1-5 | 4, 5 | 3 | 1, 2 |
 * | chatwoot | CSAT survey `rating` 1-5 | 4, 5 | 3 | 1, 2 |
 * | helpscout | `rating`: great, okay, not_good (the webhook says Bad; unknown: not rated) | great | okay | not good, bad |
 * | freshdesk | `ratings.default_question`: 103 extremely happy ... 100 neutral ... -103 extremely unhappy (2-, 3-, 5- and 7-point surveys all use these codes) | 101-103 | 100 | -101 to -103 |
 * | canonical, twitter | 1-5, or a word: good / neutral / bad, great / okay / not good, satisfied / unsatisfied, positive / negative | 4, 5 | 3 | 1, 2 |
 *
 * Anything else (a value off the scale, an unknown word, "offered") is not a rating: null, and the caller warns.
 *
 * @example
 * normalizeCsat('helpscout', 'not_good'); // { rating: 'not_good', level: 'bad' }
 * normalizeCsat('intercom', 4); // { rating: '4', level: 'good' }
 */
export function normalizeCsat(source: ConversationSource, value: unknown): Csat | null {
  if (value === undefined || value === null) return null;
  const rating = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
  if (rating === null || rating === '') return null;
  const level = levelOf(source, rating);
  return level === null ? null : { rating: rating.slice(0, 100), level };
}

function levelOf(source: ConversationSource, rating: string): CsatLevel | null {
  const word = rating.toLowerCase().replace(/[\s_-]+/g, ' ');
  switch (source) {
    case 'zendesk':
      return word === 'good' ? 'good' : word === 'bad' ? 'bad' : null;
    case 'helpscout':
      return Object.hasOwn(HELPSCOUT_WORDS, word) ? HELPSCOUT_WORDS[word]! : null;
    case 'freshdesk':
      return freshdeskLevel(rating);
    case 'intercom':
    case 'chatwoot':
      return fivePointLevel(rating);
    case 'canonical':
    case 'twitter':
      return fivePointLevel(rating) ?? (Object.hasOwn(CANONICAL_WORDS, word) ? CANONICAL_WORDS[word]! : null);
  }
}

const HELPSCOUT_WORDS: Readonly<Record<string, CsatLevel>> = { great: 'good', okay: 'neutral', ok: 'neutral', 'not good': 'bad', bad: 'bad' };

const CANONICAL_WORDS: Readonly<Record<string, CsatLevel>> = {
  good: 'good',
  great: 'good',
  satisfied: 'good',
  positive: 'good',
  neutral: 'neutral',
  okay: 'neutral',
  ok: 'neutral',
  bad: 'bad',
  'not good': 'bad',
  unsatisfied: 'bad',
  dissatisfied: 'bad',
  negative: 'bad',
};

/** 1-5, whole numbers only ("4", "4.0" and "4/5" are read; 0, 6 and 4.5 are off the scale). */
function fivePointLevel(rating: string): CsatLevel | null {
  const match = /^([1-5])(?:\.0+)?(?:\s*\/\s*5)?$/.exec(rating);
  if (!match) return null;
  const score = Number(match[1]);
  return score >= 4 ? 'good' : score === 3 ? 'neutral' : 'bad';
}

function freshdeskLevel(rating: string): CsatLevel | null {
  if (!/^-?\d+$/.test(rating)) return null;
  const code = Number(rating);
  if (code === 100) return 'neutral';
  if (code >= 101 && code <= 103) return 'good';
  if (code >= -103 && code <= -101) return 'bad';
  return null;
}
