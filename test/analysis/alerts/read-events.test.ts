import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { readEvents } from '../../../analysis/alerts/read-events.js';
import { temporaryFolder, type TemporaryFolder } from '../../helpers.js';

let folder: TemporaryFolder;
beforeEach(() => (folder = temporaryFolder()));
afterEach(() => folder.cleanup());

test('a folder of JSON Lines, JSON and CSV events: times with and without offsets, optional end and tags', () => {
  const dir = join(folder.path, 'events');
  mkdirSync(join(dir, 'market'), { recursive: true });
  writeFileSync(join(dir, 'market/btc.jsonl'), '{"time":"2026-12-05T09:10:00Z","title":"BTC -12% in an hour","tags":["market"]}\n\n# a comment\n');
  writeFileSync(join(dir, 'ops.json'), JSON.stringify([{ id: 'maint-1', time: '2026-12-06T02:00', end: '2026-12-06T04:00', title: 'exchange maintenance' }]));
  writeFileSync(join(dir, 'listings.csv'), 'time,title,end,tags\r\n2026-12-07,"NOVA listing announced",,listing;nova\r\n');
  writeFileSync(join(dir, 'notes.txt'), 'not an events file');
  const { events, problems } = readEvents(dir, 'Asia/Shanghai');
  expect(problems).toEqual([]);
  expect(
    events.map((event) => [event.title, new Date(event.startsAt).toISOString(), event.endsAt && new Date(event.endsAt).toISOString(), event.tags]),
  ).toEqual([
    ['BTC -12% in an hour', '2026-12-05T09:10:00.000Z', null, ['market']],
    ['exchange maintenance', '2026-12-05T18:00:00.000Z', '2026-12-05T20:00:00.000Z', []],
    ['NOVA listing announced', '2026-12-06T16:00:00.000Z', null, ['listing', 'nova']],
  ]);
  expect(events[1]!.id).toBe('maint-1');
  expect(events[0]!.id).toMatch(/^[0-9a-f]{16}$/);
});

test('bad lines are named by file and line; the valid ones are kept', () => {
  const path = join(folder.path, 'events.jsonl');
  writeFileSync(
    path,
    [
      '{"time":"2026-12-05T09:10:00Z","title":"ok"}',
      '{"time":"yesterday","title":"bad time"}',
      '{"title":"no time"}',
      '{not json',
      '{"time":"2026-12-05T09:10:00Z","title":"ends before","end":"2026-12-05T08:00:00Z"}',
      '{"time":"2026-12-05T09:10:00Z","title":"x","tags":"market"}',
      '{"id":"a","time":"2026-12-05T10:00:00Z","title":"first"}',
      '{"id":"a","time":"2026-12-05T11:00:00Z","title":"again"}',
    ].join('\n'),
  );
  const { events, problems } = readEvents(path, 'UTC');
  expect(events.map((event) => event.title)).toEqual(['ok', 'first']);
  expect(problems.map((problem) => `${problem.line}: ${problem.reason}`)).toEqual([
    '2: time "yesterday" is not an ISO 8601 date or time',
    '3: missing time',
    expect.stringMatching(/^4: not valid JSON/),
    '5: end is before time',
    '6: tags must be a list of strings',
    `8: duplicate id "a" (first at ${path}:7); the first is kept`,
  ]);
  expect(problems.every((problem) => problem.path === path)).toBe(true);
});

test('a missing events path is one problem, not a crash', () => {
  const { events, problems } = readEvents(join(folder.path, 'nowhere'), 'UTC');
  expect(events).toEqual([]);
  expect(problems).toEqual([{ path: join(folder.path, 'nowhere'), line: 0, reason: 'cannot read: ENOENT' }]);
});
