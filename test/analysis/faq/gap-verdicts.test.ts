import { describe, expect, test } from 'vitest';
import { extractAnswerFacts } from '../../../analysis/faq/extract-answer-facts.js';
import {
  DEFAULT_GAP_VERDICT_OPTIONS,
  decideGapVerdicts,
  findAnswerDrift,
  findingPriority,
  growthBeyondRest,
  proposeTitle,
  type GapEntry,
  type GapTopic,
  type GapVerdictOptions,
  type TopicQuestion,
  type UpdateReason,
} from '../../../analysis/faq/gap-verdicts.js';

const PERIOD_START = Date.UTC(2024, 5, 1);
const BEFORE = Date.UTC(2024, 0, 1);
const AFTER = Date.UTC(2024, 5, 10);
const OPTIONS: GapVerdictOptions = { ...DEFAULT_GAP_VERDICT_OPTIONS, periodStart: PERIOD_START };

function questions(count: number, options: { covered: number; entryId?: string; text?: string; prefix?: string }): TopicQuestion[] {
  return Array.from({ length: count }, (_, i) => ({
    conversationId: `${options.prefix ?? 'c'}-${i}`,
    question: `${options.text ?? 'question'} ${i}`,
    entryId: options.entryId ?? null,
    score: i < options.covered ? 0.7 : 0.2,
    covered: i < options.covered,
  }));
}

function topic(overrides: Partial<GapTopic> & Pick<GapTopic, 'topicId'>): GapTopic {
  return {
    label: `topic ${overrides.topicId}`,
    topTerms: ['withdraw', 'pend', 'usdt'],
    representativeQuestion: null,
    conversations: 20,
    previousConversations: 20,
    medianHandlingMs: 600_000,
    questions: questions(20, { covered: 18, entryId: 'fees' }),
    agentReplies: [],
    ...overrides,
  };
}

const FEES: GapEntry = {
  entryId: 'fees',
  title: 'What are the trading fees?',
  body: 'The spot trading fee is **0.1%** for makers and takers.',
  updatedAt: AFTER,
  coveredQuestions: 18,
};

