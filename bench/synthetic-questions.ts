import { createSeededRandom, type SeededRandom } from '../analysis/topics/seeded-random.js';

/** One generated customer question with the intent it was written from. */
export interface SyntheticQuestion {
  intent: string;
  channel: 'chat' | 'email';
  subject: string | null;
  body: string;
}

const COINS = ['BTC', 'ETH', 'USDT', 'USDC', 'SOL', 'XRP', 'TRX', 'BNB'];
const NETWORKS = ['TRC20', 'ERC20', 'BEP20', 'Solana', 'Arbitrum'];
const SPANS = ['2 hours', '3 days', 'a week', 'since yesterday', '5 hours', 'two days'];
const OPENERS = ['', '', 'Hi, ', 'Hello, ', 'Hi team, ', 'Urgent: ', 'Please help, '];
const CLOSERS = ['', '', ' Thanks', ' Please help', ' thank you!', ' ASAP please'];
const ZH_OPENERS = ['', '', '你好，', '您好，', '客服你好，', '急！'];
const ZH_CLOSERS = ['', '', '谢谢', '请尽快处理', '麻烦看一下'];
// Details that make real messages differ from one another: ids, counts, times (kept by redaction: not personal).
const DETAILS = [
  (r: SeededRandom) => ` My UID is ${10_000_000 + r.int(89_999_999)}.`,
  (r: SeededRandom) => ` I tried ${2 + r.int(8)} times.`,
  (r: SeededRandom) => ` It happened at ${r.int(24)}:${String(r.int(60)).padStart(2, '0')}.`,
  (r: SeededRandom) => ` This is my ${2 + r.int(5)}th message about it.`,
  (r: SeededRandom) => ` Balance shows ${Math.round(r.next() * 10_000) / 100}.`,
  () => '',
];
const ZH_DETAILS = [
  (r: SeededRandom) => `我的UID是${10_000_000 + r.int(89_999_999)}。`,
  (r: SeededRandom) => `已经试了${2 + r.int(8)}次。`,
  (r: SeededRandom) => `${r.int(24)}点${r.int(60)}分发生的。`,
  () => '',
];

type Template = (r: Slots) => string;
interface Slots {
  coin: string;
  network: string;
  span: string;
  amount: string;
  txhash: string;
  order: string;
}

const EN: Record<string, Template[]> = {
  deposit_missing: [
    (s) => `My ${s.coin} deposit has not arrived after ${s.span}`,
    (s) => `I deposited ${s.amount} ${s.coin} via ${s.network} but it is not in my account. tx ${s.txhash}`,
    (s) => `deposit not credited, sent ${s.coin} ${s.span} ago`,
    (s) => `Where is my ${s.coin} deposit? The transaction is confirmed on chain`,
  ],
  withdrawal_pending: [
    (s) => `My ${s.coin} withdrawal is still pending for ${s.span}`,
    (s) => `withdrawal stuck in processing, ${s.amount} ${s.coin} to ${s.network}`,
    (s) => `Why is my withdrawal not completed yet? Order ${s.order}`,
    (s) => `I requested a withdrawal ${s.span} ago and it still says pending`,
  ],
  wrong_network: [
    (s) => `I sent ${s.coin} on the wrong network (${s.network}), can you recover it?`,
    (s) => `deposited ${s.coin} using ${s.network} instead of the right chain, funds lost?`,
    (s) => `Can you recover funds sent to the wrong network? ${s.amount} ${s.coin}`,
  ],
  kyc_rejected: [
    () => 'My identity verification was rejected, why?',
    () => 'KYC failed again, passport photo not accepted',
    (s) => `verification still under review after ${s.span}`,
    () => 'How long does identity verification take? I uploaded my ID',
  ],
  two_factor_lost: [
    () => 'I lost my phone and cannot log in with 2FA',
    () => 'How do I reset Google Authenticator? new phone',
    () => 'my 2FA codes are not working, locked out of my account',
  ],
  account_frozen: [
    () => 'My account is frozen and I cannot trade',
    () => 'Why was my account locked? I did nothing wrong',
    (s) => `account suspended ${s.span}, please unfreeze`,
  ],
  trading_fees: [
    () => 'What are the trading fees for spot and futures?',
    (s) => `Why was I charged such a high fee on my ${s.coin} trade?`,
    () => 'How do I get a maker fee discount with BNB?',
  ],
  withdrawal_fee: [(s) => `The withdrawal fee for ${s.coin} on ${s.network} is too high`, (s) => `How much is the fee to withdraw ${s.coin}?`],
  order_not_filled: [
    (s) => `My limit order for ${s.coin} was not filled even though the price reached it`,
    () => 'Order executed at a different price than shown, slippage?',
    (s) => `my stop loss did not trigger on ${s.coin}`,
  ],
  p2p_dispute: [
    () => 'P2P seller has not released the crypto after I paid',
    (s) => `I paid the P2P merchant ${s.span} ago, order ${s.order} still not released`,
    () => 'how do I open an appeal in a P2P trade?',
  ],
  password_reset: [() => 'I forgot my password and the reset email never arrives', () => 'cannot reset password, link expired'],
  support_slow: [(s) => `Nobody has replied to my ticket for ${s.span}`, () => 'How long does support take to answer? still waiting'],
};

