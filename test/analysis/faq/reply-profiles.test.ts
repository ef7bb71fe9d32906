import { expect, test } from 'vitest';
import { buildReplyProfiles, calibrateQuotedEntry } from '../../../analysis/faq/reply-profiles.js';

const { weigh } = buildReplyProfiles(new Map());
const profile = (text: string) => weigh([text]);

const ENTRIES = [
  { family: 'withdrawal', language: 'en', profile: profile('Withdrawals need network confirmations: TRC20 needs 20 confirmations.') },
  { family: 'reset', language: 'en', profile: profile('Open Security and choose Reset 2FA; upload a selfie with your ID.') },
  { family: 'reset', language: 'zh', profile: profile('请在安全中心重置二次验证。') },
];

test('the cut lies halfway between how near replies come to their own entry and to another entry', () => {
  const covered = [
    { family: 'withdrawal', language: 'en', profile: profile('Your withdrawal needs 20 confirmations on TRC20.') },
    { family: 'reset', language: 'en', profile: profile('Please choose Reset 2FA under Security with a selfie and your ID.') },
  ];
  const quoted = calibrateQuotedEntry(covered, ENTRIES)!;
  expect(quoted.same).toBeGreaterThan(quoted.different);
  expect(quoted.cut).toBeCloseTo((quoted.same + quoted.different) / 2, 10);
  // Only entries in the replies' language count: the Chinese version is never compared with English replies.
  const withoutChinese = calibrateQuotedEntry(
    covered,
    ENTRIES.filter((entry) => entry.language === 'en'),
  );
  expect(withoutChinese).toEqual(quoted);
});

test('nothing is learnt without another entry to compare with, or when other entries come as near', () => {
  const withdrawal = { family: 'withdrawal', language: 'en', profile: profile('Your withdrawal needs 20 confirmations on TRC20.') };
  expect(calibrateQuotedEntry([withdrawal], [ENTRIES[0]!])).toBeUndefined();
  expect(calibrateQuotedEntry([], ENTRIES)).toBeUndefined();
  const vague = { family: 'withdrawal', language: 'en', profile: profile('Open Security and upload a selfie.') };
  expect(calibrateQuotedEntry([vague], ENTRIES)).toBeUndefined();
});
