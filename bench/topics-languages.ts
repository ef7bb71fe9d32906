import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { analyzeTopics, type TopicAnalysis } from '../analysis/topics/analyze-topics.js';
import { settleTopics } from '../analysis/topics/merge-across-languages.js';
import { DEFAULT_TOPICS_CONFIG, type TopicsConfig } from '../analysis/topics/topics-config.js';
import { describeMachine, findDatasets } from './bench-machine.js';
import { scoreClustering } from './clustering-metrics.js';

// One topic per question across languages, measured: the English and Chinese utterances of the support-zh intents
// both languages share, grouped together. Run with `npm run bench:topics` (after the banking77 part) or
// `node dist/bench/topics-languages.js`.
const datasets = findDatasets();
if (!datasets) {
  console.log('bench:topics (languages) needs ../shared/datasets/support-zh; not found, nothing measured.');
  process.exit(0);
}

function readCsv(path: string): { text: string; intent: string }[] {
  return Papa.parse<Record<string, string>>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data.map((row) => ({
    text: row.text ?? '',
    intent: row.intent ?? '',
  }));
}

const zh = readCsv(join(datasets, 'support-zh/support_zh-CN.csv'));
const en = readCsv(join(datasets, 'support-zh/support_en.csv'));
const shared = new Set(zh.map((row) => row.intent).filter((intent) => en.some((row) => row.intent === intent)));
const rows = [...en, ...zh].filter((row) => shared.has(row.intent));
const languages = rows.map((_, i) => (i < en.filter((row) => shared.has(row.intent)).length ? 'en' : 'zh'));
const texts = rows.map((row) => row.text);
const labels = rows.map((row) => row.intent);

console.log(`machine: ${describeMachine()}`);
console.log(
  `data: support-zh, the ${shared.size} intents both languages share: ${languages.filter((l) => l === 'en').length} English + ${languages.filter((l) => l === 'zh').length} Chinese utterances, together`,
);

/** Share of intents whose English utterances and Chinese utterances have the same most common topic. */
function sameTopicShare(assignment: Int32Array): number {
  let same = 0;
  for (const intent of shared) {
    const top = (language: string): number => {
      const counts = new Map<number, number>();
      rows.forEach((row, i) => {
        if (row.intent === intent && languages[i] === language) counts.set(assignment[i]!, (counts.get(assignment[i]!) ?? 0) + 1);
      });
      return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? -2;
    };
    if (top('en') === top('zh')) same++;
  }
  return same / shared.size;
}

const table: string[][] = [];
for (const mode of ['fixed', 'auto'] as const) {
  const config: TopicsConfig = {
    ...DEFAULT_TOPICS_CONFIG,
    sampleSize: Math.max(DEFAULT_TOPICS_CONFIG.sampleSize, texts.length),
    topicCount: mode === 'fixed' ? shared.size : undefined,
    workers: 0,
  };
  const clustered = await analyzeTopics(
    { keys: texts.map((_, i) => i), channels: texts.map(() => 'chat'), subjects: texts.map(() => null), bodies: texts },
    config,
  );
  const merged = settleTopics(clustered);
  for (const [method, analysis] of [
    ['clustering alone', clustered],
    ['+ merged across languages (product)', merged],
  ] as [string, TopicAnalysis][]) {
    const scores = scoreClustering(analysis.assignment, labels);
    table.push([
      `${method}, k ${mode === 'fixed' ? `set to ${shared.size}` : 'chosen'}`,
      String(analysis.topics.length),
      scores.nmi.toFixed(3),
      scores.ari.toFixed(3),
      scores.accuracy.toFixed(3),
      sameTopicShare(analysis.assignment).toFixed(3),
    ]);
  }
}
const head = ['method', 'topics', 'NMI', 'ARI', 'accuracy', 'intents whose en and zh share a topic'];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
for (const row of [head, ...table]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