describe('decideGapVerdicts', () => {
  test('a well-covered, steady topic whose entry agrees with the agents gives no finding', () => {
    const findings = decideGapVerdicts(
      [topic({ topicId: 1, agentReplies: Array<string>(10).fill('The spot trading fee is 0.1% for makers.') })],
      [FEES],
      OPTIONS,
    );
    expect(findings).toEqual([]);
  });

  test('NEW: a frequent topic no entry covers, with a proposed title, key terms and example questions', () => {
    const findings = decideGapVerdicts(
      [
        topic({
          topicId: 7,
          label: 'p2p appeal',
          topTerms: ['p2p', 'appeal', 'seller', 'releas', 'merchant', 'paid'],
          representativeQuestion: 'Hi, how do I open an appeal in a P2P trade? The seller has not released.',
          conversations: 30,
          previousConversations: 10,
          questions: questions(30, { covered: 0, entryId: 'fees', text: 'P2P seller has not released', prefix: 'p2p' }),
        }),
      ],
      [FEES],
      OPTIONS,
    );
    const found = findings.find((finding) => finding.verdict === 'NEW');
    expect(found).toMatchObject({
      topicId: 7,
      entryId: null,
      title: 'How do I open an appeal in a P2P trade?',
      keyTerms: ['p2p', 'appeal', 'seller', 'releas', 'merchant'],
      evidence: { conversations: 30, previousConversations: 10, growth: 2, coveredShare: 0 },
    });
    expect(found!.evidence.examples).toHaveLength(3);
    expect(found!.evidence.nearestEntryId).toBe('fees');
    expect(found!.evidence.examples[0]).toEqual({ conversationId: 'p2p-0', question: 'P2P seller has not released 0', score: 0.2 });
  });

  test("NEW for a missing article's questions inside a topic an entry answers, at the grain of one article", () => {
    const feeQuestions: TopicQuestion[] = Array.from({ length: 24 }, (_, i) => ({
      conversationId: `fee-${i}`,
      question: ['What are the trading fees?', 'How much is the trading fee?', 'trading fee for makers and takers'][i % 3]!,
      entryId: 'fees',
      score: 0.7,
      covered: true,
    }));
    // Scored against the fee entry around the threshold (0.45): per question, a quarter of them would count as covered.
    const listingQuestions: TopicQuestion[] = Array.from({ length: 12 }, (_, i) => ({
      conversationId: `nova-${i}`,
      question: ['When will the NOVA token be listed?', 'NOVA token listing date?', 'Will the NOVA token be listed soon?', 'When is the NOVA listing?'][i % 4]!,
      entryId: 'fees',
      score: i % 4 === 0 ? 0.47 : 0.42,
      covered: i % 4 === 0,
    }));
    const mixed = topic({ topicId: 4, conversations: 36, previousConversations: 36, questions: [...feeQuestions, ...listingQuestions] });
    const options = { ...OPTIONS, sameArticleScore: 0.45 };
    const found = decideGapVerdicts([mixed], [FEES], options).filter((finding) => finding.verdict === 'NEW');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ topicId: 4, topicIds: [4], entryId: null, evidence: { conversations: 12, previousConversations: 12, coveredShare: 0 } });
    expect(found[0]!.evidence.examples.map((example) => example.conversationId).every((id) => id.startsWith('nova-'))).toBe(true);
    // Decided per topic only (the rule before), the topic is answered and the missing article is not reported.
    expect(decideGapVerdicts([mixed], [FEES], { ...options, articleGrain: false }).filter((finding) => finding.verdict === 'NEW')).toEqual([]);
  });

  test("a topic no entry answers is reported without the questions an entry still covers: they are not the missing article's", () => {
    // The reverse of the case above: most of the topic is the missing article, a few fee questions landed in it.
    const feeQuestions: TopicQuestion[] = Array.from({ length: 8 }, (_, i) => ({
      conversationId: `fee-${i}`,
      question: ['What are the trading fees?', 'How much is the trading fee?'][i % 2]!,
      entryId: 'fees',
      score: 0.7,
      covered: true,
    }));
    const listingQuestions: TopicQuestion[] = Array.from({ length: 16 }, (_, i) => ({
      conversationId: `nova-${i}`,
      question: ['When will the NOVA token be listed?', 'NOVA token listing date?', 'Will the NOVA token be listed soon?', 'When is the NOVA listing?'][i % 4]!,
      entryId: 'fees',
      score: 0.3,
      covered: false,
    }));
    const mostlyNova = topic({
      topicId: 5,
      conversations: 24,
      previousConversations: 12,
      representativeQuestion: 'What are the trading fees?',
      questions: [...feeQuestions, ...listingQuestions],
    });
    const options = { ...OPTIONS, sameArticleScore: 0.45 };
    const [found, ...rest] = decideGapVerdicts([mostlyNova], [FEES], options).filter((finding) => finding.verdict === 'NEW');
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ topicId: 5, evidence: { conversations: 16, previousConversations: 8, coveredShare: 0 } });
    // The representative question was a fee question: the title comes from the missing article's own questions.
    expect(found!.title).toContain('NOVA');
    expect(decideGapVerdicts([mostlyNova], [FEES], { ...options, articleGrain: false }).find((finding) => finding.verdict === 'NEW')).toMatchObject({
      evidence: { conversations: 24 },
    });
  });

  test.each([
    ['too small a topic', topic({ topicId: 2, conversations: 5, questions: questions(5, { covered: 0 }) })],
    ['a topic covered by more than half of its questions', topic({ topicId: 3, questions: questions(20, { covered: 11, entryId: 'fees' }) })],
  ])('no NEW for %s', (_name, input) => {
    expect(decideGapVerdicts([input], [FEES], OPTIONS).filter((finding) => finding.verdict === 'NEW')).toEqual([]);
  });

  const updateCases: [string, Partial<GapTopic>, GapEntry, UpdateReason[]][] = [
    ['many contacts', { conversations: 80, previousConversations: 80, questions: questions(80, { covered: 70, entryId: 'fees' }) }, FEES, ['many-contacts']],
    [
      'growing contacts',
      { conversations: 60, previousConversations: 30, questions: questions(60, { covered: 55, entryId: 'fees' }) },
      FEES,
      ['growing-contacts'],
    ],
    [
      'a surge after the entry last changed',
      { conversations: 60, previousConversations: 24, questions: questions(60, { covered: 55, entryId: 'fees' }) },
      { ...FEES, updatedAt: BEFORE },
      ['growing-contacts', 'changed-before-surge'],
    ],
    [
      'agents contradicting the entry',
      { agentReplies: [...Array<string>(5).fill('The maker fee is 0.2% since May.'), ...Array<string>(5).fill('Let me check that for you.')] },
      FEES,
      ['answer-drift'],
    ],
  ];
  test.each(updateCases)('UPDATE for %s', (name, overrides, entry, reasons) => {
    // Volume alone is a reason only where a team sets `manyContacts` (off by default).
    const options = name === 'many contacts' ? { ...OPTIONS, manyContacts: 50 } : OPTIONS;
    const findings = decideGapVerdicts([topic({ topicId: 4, ...overrides })], [entry], options);
    expect(findings.map((finding) => finding.verdict)).toEqual(['UPDATE']);
    expect(findings[0]).toMatchObject({ topicId: 4, entryId: 'fees', title: FEES.title, reasons });
    expect(findings[0]!.evidence.examples.every((example) => example.conversationId.startsWith('c-'))).toBe(true);
  });

  test('UPDATE for answer drift says what agents say and what the entry says', () => {
    const replies = [
      ...Array<string>(4).fill('The maker fee is now 0.2%. Withdraw USDT on TRC20, see https://help.example.com/fees'),
      'Our fee is 0.2% for takers.',
      'Please wait 3 hours.',
      ...Array<string>(4).fill('Thanks for waiting.'),
    ];
    const [finding] = decideGapVerdicts([topic({ topicId: 5, agentReplies: replies })], [FEES], OPTIONS);
    expect(finding?.reasons).toEqual(['answer-drift']);
    expect(finding!.evidence.drift).toEqual([
      { kind: 'percentage', agentsSay: '0.2%', replies: 5, entrySays: ['0.1%'] },
      { kind: 'link', agentsSay: 'https://help.example.com/fees', replies: 4 },
      { kind: 'network', agentsSay: 'TRC20', replies: 4 },
      { kind: 'name', agentsSay: 'USDT', replies: 4 },
    ]);
    expect(finding!.summary).toContain('agents say 0.2%, the entry says 0.1%');
  });

  test('an entry whose topics grow only as much as all the traffic is not growing (a day the market moved)', () => {
    const fees = topic({ topicId: 1, conversations: 40, previousConversations: 20 });
    const others = topic({ topicId: 2, conversations: 400, previousConversations: 200, questions: questions(20, { covered: 0 }) });
    const reasons = (input: GapTopic[]) => decideGapVerdicts(input, [FEES], OPTIONS).find((finding) => finding.verdict === 'UPDATE')?.reasons ?? [];
    expect(reasons([fees, others])).toEqual([]);
    // The same growth while the rest stays flat is the entry's own.
    expect(reasons([fees, { ...others, conversations: 200 }])).toContain('growing-contacts');
  });

  test.each([
    ['grows with the rest of the traffic', 32, 13, { now: 517, before: 358 }, 0.7, false],
    ['grows while the rest stays', 32, 13, { now: 400, before: 400 }, 1.46, true],
    ['alone, against an even split', 32, 13, { now: 0, before: 0 }, 1.46, true],
    ['no previous period', 5, 0, { now: 400, before: 400 }, null, false],
  ])('growth beyond the rest: %s', (_name, now, before, rest, growth, beyondChance) => {
    const result = growthBeyondRest(now, before, rest);
    if (growth === null) expect(result.growth).toBeNull();
    else expect(result.growth).toBeCloseTo(growth, 1);
    expect(result.beyondChance).toBe(beyondChance);
  });

  test('growth within chance is not growing: 20 after 12 is +67% but could be noise', () => {
    const findings = decideGapVerdicts([topic({ topicId: 9, conversations: 20, previousConversations: 12 })], [{ ...FEES, updatedAt: BEFORE }], OPTIONS);
    expect(findings).toEqual([]);
  });

  test('no changed-before-surge when the entry was updated in the period, and no drift from a fact one agent said once', () => {
    const findings = decideGapVerdicts(
      [topic({ topicId: 6, conversations: 20, previousConversations: 15, agentReplies: ['fee is 0.3%', ...Array<string>(9).fill('checking')] })],
      [FEES],
      OPTIONS,
    );
    expect(findings).toEqual([]);
  });

  test('a topic too small for NEW or volume reasons still gets UPDATE when agents contradict its entry', () => {
    const small = topic({
      topicId: 8,
      conversations: 4,
      previousConversations: 1,
      questions: questions(4, { covered: 4, entryId: 'fees' }),
      agentReplies: Array<string>(4).fill('The maker fee is 0.2% now.'),
    });
    const findings = decideGapVerdicts([small], [{ ...FEES, updatedAt: BEFORE }], OPTIONS);
    expect(findings.map((finding) => [finding.verdict, finding.reasons])).toEqual([['UPDATE', ['answer-drift']]]);
  });

  test('UNUSED: an entry no covered question matched, but not one matched once', () => {
    const entries: GapEntry[] = [
      { ...FEES, entryId: 'never', title: 'Never asked', coveredQuestions: 0, updatedAt: BEFORE },
      { ...FEES, entryId: 'once', title: 'Asked once', coveredQuestions: 1 },
    ];
    const findings = decideGapVerdicts([], entries, OPTIONS);
    expect(findings.map((finding) => [finding.verdict, finding.entryId, finding.priority])).toEqual([['UNUSED', 'never', 0]]);
    expect(findings[0]!.evidence.entryUpdatedAt).toBe(BEFORE);
  });

  test('findings are ordered by priority, and their ids stay the same when the figures change', () => {
    const small = topic({ topicId: 10, conversations: 12, questions: questions(12, { covered: 0, text: 'When is the NOVA token listed' }) });
    const large = topic({ topicId: 11, conversations: 40, questions: questions(40, { covered: 0, text: 'My P2P seller has not released the coins' }) });
    const unused: GapEntry = { ...FEES, entryId: 'old', coveredQuestions: 0 };
    const first = decideGapVerdicts([small, large], [unused], OPTIONS);
    expect(first.map((finding) => [finding.verdict, finding.topicId ?? finding.entryId])).toEqual([
      ['NEW', 11],
      ['NEW', 10],
      ['UNUSED', 'old'],
    ]);
    const again = decideGapVerdicts([{ ...small, conversations: 99 }, large], [unused], OPTIONS);
    expect(new Set(again.map((finding) => finding.id))).toEqual(new Set(first.map((finding) => finding.id)));
    expect(new Set(first.map((finding) => finding.id)).size).toBe(3);
    expect(first.every((finding) => /^(new|update|unused)-[0-9a-f]{12}$/.test(finding.id))).toBe(true);
  });
});

