import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_ALERT_SETTINGS } from '../analysis/alerts/alert-settings.js';
import { listAlerts, type StoredAlert } from '../analysis/alerts/alert-queries.js';
import { detectAlerts, type DetectedAlert } from '../analysis/alerts/detect-alerts.js';
import { generateDemoData, VOLATILITY_WARMUP_DAYS } from '../cli/demo/generate-demo-data.js';
import { openDatabase } from '../db/connection.js';
import { describeMachine } from './bench-machine.js';
import { scoreDays, syntheticSpikeHistory, type DayScore } from './synthetic-spikes.js';

// Spike detection against planted truth, with the default settings (alerts.*), which were fixed from first principles
// before this benchmark existed and were not changed after it ran. Part 1: the demo (full pipeline: ingest, analyze,
// alerts from the database). Part 2: two years of synthetic history with spikes at known times (detector only).
// Run with `npm run bench:spikes`; needs nothing from ../shared.
const CLI = resolve('dist/cli/main.js');
const DAY = 86_400_000;
const demoDays = Number(process.env.DEMO_DAYS ?? 90);
const demoSeeds = (process.env.DEMO_SEEDS ?? '1,2,3').split(',').filter(Boolean).map(Number);
const syntheticSeeds = (process.env.SYNTHETIC_SEEDS ?? '7,11,23').split(',').filter(Boolean).map(Number);

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
const line = (name: string, score: DayScore): string =>
  `  ${name}: precision ${percent(score.precision)} recall ${percent(score.recall)} (TP ${score.truePositives}, FP ${score.falsePositives}, FN ${score.falseNegatives})` +
  `${score.missed.length > 0 ? ` missed ${score.missed.join(' ')}` : ''}${score.falseDays.length > 0 ? ` false ${score.falseDays.join(' ')}` : ''}`;
const daysOf = (alerts: readonly (StoredAlert | DetectedAlert)[], keep: (alert: StoredAlert | DetectedAlert) => boolean): Set<string> =>
  new Set(alerts.filter(keep).map((alert) => alert.periodLabel.slice(0, 10)));

console.log(`machine: ${describeMachine()}`);
console.log(`settings: ${JSON.stringify(DEFAULT_ALERT_SETTINGS)}`);

for (const seed of demoSeeds) {
  const folder = mkdtempSync(join(tmpdir(), 'supportlens-spikes-'));
  try {
    const end = new Date(Date.UTC(2026, 11, 6));
    const demo = generateDemoData({ outDir: join(folder, 'demo'), days: demoDays, seed, endDate: end });
    const db = join(folder, 'demo.db');
    for (const args of [
      ['ingest', '--db', db, '--quiet', join(folder, 'demo')],
      ['analyze', '--db', db, '--quiet'],
    ]) {
      const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`supportlens ${args.join(' ')}: ${result.stderr}`);
    }
    const handle = await openDatabase({ path: db });
    const alerts = await listAlerts(handle.db);
    const tags = await handle.db
      .selectFrom('topic_assignments as t')
      .innerJoin('conversations as c', 'c.id', 't.conversation_id')
      .select(['t.topic_id', 'c.tags'])
      .execute();
    await handle.close();
    const firstDay = end.getTime() - (demoDays - 1) * DAY;
    const judged = Array.from({ length: demoDays - VOLATILITY_WARMUP_DAYS }, (_, index) =>
      new Date(firstDay + (index + VOLATILITY_WARMUP_DAYS) * DAY).toISOString().slice(0, 10),
    );
    const truth = new Set(demo.volatility.map((day) => day.day));
    console.log(
      `demo seed ${seed}: ${demoDays} days, ${demo.conversations} conversations, judged volatility days ${[...truth].join(' ')} (all planted: ${demo.spikeDays.join(' ')}); ${judged.length} days judged (after the ${VOLATILITY_WARMUP_DAYS}-day warm-up)`,
    );
    console.log(
      line(
        'channel spikes (day or hour)',
        scoreDays(
          daysOf(alerts, (a) => a.kind === 'spike' && a.scope === 'channel'),
          truth,
          judged,
        ),
      ),
    );
    console.log(
      line(
        'daily channel spikes',
        scoreDays(
          daysOf(alerts, (a) => a.kind === 'spike' && a.scope === 'channel' && a.granularity === 'day'),
          truth,
          judged,
        ),
      ),
    );
    console.log(
      line(
        'any alert (spike, drop, topic)',
        scoreDays(
          daysOf(alerts, () => true),
          truth,
          judged,
        ),
      ),
    );
    // The topics a volatility day's spike names: how many are planted growing topics (by their conversations' majority tag).
    const majority = new Map<number, Map<string, number>>();
    for (const row of tags) {
      const tag = (JSON.parse(row.tags) as string[])[0] ?? '';
      const counts = majority.get(row.topic_id) ?? new Map<string, number>();
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
      majority.set(row.topic_id, counts);
    }
    const tagOf = (topicId: number): string => [...(majority.get(topicId) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    let named = 0;
    let planted = 0;
    for (const day of demo.volatility) {
      const spike = alerts.find((a) => a.alertId === `spike:day:channel:all:${day.day}`);
      for (const topic of spike?.details.topics.slice(0, 3) ?? []) {
        named += 1;
        if (day.grewTopics.includes(tagOf(topic.topicId))) planted += 1;
      }
    }
    console.log(`  top-3 topics named by the volatility days' spikes that are planted growing topics: ${planted} of ${named}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

for (const seed of syntheticSeeds) {
  const started = performance.now();
  const history = syntheticSpikeHistory({ days: 730, spikes: 24, seed, start: Date.UTC(2025, 0, 6) });
  const alerts = detectAlerts({
    conversations: history.conversations,
    topicLabels: history.topicLabels,
    events: [],
    settings: DEFAULT_ALERT_SETTINGS,
    offsetMinutes: () => 0,
  });
  const ms = performance.now() - started;
  const of = (kinds: string[]) => new Set(history.spikes.filter((spike) => kinds.includes(spike.kind)).map((spike) => spike.day));
  console.log(
    `synthetic seed ${seed}: 730 days, ${history.conversations.length} conversations, ${history.spikes.length} planted spikes (8 day, 8 burst, 8 topic), quiet days ${history.quietDays.join(' ')}; generated and detected in ${(ms / 1000).toFixed(1)} s`,
  );
  console.log(
    line(
      'channel spikes vs day+burst spikes',
      scoreDays(
        daysOf(alerts, (a) => a.kind === 'spike' && a.scope === 'channel'),
        of(['day', 'burst']),
        history.judgedDays,
      ),
    ),
  );
  console.log(
    line(
      'topic spikes vs topic spikes',
      scoreDays(
        daysOf(alerts, (a) => a.kind === 'spike' && a.scope === 'topic'),
        of(['topic']),
        history.judgedDays,
      ),
    ),
  );
  console.log(
    line(
      'topic spikes vs day+topic spikes',
      scoreDays(
        daysOf(alerts, (a) => a.kind === 'spike' && a.scope === 'topic'),
        of(['day', 'topic']),
        history.judgedDays,
      ),
    ),
  );
  console.log(
    line(
      'any spike vs every planted spike',
      scoreDays(
        daysOf(alerts, (a) => a.kind === 'spike'),
        of(['day', 'burst', 'topic']),
        history.judgedDays,
      ),
    ),
  );
  console.log(
    line(
      'within-target drops vs day+burst spikes',
      scoreDays(
        daysOf(alerts, (a) => a.kind === 'target-drop'),
        of(['day', 'burst']),
        history.judgedDays,
      ),
    ),
  );
}