const ZH: Record<string, Template[]> = {
  deposit_missing_zh: [
    (s) => `我的${s.coin}充值${s.span}了还没到账`,
    (s) => `充值${s.amount} ${s.coin}（${s.network}）一直没有到账，交易哈希${s.txhash}`,
    () => '充币已经确认了为什么账户里没有',
  ],
  withdrawal_pending_zh: [
    (s) => `${s.coin}提现一直在处理中，订单号${s.order}`,
    () => '提币审核要多久？已经等了很久',
    (s) => `提现${s.amount} ${s.coin}还没到账`,
  ],
  kyc_zh: [() => '身份认证失败是什么原因', () => '实名认证一直在审核中', () => 'KYC 上传护照照片被拒绝'],
  two_factor_zh: [() => '手机丢了，谷歌验证器无法登录', () => '怎么重置二次验证'],
  frozen_zh: [() => '我的账户被冻结了，无法交易', () => '为什么账号被锁定了'],
  fees_zh: [() => '现货交易手续费是多少', (s) => `${s.coin}提币手续费太高了`],
  p2p_zh: [() => 'C2C商家收款后不放币怎么办', (s) => `P2P订单${s.order}已付款对方不放币，我要申诉`],
};

function hex(random: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[random.int(16)];
  return out;
}

function slots(random: SeededRandom): Slots {
  return {
    coin: COINS[random.int(COINS.length)]!,
    network: NETWORKS[random.int(NETWORKS.length)]!,
    span: SPANS[random.int(SPANS.length)]!,
    amount: String(Math.round(random.next() * 5000 * 100) / 100),
    txhash: `0x${hex(random, 64)}`,
    order: `${100000 + random.int(900000)}${random.int(10000)}`,
  };
}

/**
 * Questions a crypto exchange's support receives, in English (about 70%) and Chinese, from a fixed seed: intents
 * with several phrasings each, coins, networks, amounts, transaction hashes and order ids (which redaction
 * replaces), user ids, counts and times, greetings and sign-offs; e-mails get a subject and a quoted reply.
 */
export function generateQuestions(count: number, seed = 7, intents?: { english?: string[]; chinese?: string[] }): SyntheticQuestion[] {
  const random = createSeededRandom(seed);
  const english = Object.entries(EN).filter(([name]) => !intents?.english || intents.english.includes(name));
  const chinese = Object.entries(ZH).filter(([name]) => !intents?.chinese || intents.chinese.includes(name));
  const out: SyntheticQuestion[] = [];
  for (let i = 0; i < count; i++) {
    const useChinese = chinese.length > 0 && (english.length === 0 || random.next() < 0.3);
    const pool = useChinese ? chinese : english;
    const [intent, templates] = pool[random.int(pool.length)]!;
    const text = templates[random.int(templates.length)]!(slots(random));
    const channel = random.next() < 0.7 ? 'chat' : 'email';
    const body = useChinese
      ? `${ZH_OPENERS[random.int(ZH_OPENERS.length)]}${text}。${ZH_DETAILS[random.int(ZH_DETAILS.length)]!(random)}${ZH_CLOSERS[random.int(ZH_CLOSERS.length)]}`
      : `${OPENERS[random.int(OPENERS.length)]}${text}.${DETAILS[random.int(DETAILS.length)]!(random)}${CLOSERS[random.int(CLOSERS.length)]}`;
    out.push({
      intent,
      channel,
      subject: channel === 'email' ? (useChinese ? '咨询' : 'Support request') : null,
      body: channel === 'email' ? `${body}\n\nOn Mon, Support <help@exchange.example> wrote:\n> previous reply` : body,
    });
  }
  return out;
}