describe('findingPriority', () => {
  test.each([
    [40, 0.5, 1_800_000, 90],
    [40, 0, 0, 40],
    [40, -0.5, 0, 40],
    [40, null, 0, 80],
    [10, 10, 100 * 3_600_000, 160],
  ])('%i conversations, growth %s, handling %i ms -> %d', (conversations, growth, handling, priority) => {
    expect(findingPriority(conversations, growth, handling, OPTIONS)).toBe(priority);
  });
});

describe('findAnswerDrift', () => {
  test('a fact the entry already states is not drift', () => {
    expect(findAnswerDrift(FEES, Array<string>(5).fill('the fee is 0.1%'), OPTIONS)).toEqual([]);
  });
});

describe('proposeTitle', () => {
  test.each([
    ['Hi, my USDT withdrawal is still pending for 3 days. Thanks', 'My USDT withdrawal is still pending for 3 days'],
    ['how do I reset Google Authenticator? new phone', 'How do I reset Google Authenticator?'],
    ['你好，充值未到账怎么办', '充值未到账怎么办？'],
    ['Urgent: deposit <TXHASH> not credited', 'Deposit not credited'],
    ['Support request. Hi, my stop loss did not trigger on BTC. thank you!', 'My stop loss did not trigger on BTC'],
    ['I withdrew 0.25 BTC to <WALLET> and it is still pending', 'I withdrew 0.25 BTC and it is still pending'],
    ['Deposit not showing in my balance, tx hash <TXHASH>', 'Deposit not showing in my balance'],
    ['充币没有到账，哈希是 <TXHASH>', '充币没有到账'],
    ['can I verify with a driving licence instead of a passport', 'Can I verify with a driving licence instead of a passport?'],
  ])('%j -> %j', (question, title) => {
    expect(proposeTitle(question)).toBe(title);
  });
});

