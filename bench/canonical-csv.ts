import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRandom, pick } from './random.js';

export const CUSTOMER_LINES = [
  'My USDT withdrawal on TRC20 has not arrived after 3 hours',
  'How do I verify my identity? The KYC page keeps failing',
  'I lost my phone and cannot pass two-factor authentication',
  'Why was I charged a 0.1% fee on this trade?',
  'Deposit of 0.5 BTC not credited, tx confirmed on chain',
  '我的提币还没有到账，已经过了两个小时',
  '请问身份认证需要多长时间？',
  'The price moved and my stop loss did not trigger, please explain',
  'Hello? Is anyone there? I have been waiting for 20 minutes',
  'Can I withdraw ERC20 tokens to a BEP20 address?',
];
export const AGENT_LINES = [
  'Thanks for reaching out, let me check that for you.',
  'The withdrawal fee for USDT on TRC20 is 1 USDT and it usually arrives within 10 minutes.',
  'Your verification is under review; it normally takes up to 24 hours.',
  'Please reset 2FA through the security page; we will need a selfie with your ID.',
  '您好，我们正在核实您的提币记录，请稍候。',
  'The trading fee for your tier is 0.1% maker and 0.1% taker.',
];

/**
 * Writes `messages` canonical CSV rows in conversations of 1-9 messages (fixed seed): `bench:ingest`'s file, also the
 * reference row of `bench:ingest-formats`. Returns the number of conversations.
 */
export async function writeCanonicalCsv(path: string, messages: number, seed: number): Promise<number> {
  const random = createRandom(seed);
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('conversation_id,message_id,channel,author_role,author_id,created_at,body\n');
  let written = 0;
  let conversation = 0;
  let time = Date.UTC(2024, 0, 1);
  while (written < messages) {
    conversation += 1;
    const channel = random() < 0.6 ? 'chat' : random() < 0.8 ? 'email' : 'social';
    const count = Math.min(messages - written, 1 + Math.floor(random() * 9));
    time += Math.floor(random() * 120_000);
    let at = time;
    for (let i = 0; i < count; i++) {
      const role = i === 0 || random() < 0.45 ? 'customer' : random() < 0.9 ? 'agent' : 'bot';
      const body = role === 'customer' ? pick(random, CUSTOMER_LINES) : pick(random, AGENT_LINES);
      const quoted = body.includes(',') || body.includes('"') ? `"${body.replace(/"/g, '""')}"` : body;
      at += Math.floor(random() * (channel === 'chat' ? 300_000 : 7_200_000));
      await write(
        `C${conversation},M${conversation}-${i + 1},${channel},${role},${role === 'customer' ? `U${conversation % 50_000}` : `A${Math.floor(random() * 40)}`},${new Date(at).toISOString()},${quoted}\n`,
      );
      written += 1;
    }
  }
  out.end();
  await once(out, 'finish');
  return conversation;
}
