/** What the demo exchange's customers ask, how agents answer, and what its FAQ says. */

export interface DemoTopic {
  key: string;
  /** Relative volume. */
  weight: number;
  en: string[];
  zh: string[];
  answersEn: string[];
  answersZh: string[];
  /** Only asked from this many days before the end (a new topic); undefined: always. */
  onlyLastDays?: number;
}

export const DEMO_TOPICS: DemoTopic[] = [
  {
    key: 'kyc',
    weight: 14,
    en: [
      'How long does identity verification take? I submitted my documents yesterday.',
      'My KYC was rejected but my passport photo is clear, why?',
      'Verification stuck at "under review" for 3 days',
      'Can I verify my account with a driving licence instead of a passport?',
    ],
    zh: ['身份认证需要多长时间？我昨天已经提交了资料', '我的实名认证被拒绝了，为什么？', '认证一直显示审核中，已经三天了'],
    answersEn: ['Verification usually takes up to 24 hours; yours is now approved.', 'Your selfie did not match the document; please upload a new one with good lighting.'],
    answersZh: ['身份认证通常在24小时内完成，您的认证现已通过。', '您的自拍照与证件不符，请在光线充足的地方重新上传。'],
  },
  {
    key: 'withdrawal-missing',
    weight: 18,
    en: [
      'My USDT withdrawal on TRC20 has not arrived after 3 hours. TXID {tx}',
      'I withdrew 0.25 BTC to {btc} and it is still pending',
      'Withdrawal shows completed but my wallet {trx} received nothing',
      'Why is my ETH withdrawal still processing?',
    ],
    zh: ['我的USDT提币（TRC20）三个小时还没到账，交易哈希 {tx}', '提币显示成功但是钱包没有收到', '提现一直在处理中怎么办？'],
    answersEn: [
      'The withdrawal is confirmed on chain; TRC20 transfers need 20 confirmations, about 1 minute.',
      'Your withdrawal was held for a security review and has now been released.',
    ],
    answersZh: ['您的提币已在链上确认，TRC20 需要20个确认，大约1分钟。', '您的提币因安全审核被暂缓，现已放行。'],
  },
  {
    key: 'deposit-missing',
    weight: 12,
    en: ['I deposited 500 USDT via ERC20 two hours ago and it is not credited', 'Deposit not showing in my balance, tx hash {tx}', 'Sent ETH to the wrong network, can you recover it?'],
    zh: ['充值500 USDT两个小时了还没到账', '充币没有到账，哈希是 {tx}'],
    answersEn: ['ERC20 deposits are credited after 12 confirmations; yours is now credited.', 'Deposits sent on an unsupported network can be recovered for a fee of 50 USDT.'],
    answersZh: ['ERC20 充值需要12个区块确认，您的充值现已到账。'],
  },
  {
    key: 'fees',
    weight: 10,
    en: ['What is the trading fee for spot trades?', 'Why was I charged more fees than expected on my trade?', 'What is the withdrawal fee for USDT on TRC20?'],
    zh: ['现货交易手续费是多少？', 'USDT TRC20 提币手续费是多少？'],
    answersEn: ['The spot trading fee is now 0.2% maker and 0.2% taker; the USDT TRC20 withdrawal fee is 1 USDT.'],
    answersZh: ['现货交易手续费现为 0.2%，USDT TRC20 提币手续费为 1 USDT。'],
  },
  {
    key: '2fa',
    weight: 9,
    en: ['I lost my phone and cannot log in with Google Authenticator', 'How do I reset two-factor authentication?', '2FA code always invalid'],
    zh: ['手机丢了，谷歌验证码无法登录', '怎么重置二次验证？'],
    answersEn: ['Please use the "Reset 2FA" page under Security; we need a selfie holding your ID, review takes 48 hours.'],
    answersZh: ['请在安全中心使用“重置二次验证”，需要手持证件自拍，审核需48小时。'],
  },
  {
    key: 'disputed-trade',
    weight: 6,
    en: ['My stop loss did not trigger when the price crashed', 'My order filled at a much worse price than shown', 'I want to dispute a trade executed during the outage'],
    zh: ['价格暴跌时我的止损没有触发', '成交价格和显示的不一样'],
    answersEn: ['Stop orders trigger on the last traded price, not the mark price; we have escalated your case to the trading desk.'],
    answersZh: ['止损单按最新成交价触发，我们已将您的问题提交交易团队。'],
  },
  {
    key: 'slow-support',
    weight: 4,
    en: ['Hello? Is anyone there? I have been waiting for 30 minutes', 'Why does support take so long to answer?'],
    zh: ['有人吗？等了半个小时了', '客服为什么这么慢？'],
    answersEn: ['Sorry for the wait, we are receiving many requests during the market move.'],
    answersZh: ['抱歉久等了，行情波动期间咨询量较大。'],
  },
  {
    key: 'token-listing',
    weight: 8,
    onlyLastDays: 14,
    en: ['When will the NOVA token be listed?', 'Is NOVA deposit open yet? I want to buy the new listing', 'NOVA listing time?'],
    zh: ['NOVA 代币什么时候上线？', 'NOVA 什么时候可以充值？'],
    answersEn: ['NOVA trading opens on Friday at 10:00 UTC; deposits are open now on the ERC20 network.'],
    answersZh: ['NOVA 将于周五 10:00 UTC 开放交易，现在已可通过 ERC20 充值。'],
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
  { id: 'kyc-time', title: 'How long does identity verification take?', body: 'Identity verification (KYC) usually takes up to 24 hours. Upload a clear passport or ID card and a selfie.', tags: ['kyc', 'verification'], language: 'en', updatedAt: '2024-01-10' },
  { id: 'kyc-time-zh', title: '身份认证需要多长时间？', body: '身份认证通常在24小时内完成，请上传清晰的护照或身份证以及自拍照。', tags: ['kyc'], language: 'zh', updatedAt: '2024-01-10' },
  { id: 'withdrawal-not-arrived', title: 'My withdrawal has not arrived', body: 'Withdrawals need network confirmations: TRC20 needs 20 confirmations, ERC20 needs 12. Check the TXID in a block explorer. Large withdrawals may be held for a security review.', tags: ['withdrawal'], language: 'en', updatedAt: '2024-02-01' },
  { id: 'deposit-not-credited', title: 'My deposit is not credited', body: 'Deposits are credited after 12 confirmations on ERC20 and 20 on TRC20. Deposits on an unsupported network can be recovered for a fee.', tags: ['deposit'], language: 'en', updatedAt: '2024-02-01' },
  { id: 'trading-fees', title: 'What are the trading and withdrawal fees?', body: 'The spot trading fee is 0.1% maker and 0.1% taker. The USDT TRC20 withdrawal fee is 1 USDT.', tags: ['fees'], language: 'en', updatedAt: '2023-06-01' },
  { id: 'reset-2fa', title: 'How do I reset two-factor authentication (2FA)?', body: 'Open Security, choose "Reset 2FA" and upload a selfie holding your ID. Review takes 48 hours.', tags: ['2fa', 'security'], language: 'en', updatedAt: '2024-03-01' },
  { id: 'margin-guide', title: 'How does cross margin work?', body: 'Cross margin shares your balance across all positions to avoid liquidation.', tags: ['margin'], language: 'en', updatedAt: '2023-01-01' },
  { id: 'api-keys', title: 'How do I create an API key?', body: 'Go to Account, API Management, and create a key with read or trade permissions.', tags: ['api'], language: 'en', updatedAt: '2023-01-01' },
];

export const AGENTS = ['agent.lin', 'agent.chen', 'agent.maria', 'agent.omar', 'agent.wang', 'agent.sofia'];
