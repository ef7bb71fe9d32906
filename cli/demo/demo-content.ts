/** What the demo exchange's customers ask, how agents answer, and what its FAQ says. */

/**
 * Questions that one answer serves: what customers write (English, Chinese), how agents answer, and the truth the
 * FAQ-gap report is checked against: the entry that answers them, or the article the FAQ lacks.
 */
export interface DemoQuestionGroup {
  en: string[];
  zh: string[];
  answersEn: string[];
  answersZh: string[];
  /** The FAQ entry (in any language) that answers these questions; null when none does. */
  answeredBy: string | null;
  /** The missing article these questions need, when no entry answers them. */
  missingArticle?: string;
}

export interface DemoTopic {
  key: string;
  /** Relative volume. */
  weight: number;
  groups: DemoQuestionGroup[];
  /** Only asked from this many days before the end (a new topic); undefined: always. */
  onlyLastDays?: number;
}

const KYC_TIME_EN = ['Verification usually takes up to 24 hours; yours is now approved.'];
const KYC_TIME_ZH = ['身份认证通常在24小时内完成，您的认证现已通过。'];

/**
 * The demo exchange's questions. Planted for the FAQ-gap report: paraphrases that share few words with their entry
 * ("Coins I sent out never showed up"), Traditional Chinese (提幣顯示成功…), Chinese questions whose only entry is
 * English (to translate), and missing articles asked in both languages (NOVA listing, driving licence, KYC rejected,
 * 2FA codes refused, disputed trades, support waiting times).
 */
