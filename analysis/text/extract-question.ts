import { normalizeText } from './normalize-text.js';

export interface QuestionSource {
  channel: string;
  subject: string | null;
  /** The customer's first message. */
  body: string;
}

const QUOTE_HEADER = [
  /^\s*On\b.{0,200}\bwrote:\s*$/i,
  /^\s*-{2,}\s*Original Message\s*-{2,}/i,
  /^\s*-{2,}\s*Forwarded message\s*-{2,}/i,
  /^\s*_{5,}\s*$/,
  /^\s*From:\s.+/i,
  /^\s*在.{0,200}写道[:：]\s*$/,
  /^\s*-{2,}\s*原始邮件\s*-{2,}/,
  /^\s*-{2,}\s*原始郵件\s*-{2,}/,
  /^\s*发件人[:：]/,
  /^\s*寄件者[:：]/,
];

const SIGNATURE_START = [
  /^-- ?$/,
  /^\s*Sent from my \w+/i,
  /^\s*Get Outlook for/i,
  /^\s*(Best|Kind|Warm)?\s*regards,?\s*$/i,
  /^\s*(Thanks|Thank you|Many thanks|Cheers|Sincerely|Best),?\s*$/i,
  /^\s*(此致|敬礼|祝好|谢谢[!！。]?|发自我的\S*)\s*$/,
];

/**
 * The question of a conversation: the customer's first message, and for e-mail the subject followed by the body
 * without quoted replies ("On ... wrote:", "> " lines, "-----Original Message-----", 在...写道：) and without the
 * signature ("-- ", "Sent from my iPhone", "Best regards", 发自我的iPhone). The result is normalized (NFKC, single
 * spaces) but not yet redacted.
 *
 * @example
 * extractQuestion({ channel: 'email', subject: 'Withdrawal', body: 'Where is it?\n\nOn Mon, Ann wrote:\n> hi' })
 * // 'Withdrawal. Where is it?'
 */
export function extractQuestion(source: QuestionSource): string {
  const isEmail = source.channel === 'email';
  const body = isEmail ? stripEmail(source.body) : source.body;
  const subject = isEmail && source.subject ? stripSubjectPrefixes(normalizeText(source.subject)) : '';
  const text = normalizeText(body);
  if (subject.length === 0) return text;
  if (text.length === 0) return subject;
  if (text.toLowerCase().startsWith(subject.toLowerCase())) return text;
  return /[.?!。？！]$/.test(subject) ? `${subject} ${text}` : `${subject}. ${text}`;
}

function stripSubjectPrefixes(subject: string): string {
  return subject.replace(/^(?:\s*(?:re|fw|fwd|aw|答复|回复|转发)\s*[:：]\s*)+/i, '').trim();
}

function stripEmail(body: string): string {
  const kept: string[] = [];
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const hasContent = kept.some((keptLine) => keptLine.trim().length > 0);
    if (QUOTE_HEADER.some((pattern) => pattern.test(line))) break;
    // A sign-off ends the message, unless nothing has been said yet ("Thanks," as an opening line).
    if (hasContent && SIGNATURE_START.some((pattern) => pattern.test(line))) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n');
}
