import { expect, test } from 'vitest';
import { prepareQuestion } from '../../../analysis/text/prepare-question.js';
import { describeTopics } from '../../../analysis/topics/summarize-topics.js';

function describe(groups: string[][]) {
  const questions = groups.flat().map((text) => prepareQuestion(text));
  const assignment = Int32Array.from(groups.flatMap((group, g) => group.map(() => g)));
  return describeTopics(questions, assignment, groups.length);
}

test('key terms are words at least two questions of the topic use: no links, handles, hashtags or one-off codes', () => {
  const [topic] = describe([
    [
      '@AppleSupport the update drains my battery https://t.co/9281okeebk #painfulupdate',
      'battery dies since the update @76099',
      'since the update my battery is gone in hours #ios1102',
      'update killed the battery, serial TH536D1HN',
    ],
    ['where is my parcel', 'parcel not delivered'],
  ]);
  expect(topic!.label).toBe('battery / update');
  expect(topic!.topTerms).toEqual(['battery', 'update']);
});

test('a topic whose label words most of its questions do not use says it is mixed', () => {
  const [mixed, clear] = describe([
    ['phone update broke my apps', 'phone update is slow', 'refund for my flight', 'the printer head is broken', 'free cable for everyone'],
    ['where is my parcel', 'parcel not delivered', 'my parcel is late'],
  ]);
  expect(mixed!.label).toBe('mixed: phone / update');
  expect(clear!.label).toBe('parcel');
});

test('with no word shared inside a topic, its rarest words still label it', () => {
  const [single] = describe([['printer head broken'], ['parcel late', 'parcel lost']]);
  expect(single!.label).toBe('broken / head / printer');
});