export const DEMO_TOPICS: DemoTopic[] = [
  {
    key: 'kyc',
    weight: 14,
    groups: [
      {
        en: ['How long does identity verification take? I submitted my documents yesterday.', 'Verification stuck at "under review" for 3 days'],
        zh: ['身份认证需要多长时间？我昨天已经提交了资料', '认证一直显示审核中，已经三天了'],
        answersEn: KYC_TIME_EN,
        answersZh: KYC_TIME_ZH,
        answeredBy: 'kyc-time',
      },
      {
        en: ['My KYC was rejected but my passport photo is clear, why?', 'Why did my identity verification fail?'],
        zh: ['我的实名认证被拒绝了，为什么？'],
        answersEn: ['Your selfie did not match the document; please upload a new one with good lighting and no glare.'],
        answersZh: ['您的自拍照与证件不符，请在光线充足的地方重新上传。'],
        answeredBy: null,
        missingArticle: 'kyc-rejected',
      },
      {
        en: ['Can I verify my account with a driving licence instead of a passport?', "Is a driver's license accepted for KYC?"],
        zh: ['可以用驾照代替护照进行认证吗？'],
        answersEn: ['We accept passports and national ID cards; driving licences are accepted for EU and UK residents only.'],
        answersZh: ['我们接受护照和身份证；驾照仅限欧盟和英国居民使用。'],
        answeredBy: null,
        missingArticle: 'kyc-driving-licence',
      },
    ],
  },
  {
    key: 'withdrawal-missing',
    weight: 18,
    groups: [
      {
        en: [
          'My USDT withdrawal on TRC20 has not arrived after 3 hours. TXID {tx}',
          'I withdrew 0.25 BTC to {btc} and it is still pending',
          'Withdrawal shows completed but my wallet {trx} received nothing',
          'Why is my ETH withdrawal still processing?',
          'Coins I sent out of my account never showed up at the destination',
        ],
        zh: [
          '我的USDT提币（TRC20）三个小时还没到账，交易哈希 {tx}',
          '提币显示成功但是钱包没有收到',
          '提现一直在处理中怎么办？',
          '提幣顯示成功但是錢包沒有收到',
        ],
        answersEn: [
          'The withdrawal is confirmed on chain; TRC20 transfers need 20 confirmations, about 1 minute.',
          'Your withdrawal was held for a security review and has now been released.',
        ],
        answersZh: ['您的提币已在链上确认，TRC20 需要20个确认，大约1分钟。', '您的提币因安全审核被暂缓，现已放行。'],
        answeredBy: 'withdrawal-not-arrived',
      },
    ],
  },
  {
    key: 'deposit-missing',
    weight: 12,
    groups: [
      {
        en: [
          'I deposited 500 USDT via ERC20 two hours ago and it is not credited',
          'Deposit not showing in my balance, tx hash {tx}',
          'Sent ETH to the wrong network, can you recover it?',
        ],
        zh: ['充值500 USDT两个小时了还没到账', '充币没有到账，哈希是 {tx}'],
        answersEn: [
          'ERC20 deposits are credited after 12 confirmations; yours is now credited.',
          'Deposits sent on an unsupported network can be recovered for a fee of 50 USDT.',
        ],
        answersZh: ['ERC20 充值需要12个区块确认，您的充值现已到账。'],
        answeredBy: 'deposit-not-credited',
      },
    ],
  },
  {
    key: 'fees',
    weight: 10,
    groups: [
      {
        en: [
          'What is the trading fee for spot trades?',
          'Why was I charged more fees than expected on my trade?',
          'What is the withdrawal fee for USDT on TRC20?',
        ],
        zh: ['现货交易手续费是多少？', 'USDT TRC20 提币手续费是多少？'],
        answersEn: ['The spot trading fee is now 0.2% maker and 0.2% taker; the USDT TRC20 withdrawal fee is 1 USDT.'],
        answersZh: ['现货交易手续费现为 0.2%，USDT TRC20 提币手续费为 1 USDT。'],
        answeredBy: 'trading-fees',
      },
    ],
  },
  {
    key: '2fa',
    weight: 9,
    groups: [
      {
        en: ['I lost my phone and cannot log in with Google Authenticator', 'How do I reset two-factor authentication?'],
        zh: ['手机丢了，谷歌验证码无法登录', '怎么重置二次验证？', '怎麼重置二次驗證？'],
        answersEn: ['Please use the "Reset 2FA" page under Security; we need a selfie holding your ID, review takes 48 hours.'],
        answersZh: ['请在安全中心使用“重置二次验证”，需要手持证件自拍，审核需48小时。'],
        answeredBy: 'reset-2fa',
      },
      {
        en: ['2FA code always invalid', 'Google Authenticator codes are rejected every time'],
        zh: ['谷歌验证码一直提示错误'],
        answersEn: ["Your phone's clock is out of sync: turn on automatic date and time, then try a fresh code."],
        answersZh: ['您的手机时间不同步，请开启自动设置时间后使用新的验证码。'],
        answeredBy: null,
        missingArticle: '2fa-code-rejected',
      },
    ],
  },
  {
    key: 'disputed-trade',
    weight: 6,
    groups: [
      {
        en: [
          'My stop loss did not trigger when the price crashed',
          'My order filled at a much worse price than shown',
          'I want to dispute a trade executed during the outage',
        ],
        zh: ['价格暴跌时我的止损没有触发', '成交价格和显示的不一样'],
        answersEn: ['Stop orders trigger on the last traded price, not the mark price; we have escalated your case to the trading desk.'],
        answersZh: ['止损单按最新成交价触发，我们已将您的问题提交交易团队。'],
        answeredBy: null,
        missingArticle: 'trade-dispute',
      },
    ],
  },
  {
    key: 'slow-support',
    weight: 4,
    groups: [
      {
        en: ['Hello? Is anyone there? I have been waiting for 30 minutes', 'Why does support take so long to answer?'],
        zh: ['有人吗？等了半个小时了', '客服为什么这么慢？'],
        answersEn: ['Sorry for the wait, we are receiving many requests during the market move.'],
        answersZh: ['抱歉久等了，行情波动期间咨询量较大。'],
        answeredBy: null,
        missingArticle: 'support-wait',
      },
    ],
  },
  {
    key: 'token-listing',
    weight: 8,
    onlyLastDays: 14,
    groups: [
      {
        en: ['When will the NOVA token be listed?', 'Is NOVA deposit open yet? I want to buy the new listing', 'NOVA listing time?'],
        zh: ['NOVA 代币什么时候上线？', 'NOVA 什么时候可以充值？'],
        answersEn: ['NOVA trading opens on Friday at 10:00 UTC; deposits are open now on the ERC20 network.'],
        answersZh: ['NOVA 将于周五 10:00 UTC 开放交易，现在已可通过 ERC20 充值。'],
        answeredBy: null,
        missingArticle: 'nova-listing',
      },
    ],
  },
];