describe('extractAnswerFacts', () => {
  test.each([
    ['The fee is 0.20% now', ['percentage:0.2%']],
    ['Withdrawals take 30 mins, min 10 USDT, or $5', ['duration:30 minutes', 'amount:10 USDT', 'amount:$5']],
    ['Use the BEP20 or ERC-20 network', ['network:BEP20', 'network:ERC20']],
    ['See https://help.example.com/a?b=1.', ['link:https://help.example.com/a?b=1']],
    ['提现手续费为0.1%，一般30分钟到账', ['percentage:0.1%', 'duration:30 minutes']],
    ['Open BinancePay and finish KYC', ['name:BinancePay', 'name:KYC']],
    ['I will check, OK?', []],
  ])('%j', (text, keys) => {
    expect(extractAnswerFacts(text).map((fact) => `${fact.kind}:${fact.value}`)).toEqual(keys);
  });
});

describe('decideGapVerdicts across languages', () => {
  const RESET: GapEntry = {
    entryId: 'reset-2fa',
    title: 'How do I reset two-factor authentication (2FA)?',
    body: 'Open Security, choose "Reset 2FA" and upload a selfie holding your ID.',
    updatedAt: AFTER,
    coveredQuestions: 30,
    language: 'en',
  };
  const chineseCovered = (count: number, prefix: string): TopicQuestion[] =>
    Array.from({ length: count }, (_, i) => ({
      conversationId: `${prefix}-${i}`,
      question: '怎么重置二次验证？',
      entryId: 'reset-2fa',
      score: 0.8,
      covered: true,
      language: 'zh',
      crossLanguage: true,
    }));

  test('TRANSLATE: Chinese questions answered only by an English entry name the entry and the language', () => {
    const findings = decideGapVerdicts(
      [topic({ topicId: 3, conversations: 12, previousConversations: 12, questions: chineseCovered(12, 'zh') })],
      [RESET],
      OPTIONS,
    );
    expect(findings.map((finding) => [finding.verdict, finding.entryId, finding.languages])).toEqual([['TRANSLATE', 'reset-2fa', ['zh']]]);
    expect(findings[0]!.summary).toContain('Chinese');
  });

  test('no TRANSLATE when the entry already has a Chinese version', () => {
    const chinese: GapEntry = {
      ...RESET,
      entryId: 'reset-2fa-zh',
      title: '如何重置二次验证（2FA）？',
      body: '进入安全中心，选择重置二次验证，并上传手持证件自拍。',
      language: 'zh',
    };
    const findings = decideGapVerdicts(
      [topic({ topicId: 3, conversations: 12, previousConversations: 12, questions: chineseCovered(12, 'zh') })],
      [RESET, chinese],
      OPTIONS,
    );
    expect(findings.filter((finding) => finding.verdict === 'TRANSLATE')).toEqual([]);
  });

  test('NEW: the same missing article asked in English and in Chinese is one finding with both languages', () => {
    const uncovered = (text: string, language: string, prefix: string, count: number): TopicQuestion[] =>
      Array.from({ length: count }, (_, i) => ({ conversationId: `${prefix}-${i}`, question: text, entryId: null, score: 0.1, covered: false, language }));
    const english = topic({
      topicId: 21,
      conversations: 8,
      previousConversations: 0,
      representativeQuestion: 'Can I reset my trading password?',
      questions: uncovered('Can I reset my trading password?', 'en', 'en', 8),
    });
    const chinese = topic({
      topicId: 22,
      conversations: 6,
      previousConversations: 0,
      representativeQuestion: '怎么重置交易密码？',
      questions: uncovered('怎么重置交易密码？', 'zh', 'zh', 6),
    });
    const unrelated = topic({
      topicId: 23,
      conversations: 11,
      previousConversations: 0,
      representativeQuestion: 'When is the NOVA token listed?',
      questions: uncovered('When is the NOVA token listed?', 'en', 'nova', 11),
    });
    const findings = decideGapVerdicts([english, chinese, unrelated], [], { ...OPTIONS, sameArticleScore: 0.4 }).filter((finding) => finding.verdict === 'NEW');
    expect(findings.map((finding) => [finding.topicIds, finding.languages, finding.evidence.conversations])).toEqual([
      [[21, 22], ['en', 'zh'], 14],
      [[23], ['en'], 11],
    ]);
    expect(findings[0]!.evidence.examples.map((example) => example.question)).toEqual(['Can I reset my trading password?', '怎么重置交易密码？']);
  });

  test('UPDATE: one finding per entry, gathering every topic it covers', () => {
    const fees = (topicId: number) =>
      topic({ topicId, conversations: 30, previousConversations: 30, agentReplies: Array<string>(10).fill('The fee is now 0.2% for makers.') });
    const findings = decideGapVerdicts([fees(1), fees(2)], [FEES], OPTIONS).filter((finding) => finding.verdict === 'UPDATE');
    expect(findings.map((finding) => [finding.entryId, finding.topicIds, finding.evidence.conversations])).toEqual([['fees', [1, 2], 60]]);
  });
});

