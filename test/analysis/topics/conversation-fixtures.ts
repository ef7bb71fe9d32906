import { generateQuestions } from '../../../bench/synthetic-questions.js';

const DAY_MS = 86_400_000;
export const FIXTURE_START = Date.UTC(2024, 4, 1);

/**
 * Canonical JSON Lines conversations from generated questions, `perDay` a day from `startDay`, each with an agent
 * reply after a channel-typical delay (chat minutes, e-mail hours).
 */
export function conversationLines(options: { days: number; perDay: number; startDay?: number; seed?: number; idPrefix?: string }): string {
  const lines: string[] = [];
  for (let day = options.startDay ?? 0; day < (options.startDay ?? 0) + options.days; day++) {
    const questions = generateQuestions(options.perDay, (options.seed ?? 11) + day);
    questions.forEach((question, i) => {
      const created = FIXTURE_START + day * DAY_MS + i * Math.floor(DAY_MS / (options.perDay + 1));
      const replyDelay = question.channel === 'chat' ? 60_000 * (1 + (i % 7)) : 3_600_000 * (1 + (i % 5));
      lines.push(
        JSON.stringify({
          id: `${options.idPrefix ?? 'c'}-${day}-${i}`,
          channel: question.channel,
          created_at: new Date(created).toISOString(),
          subject: question.subject,
          messages: [
            { id: 'm1', author_role: 'customer', author_id: `u${i}`, created_at: new Date(created).toISOString(), body: question.body },
            { id: 'm2', author_role: 'agent', author_id: 'a1', created_at: new Date(created + replyDelay).toISOString(), body: 'We are checking.' },
          ],
        }),
      );
    });
  }
  return `${lines.join('\n')}\n`;
}