export interface DemoFaqEntry {
  id: string;
  title: string;
  body: string;
  tags: string[];
  language: 'en' | 'zh';
  updatedAt: string;
}

/** Current, outdated (fees: agents now say 0.2%), and never asked about (margin, API keys). No entry covers NOVA. */
export const DEMO_FAQ: DemoFaqEntry[] = [
  {
    id: 'kyc-time',
    title: 'How long does identity verification take?',
    body: 'Identity verification (KYC) usually takes up to 24 hours. Upload a clear passport or ID card and a selfie.',
    tags: ['kyc', 'verification'],
    language: 'en',
    updatedAt: '2024-01-10',
  },
  {
    id: 'kyc-time-zh',
    title: '身份认证需要多长时间？',
    body: '身份认证通常在24小时内完成，请上传清晰的护照或身份证以及自拍照。',
    tags: ['kyc'],
    language: 'zh',
    updatedAt: '2024-01-10',
  },
  {
    id: 'withdrawal-not-arrived',
    title: 'My withdrawal has not arrived',
    body: 'Withdrawals need network confirmations: TRC20 needs 20 confirmations, ERC20 needs 12. Check the TXID in a block explorer. Large withdrawals may be held for a security review.',
    tags: ['withdrawal'],
    language: 'en',
    updatedAt: '2024-02-01',
  },
  {
    id: 'deposit-not-credited',
    title: 'My deposit is not credited',
    body: 'Deposits are credited after 12 confirmations on ERC20 and 20 on TRC20. Deposits on an unsupported network can be recovered for a fee.',
    tags: ['deposit'],
    language: 'en',
    updatedAt: '2024-02-01',
  },
  {
    id: 'trading-fees',
    title: 'What are the trading and withdrawal fees?',
    body: 'The spot trading fee is 0.1% maker and 0.1% taker. The USDT TRC20 withdrawal fee is 1 USDT.',
    tags: ['fees'],
    language: 'en',
    updatedAt: '2023-06-01',
  },
  {
    id: 'reset-2fa',
    title: 'How do I reset two-factor authentication (2FA)?',
    body: 'Open Security, choose "Reset 2FA" and upload a selfie holding your ID. Review takes 48 hours.',
    tags: ['2fa', 'security'],
    language: 'en',
    updatedAt: '2024-03-01',
  },
  {
    id: 'margin-guide',
    title: 'How does cross margin work?',
    body: 'Cross margin shares your balance across all positions to avoid liquidation.',
    tags: ['margin'],
    language: 'en',
    updatedAt: '2023-01-01',
  },
  {
    id: 'api-keys',
    title: 'How do I create an API key?',
    body: 'Go to Account, API Management, and create a key with read or trade permissions.',
    tags: ['api'],
    language: 'en',
    updatedAt: '2023-01-01',
  },
];

/**
 * What agents answer that the entry does not say: each an UPDATE the FAQ-gap report must make (answer drift). The fee
 * entry contradicts agents; the other two leave out a figure agents give every time.
 */
export const DEMO_DRIFT: Readonly<Record<string, string>> = {
  'trading-fees': 'agents say the spot fee is 0.2%, the entry says 0.1%',
  'deposit-not-credited': 'agents say recovering a deposit on the wrong network costs 50 USDT, the entry gives no figure',
  'withdrawal-not-arrived': 'agents say a TRC20 transfer takes about 1 minute, the entry gives no time',
};

export const AGENTS = ['agent.lin', 'agent.chen', 'agent.maria', 'agent.omar', 'agent.wang', 'agent.sofia'];
