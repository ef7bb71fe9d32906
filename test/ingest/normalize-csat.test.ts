import { expect, test } from 'vitest';
import type { ConversationSource, CsatLevel } from '../../db/schema.js';
import { normalizeCsat } from '../../ingest/normalize-csat.js';

const cases: [ConversationSource, unknown, string | null, CsatLevel | null][] = [
  ['zendesk', 'good', 'good', 'good'],
  ['zendesk', 'bad', 'bad', 'bad'],
  ['zendesk', 'offered', null, null],
  ['zendesk', 'unoffered', null, null],
  ['intercom', 5, '5', 'good'],
  ['intercom', 4, '4', 'good'],
  ['intercom', 3, '3', 'neutral'],
  ['intercom', 2, '2', 'bad'],
  ['intercom', 1, '1', 'bad'],
  ['intercom', 0, null, null],
  ['intercom', 6, null, null],
  ['intercom', 4.5, null, null],
  ['chatwoot', '4', '4', 'good'],
  ['chatwoot', 3, '3', 'neutral'],
  ['chatwoot', 1, '1', 'bad'],
  ['helpscout', 'great', 'great', 'good'],
  ['helpscout', 'Great', 'Great', 'good'],
  ['helpscout', 'okay', 'okay', 'neutral'],
  ['helpscout', 'not_good', 'not_good', 'bad'],
  ['helpscout', 'Not Good', 'Not Good', 'bad'],
  ['helpscout', 'Bad', 'Bad', 'bad'],
  ['helpscout', 'unknown', null, null],
  ['freshdesk', 103, '103', 'good'],
  ['freshdesk', 101, '101', 'good'],
  ['freshdesk', 100, '100', 'neutral'],
  ['freshdesk', -101, '-101', 'bad'],
  ['freshdesk', '-103', '-103', 'bad'],
  ['freshdesk', 104, null, null],
  ['freshdesk', 5, null, null],
  ['canonical', 5, '5', 'good'],
  ['canonical', '4/5', '4/5', 'good'],
  ['canonical', 'neutral', 'neutral', 'neutral'],
  ['canonical', 'Not good', 'Not good', 'bad'],
  ['canonical', 'dissatisfied', 'dissatisfied', 'bad'],
  ['canonical', 'meh', null, null],
  ['canonical', '', null, null],
  ['canonical', null, null, null],
  ['canonical', true, null, null],
  ['canonical', { rating: 5 }, null, null],
  ['canonical', 'constructor', null, null],
];

test.each(cases)('%s rating %j is stored as %j, normalised to %j', (source, value, rating, level) => {
  expect(normalizeCsat(source, value)).toEqual(rating === null ? null : { rating, level });
});
