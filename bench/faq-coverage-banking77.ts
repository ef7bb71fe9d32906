import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { calibrateCoveredThreshold } from '../analysis/faq/calibrate-covered-threshold.js';
import { decideArticleCoverage } from '../analysis/faq/decide-article-coverage.js';
import { DEFAULT_GAP_VERDICT_OPTIONS } from '../analysis/faq/gap-verdicts.js';
import { buildFaqIndex, type FaqEntryText } from '../analysis/faq/faq-index.js';
import { rankFaqEntries } from '../analysis/faq/rank-faq-entries.js';
import { analyzeTopics } from '../analysis/topics/analyze-topics.js';
import { settleTopics } from '../analysis/topics/merge-across-languages.js';
import { DEFAULT_TOPICS_CONFIG } from '../analysis/topics/topics-config.js';
import { describeMachine, findDatasets } from './bench-machine.js';
import { hideThirdOfEntries, type Prf, prf } from './detection-metrics.js';

// A check of the "not covered" decision on data it was not designed on: banking77's 3,080 test questions, an FAQ entry
// per intent made of its name and its first two training questions, a third of the entries hidden (seeds 1-5, as on
// StackFAQ), and the questions grouped by the topics step as `analyze` groups them. P / R / F1 of "not covered" per
// question at the run's calibrated threshold, with the rules within topics alone, and as the product decides (the
// entries' claims on paraphrase groups). Nothing here was used to choose a setting. Run by `npm run bench:faq`.
const datasets = findDatasets();
if (!datasets) {
  console.log('banking77 coverage check needs ../shared/datasets/banking77 beside the project; not found, nothing measured.');
  process.exit(0);
}
const readCsv = (path: string) => Papa.parse<Record<string, string>>(readFileSync(path, 'utf8'), { header: true, skipEmptyLines: true }).data;
const train = readCsv(join(datasets, 'banking77/train.csv'));
const test = readCsv(join(datasets, 'banking77/test.csv'));
const intents = [...new Set(test.map((row) => row.category ?? ''))].sort();
const entries: FaqEntryText[] = intents.map((intent) => ({
  title: intent.replace(/_/g, ' '),
  question: train
    .filter((row) => row.category === intent)
    .slice(0, 2)
    .map((row) => row.text ?? '')
    .join(' '),
  body: '',
}));
const questions = test.map((row) => ({ text: row.text ?? '', gold: intents.indexOf(row.category ?? '') }));
console.log(`machine: ${describeMachine()}`);
const topics = settleTopics(
  await analyzeTopics(
    { keys: questions.map((_, i) => i), channels: questions.map(() => 'chat'), subjects: questions.map(() => null), bodies: questions.map((q) => q.text) },
    { ...DEFAULT_TOPICS_CONFIG, workers: 0 },
  ),
);
const members: number[][] = topics.topics.map(() => []);
topics.assignment.forEach((topic, i) => {
  if (topic >= 0) members[topic]!.push(i);
});
console.log(`\nbanking77 "not covered" check: ${questions.length} questions, ${entries.length} entries (a third hidden), ${topics.topics.length} topics`);

const columns = ['per question, calibrated', 'rules within topics (no claims)', 'as the product decides (claims)'] as const;
const results: Prf[][] = [];
for (const seed of [1, 2, 3, 4, 5]) {
  const { hidden, visible } = hideThirdOfEntries(entries.length, seed);
  const index = buildFaqIndex(visible.map((i) => entries[i]!));
  const best = questions.map((question) => {
    const [top] = rankFaqEntries(index, question.text, { limit: 1 });
    return { score: top?.score ?? 0, entry: top === undefined ? null : `entry-${visible[top.entry]}` };
  });
  const threshold = calibrateCoveredThreshold(
    best.map((b) => ({ score: b.score, count: 1 })),
    'auto',
    DEFAULT_GAP_VERDICT_OPTIONS.sameArticleScore,
  ).value;
  const truth = questions.map((question) => hidden.has(question.gold));
  const notCovered = (entryClaims: boolean): boolean[] => {
    const decided = decideArticleCoverage(
      members.map((list) => list.map((i) => ({ question: questions[i]!.text, score: best[i]!.score, entryId: best[i]!.entry }))),
      { threshold, minCoveredShare: DEFAULT_GAP_VERDICT_OPTIONS.minCoveredShare, entryClaims },
    );
    const flags = best.map((b) => b.score < threshold);
    members.forEach((list, t) => {
      list.forEach((i, k) => {
        flags[i] = !decided.covered[t]![k]!;
      });
    });
    return flags;
  };
  results.push([
    prf(
      best.map((b) => b.score < threshold),
      truth,
    ),
    prf(notCovered(false), truth),
    prf(notCovered(true), truth),
  ]);
}
const fmt = (value: Prf): string => `${value.precision.toFixed(3)} / ${value.recall.toFixed(3)} / ${value.f1.toFixed(3)}`;
const mean = (c: number): Prf => {
  const pick = (key: keyof Prf): number => results.reduce((sum, row) => sum + row[c]![key], 0) / results.length;
  return { precision: pick('precision'), recall: pick('recall'), f1: pick('f1') };
};
const rows = [...results.map((row, s) => [`seed ${s + 1}`, ...row.map(fmt)]), ['mean', ...columns.map((_, c) => fmt(mean(c)))]];
const head = ['split', ...columns];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
for (const row of [head, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
