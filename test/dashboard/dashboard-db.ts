import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../ingest/run-ingest.js';
import { runAnalysis } from '../../cli/commands/analyze-command.js';
import { parseConfig, type SupportlensConfig } from '../../cli/config.js';
import { generateDemoData } from '../../cli/demo/generate-demo-data.js';
import { type TestDatabase, testDatabaseAt } from '../support/test-database.js';

/** The demo's last day: the seeded database covers the 28 days up to it. */
export const SEED_END_DAY = '2026-03-31';
export const SEED_DAYS = 28;
export const config: SupportlensConfig = parseConfig({}, 'defaults');

/** Customer text that would run if a page used innerHTML, or follow a link if a page trusted hrefs. */
export const HOSTILE_BODIES = [
  '<script>window.__xss = "script"</script> how do I withdraw USDT to my wallet?',
  '<img src=x onerror="window.__xss = \'img\'"> withdrawal of USDT to wallet is stuck',
  '<a href="javascript:window.__xss=\'link\'">click</a> USDT withdrawal wallet pending',
  '&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; USDT withdrawal wallet address wrong',
];

/** One conversation per line, a customer question and an agent answer, on the seeded days. */
function hostileConversations(): string {
  const lines: string[] = [];
  for (let index = 0; index < 40; index += 1) {
    const day = 10 + (index % 18);
    const at = `2026-03-${String(day).padStart(2, '0')}T${String(9 + (index % 8)).padStart(2, '0')}:00:00Z`;
    const answer = new Date(Date.parse(at) + (3 + index) * 60_000).toISOString();
    lines.push(
      JSON.stringify({
        id: `hostile-${index}`,
        channel: 'chat',
        created_at: at,
        subject: HOSTILE_BODIES[index % HOSTILE_BODIES.length],
        messages: [
          { id: `h${index}-1`, author_role: 'customer', created_at: at, body: HOSTILE_BODIES[index % HOSTILE_BODIES.length] },
          { id: `h${index}-2`, author_role: 'agent', author_id: 'mallory', created_at: answer, body: '<b>Answer</b> <script>window.__xss="agent"</script>' },
        ],
      }),
    );
  }
  // A broken line: rejected, its raw text (with markup) shown on the runs page.
  lines.push('{"id": "<script>window.__xss=\'reject\'</script>", "channel": "chat", broken');
  return `${lines.join('\n')}\n`;
}

/**
 * A database (on disk, or on the PostgreSQL pass a PostgreSQL database) as `supportlens demo` leaves it (demo conversations and FAQ, ingested and analyzed), plus
 * hostile customer messages and a rejected hostile line.
 */
export async function seedDashboardDatabase(folder: string): Promise<TestDatabase & { location: string }> {
  generateDemoData({ outDir: join(folder, 'demo'), days: SEED_DAYS, seed: 1, endDate: new Date(`${SEED_END_DAY}T00:00:00Z`) });
  const hostile = join(folder, 'hostile.jsonl');
  writeFileSync(hostile, hostileConversations());
  const handle = await testDatabaseAt(join(folder, 'supportlens.db'));
  await runIngest(handle, { paths: [join(folder, 'demo', 'inbox'), join(folder, 'demo', 'faq'), hostile], timezone: 'UTC' });
  const analysis = await runAnalysis(handle, config);
  if (analysis.status !== 'succeeded') throw new Error(`seed analysis failed: ${analysis.error ?? ''}`);
  return handle;
}