describe('decideGapVerdicts with agents replies as evidence', () => {
  const WITHDRAWAL: GapEntry = {
    entryId: 'withdrawal',
    title: 'My withdrawal has not arrived',
    body: 'Withdrawals need network confirmations: TRC20 needs 20 confirmations. Check the TXID in a block explorer.',
    updatedAt: AFTER,
    coveredQuestions: 20,
    language: 'en',
  };
  const RESET: GapEntry = {
    ...WITHDRAWAL,
    entryId: 'reset',
    title: 'How do I reset 2FA?',
    body: 'Open Security and choose Reset 2FA; upload a selfie with your ID.',
  };
  const withdrawalReplies = (count: number): string[] =>
    Array.from({ length: count }, (_, i) =>
      i % 2 === 0
        ? 'The withdrawal is confirmed on chain; TRC20 transfers need 20 confirmations.'
        : 'Your withdrawal was held for a security review and is now released.',
    );
  const resetReplies = (count: number): string[] => Array<string>(count).fill('Please use the Reset 2FA page under Security; review takes 48 hours.');
  const asked = (count: number, text: string, options: { entryId: string | null; covered: boolean }, prefix: string): TopicQuestion[] =>
    Array.from({ length: count }, (_, i) => ({
      conversationId: `${prefix}-${i}`,
      question: text,
      entryId: options.entryId,
      score: options.covered ? 0.7 : 0.2,
      covered: options.covered,
      language: 'en',
    }));
  const steady = { previousConversations: 12 };
  /** A steady topic of 12 conversations, all asking `question`, matched as `match`, answered with `replies`. */
  const askedTopic = (topicId: number, question: string, match: { entryId: string | null; covered: boolean }, replies: string[]): GapTopic =>
    topic({
      topicId,
      conversations: 12,
      ...steady,
      representativeQuestion: question,
      questions: asked(12, question, match, `t${topicId}`),
      agentReplies: replies,
    });
  const covered = [
    topic({
      topicId: 1,
      conversations: 12,
      ...steady,
      questions: asked(12, 'My USDT withdrawal has not arrived', { entryId: 'withdrawal', covered: true }, 'w'),
      agentReplies: withdrawalReplies(12),
    }),
    topic({
      topicId: 2,
      conversations: 12,
      ...steady,
      questions: asked(12, 'How do I reset 2FA?', { entryId: 'reset', covered: true }, 'r'),
      agentReplies: resetReplies(12),
    }),
  ];

  test('a topic no entry matches in words, which agents answer as they answer an entry, is answered by that entry', () => {
    const paraphrase = askedTopic(3, 'Coins I sent out never showed up at the destination', { entryId: 'reset', covered: false }, withdrawalReplies(12));
    const findings = decideGapVerdicts([...covered, paraphrase], [WITHDRAWAL, RESET], OPTIONS);
    expect(findings.filter((finding) => finding.verdict === 'NEW')).toEqual([]);
  });

  test('a topic that shares words with an entry but that agents answer otherwise is a missing article', () => {
    const lookalike = askedTopic(
      4,
      'Why was my withdrawal address whitelist rejected?',
      { entryId: 'withdrawal', covered: true },
      Array<string>(12).fill('Add the address again from the Address Book page and approve the e-mail we send.'),
    );
    const findings = decideGapVerdicts([...covered, lookalike], [WITHDRAWAL, RESET], OPTIONS);
    expect(findings.filter((finding) => finding.verdict === 'NEW').map((finding) => finding.topicIds)).toEqual([[4]]);
  });

  describe('a missing article asked in English and in Chinese with no shared word', () => {
    const missing = (topicId: number, question: string, language: string, replies: string): GapTopic =>
      topic({
        topicId,
        conversations: 12,
        ...steady,
        representativeQuestion: question,
        questions: Array.from({ length: 12 }, (_, i) => ({ conversationId: `${topicId}-${i}`, question, entryId: null, score: 0.1, covered: false, language })),
        agentReplies: Array<string>(12).fill(replies),
      });
    const codeEn = missing(
      5,
      'Google Authenticator codes are rejected every time',
      'en',
      "Your phone's clock is out of sync: turn on automatic date and time, then try a fresh code.",
    );
    const codeZh = missing(6, '谷歌验证码一直提示错误', 'zh', '您的手机时间不同步，请开启自动设置时间后使用新的验证码。');
    const waitEn = missing(
      7,
      'Hello? Is anyone there? I have been waiting for 30 minutes',
      'en',
      'Sorry for the wait, we are receiving many requests during the market move.',
    );
    const waitZh = missing(8, '有人吗？等了半个小时了', 'zh', '抱歉久等了，行情波动期间咨询量较大。');
    const news = (findings: ReturnType<typeof decideGapVerdicts>) =>
      findings.filter((finding) => finding.verdict === 'NEW').map((finding) => [finding.topicIds, finding.languages]);

    test('is one finding when each is the other nearest by questions and by replies', () => {
      const findings = decideGapVerdicts([...covered, codeEn, codeZh, waitEn, waitZh], [WITHDRAWAL, RESET], OPTIONS);
      expect(news(findings)).toHaveLength(2);
      expect(news(findings)).toEqual(
        expect.arrayContaining([
          [
            [5, 6],
            ['en', 'zh'],
          ],
          [
            [7, 8],
            ['en', 'zh'],
          ],
        ]),
      );
    });

    test('stays two findings when the two ask different things', () => {
      const findings = decideGapVerdicts([...covered, codeEn, waitZh], [WITHDRAWAL, RESET], OPTIONS);
      expect(news(findings)).toHaveLength(2);
      expect(news(findings)).toEqual(
        expect.arrayContaining([
          [[5], ['en']],
          [[8], ['zh']],
        ]),
      );
    });
  });

  test('a topic whose agents quote an entry is answered by it, also when no topic of that entry is answered in that language', () => {
    // The 2FA entry's own topic is answered in Chinese this period; the English topic asks it in other words.
    const resetInChinese = topic({
      ...covered[1]!,
      questions: asked(12, '怎么重置二次验证', { entryId: 'reset', covered: true }, 'r'),
      agentReplies: Array<string>(12).fill('请在安全中心使用重置二次验证页面。'),
    });
    const lostPhone = askedTopic(
      9,
      'I lost my phone and cannot log in',
      { entryId: null, covered: false },
      Array<string>(12).fill('Open Security and choose Reset 2FA, then upload a selfie with your ID.'),
    );
    const answered = decideGapVerdicts([covered[0]!, resetInChinese, lostPhone], [WITHDRAWAL, RESET], OPTIONS);
    expect(answered.filter((finding) => finding.verdict === 'NEW')).toEqual([]);
    // Two replies are enough to see the quote (a topic's profile otherwise needs four).
    const fewReplies = topic({ ...lostPhone, agentReplies: lostPhone.agentReplies.slice(0, 2) });
    expect(decideGapVerdicts([covered[0]!, resetInChinese, fewReplies], [WITHDRAWAL, RESET], OPTIONS).filter((finding) => finding.verdict === 'NEW')).toEqual(
      [],
    );
    // Replies that quote no entry leave it a missing article.
    const unanswered = topic({ ...lostPhone, agentReplies: Array<string>(12).fill('Sorry for the wait, we are receiving many requests.') });
    const findings = decideGapVerdicts([covered[0]!, resetInChinese, unanswered], [WITHDRAWAL, RESET], OPTIONS);
    expect(findings.filter((finding) => finding.verdict === 'NEW').map((finding) => finding.topicIds)).toEqual([[9]]);
  });

  test("a covered topic's unmatched questions are judged by their own conversations' replies", () => {
    const withdrawalReply = withdrawalReplies(1)[0]!;
    // As in the article-grain test above: a missing article's wordings inside a topic an entry answers.
    const mixed = (reply: string): GapTopic => {
      const answered: TopicQuestion[] = Array.from({ length: 24 }, (_, i) => ({
        conversationId: `w-${i}`,
        question: ['My USDT withdrawal has not arrived', 'Withdrawal not received after 20 confirmations', 'TRC20 withdrawal still missing'][i % 3]!,
        entryId: 'withdrawal',
        score: 0.7,
        covered: true,
        language: 'en',
        reply: withdrawalReply,
      }));
      const payouts: TopicQuestion[] = Array.from({ length: 12 }, (_, i) => ({
        conversationId: `u-${i}`,
        question: ['When will my card payout arrive?', 'Card payout date?', 'Is my card payout late?', 'When is the card payout?'][i % 4]!,
        entryId: 'withdrawal',
        score: i % 4 === 0 ? 0.47 : 0.42,
        covered: i % 4 === 0,
        language: 'en',
        reply,
      }));
      return topic({
        topicId: 1,
        conversations: 36,
        previousConversations: 36,
        questions: [...answered, ...payouts],
        agentReplies: [...Array<string>(24).fill(withdrawalReply), ...Array<string>(12).fill(reply)],
      });
    };
    const news = (reply: string) =>
      decideGapVerdicts([mixed(reply), covered[1]!], [WITHDRAWAL, RESET], { ...OPTIONS, sameArticleScore: 0.45 })
        .filter((finding) => finding.verdict === 'NEW')
        .map((finding) => finding.evidence.conversations);
    // Answered otherwise: the 12 are a missing article of their own.
    expect(news('Card payouts run on Fridays only; yours is scheduled for this Friday.')).toEqual([12]);
    // Answered as the entry's other questions are: no finding.
    expect(news(withdrawalReply)).toEqual([]);
  });

  test('a topic answered alike a topic answered by an entry through its replies is answered by that entry too', () => {
    const zhReply = '您的提币已在链上确认，TRC20 需要20个确认。';
    // Known by its English replies (answered like topic 1), and also answered in Chinese.
    const bothLanguages = askedTopic(5, 'Coins I sent out never showed up at the destination', { entryId: null, covered: false }, [
      ...withdrawalReplies(6),
      ...Array<string>(6).fill(zhReply),
    ]);
    // Asked and answered in Chinese only: no topic its entry covers by questions is answered in Chinese.
    const chineseOnly = topic({
      topicId: 6,
      conversations: 12,
      ...steady,
      questions: Array.from({ length: 12 }, (_, i) => ({
        conversationId: `z-${i}`,
        question: '提币显示成功但是钱包没有收到',
        entryId: null,
        score: 0.2,
        covered: false,
        language: 'zh',
      })),
      agentReplies: Array<string>(12).fill(zhReply),
    });
    const findings = decideGapVerdicts([...covered, bothLanguages, chineseOnly], [WITHDRAWAL, RESET], OPTIONS);
    expect(findings.filter((finding) => finding.verdict === 'NEW')).toEqual([]);
  });

  test("an entry's only topic covered by questions is dropped when it is answered unlike the entry's topics known by replies", () => {
    // Matched to the 2FA entry by its words, answered with another macro: a missing article.
    const rejected = askedTopic(
      7,
      'Why was my 2FA reset rejected?',
      { entryId: 'reset', covered: true },
      Array<string>(12).fill('Your document photo was blurry, so the review has not released it; take it again in daylight.'),
    );
    // Matched to nothing by its words, answered by quoting the 2FA entry.
    const lostPhone = askedTopic(
      8,
      'I lost my phone and cannot log in',
      { entryId: null, covered: false },
      Array<string>(12).fill('Open Security and choose Reset 2FA, then upload a selfie with your ID.'),
    );
    const findings = decideGapVerdicts([covered[0]!, rejected, lostPhone], [WITHDRAWAL, RESET], OPTIONS);
    expect(findings.filter((finding) => finding.verdict === 'NEW').map((finding) => finding.topicIds)).toEqual([[7]]);
  });

  test('small topics of one missing article, too few replies each for a profile, are one finding when agents answer them alike', () => {
    const small = (topicId: number, question: string, count: number, reply: string): GapTopic =>
      topic({
        topicId,
        conversations: count,
        ...steady,
        representativeQuestion: question,
        questions: asked(count, question, { entryId: null, covered: false }, `s${topicId}`),
        agentReplies: Array<string>(Math.min(count, 3)).fill(reply),
      });
    const sorry = 'Sorry for the wait, we are receiving many requests during the market move.';
    const waiting = small(7, 'Hello? Is anyone there? I have been waiting for 30 minutes', 6, sorry);
    const slow = small(8, 'Why does support take so long to answer?', 5, sorry);
    const news = (topics: GapTopic[]) =>
      decideGapVerdicts([...covered, ...topics], [WITHDRAWAL, RESET], OPTIONS)
        .filter((finding) => finding.verdict === 'NEW')
        .map((finding) => [finding.topicIds, finding.evidence.conversations]);
    expect(news([waiting, slow])).toEqual([[[7, 8], 11]]);
    // Answered differently, they stay two topics, each too small for a finding.
    expect(news([waiting, { ...slow, agentReplies: Array<string>(3).fill('Our agents answer chats from 8:00 to 22:00 UTC.') }])).toEqual([]);
  });

  test('without two entries whose topics show what a different answer looks like, replies decide nothing', () => {
    const paraphrase = topic({
      topicId: 3,
      conversations: 12,
      ...steady,
      questions: asked(12, 'Coins I sent out never showed up at the destination', { entryId: null, covered: false }, 'p'),
      agentReplies: withdrawalReplies(12),
    });
    const findings = decideGapVerdicts([covered[0]!, paraphrase], [WITHDRAWAL], OPTIONS);
    expect(findings.filter((finding) => finding.verdict === 'NEW').map((finding) => finding.topicIds)).toEqual([[3]]);
  });
});
