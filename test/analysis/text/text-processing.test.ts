import { describe, expect, test } from 'vitest';
import { detectLanguage } from '../../../analysis/text/detect-language.js';
import { extractQuestion } from '../../../analysis/text/extract-question.js';
import { normalizeText } from '../../../analysis/text/normalize-text.js';
import { tokenizeText } from '../../../analysis/text/tokenize-text.js';

describe('normalizeText', () => {
  test.each([
    ['ＵＳＤＴ　提现', 'USDT 提现'],
    ['  two\n\nlines\t here ', 'two lines here'],
    ['ﬁle', 'file'],
    ['zero\u200bwidth', 'zerowidth'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('detectLanguage', () => {
  test.each([
    ['My withdrawal has not arrived yet', 'en'],
    ['我的USDT提现还没到账', 'zh'],
    ['为什么我的账户被冻结了？', 'zh'],
    ['KYC 认证失败', 'zh'],
    ['Mi retiro todavía no ha llegado a mi cuenta bancaria', 'other'],
    ['Мой вывод средств не пришёл', 'other'],
    ['12345 !!!', 'other'],
    ['2FA reset', 'en'],
  ] as const)('%s -> %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});

describe('tokenizeText', () => {
  test.each([
    ['Withdrawals are pending for my account', 'en', ['withdraw', 'pend', 'account']],
    ['How do I reset my 2FA?', 'en', ['reset', '2fa']],
    ['Send it to <EMAIL> please', 'en', ['<email>', 'send']],
    ['我的提现还没有到账', 'zh', ['提现', '到账']],
    ['USDT充值不到账', 'zh', ['usdt', '充值', '到账']],
    ['提币显示成功但是钱包没有收到', 'zh', ['提币', '显示', '成功', '钱包', '收到']],
    ['怎麼重置二次驗證？', 'zh', ['重置', '二次验证']],
    ['手续费是多少', 'zh', ['手续费', '多少']],
  ] as const)('%s', (text, language, expected) => {
    expect(tokenizeText(text, language)).toEqual(expected);
  });
});

describe('extractQuestion', () => {
  test('chat: the first message, normalized', () => {
    expect(extractQuestion({ channel: 'chat', subject: null, body: '  hi,\n where is my deposit? ' })).toBe('hi, where is my deposit?');
  });

  test.each([
    [
      'quoted reply in English',
      'Withdrawal stuck',
      'It has been 3 days.\n\nOn Mon, 1 Jan 2024 at 10:00, Support <s@x.com> wrote:\n> We are looking into it\n> Thanks',
      'Withdrawal stuck. It has been 3 days.',
    ],
    ['quote marks only', 'Re: Fees', 'Why so high?\n> old text\n> more', 'Fees. Why so high?'],
    [
      'outlook original message',
      'Account locked',
      'Please unlock.\n-----Original Message-----\nFrom: support\nSubject: hello',
      'Account locked. Please unlock.',
    ],
    ['signature dash', '2FA', 'I lost my phone.\n-- \nAnn Lee\nCEO', '2FA. I lost my phone.'],
    ['sent from iphone', null, 'Where is my card?\n\nSent from my iPhone', 'Where is my card?'],
    ['best regards', 'KYC', 'My ID was rejected twice.\nBest regards,\nTom', 'KYC. My ID was rejected twice.'],
    ['chinese quote', '提现问题', '提现一直在处理中。\n\n在 2024年1月1日 客服 写道：\n> 请稍等', '提现问题. 提现一直在处理中。'],
    ['chinese original', '充值', '没到账\n----- 原始邮件 -----\n发件人: 客服', '充值. 没到账'],
    ['chinese signature', null, '账户被冻结了\n发自我的iPhone', '账户被冻结了'],
    ['subject repeated in body', 'Deposit missing', 'Deposit missing since Monday', 'Deposit missing since Monday'],
    ['opening thanks is content', null, 'Thanks,\nwhy was I charged twice?', 'Thanks, why was I charged twice?'],
  ])('email: %s', (_name, subject, body, expected) => {
    expect(extractQuestion({ channel: 'email', subject, body })).toBe(expected);
  });
});
