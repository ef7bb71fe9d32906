import { loadavg } from 'node:os';
import { decideArticleCoverage, NEIGHBOUR_QUESTIONS, type CoverageQuestion } from '../analysis/faq/decide-article-coverage.js';
import { describeMachine } from './bench-machine.js';
import { generateQuestions } from './synthetic-questions.js';

// Cost of the article-grain coverage decision (decideArticleCoverage, run by every FAQ-gap report): TOPICS topics
// (default 300) of QUESTIONS_PER_TOPIC generated questions (default 300, English and Chinese), each topic's questions
// compared with at most NEIGHBOUR_QUESTIONS of its distinct ones, each question's best entry its intent's (so the
// entries' claims group every compared question of the report). CPU time is printed with the load average: the
// machine is shared. Run with `npm run bench:faq-article-cost`.
const topicCount = Number(process.env.TOPICS ?? 300);
const perTopic = Number(process.env.QUESTIONS_PER_TOPIC ?? 300);
console.log(`machine: ${describeMachine()}`);
const generated = generateQuestions(topicCount * perTopic, 11);
const topics: CoverageQuestion[][] = Array.from({ length: topicCount }, (_, t) =>
  generated
    .slice(t * perTopic, (t + 1) * perTopic)
    .map((question, i) => ({ question: question.body, score: ((i * 7919) % 100) / 100, entryId: `entry-${question.intent}` })),
);
// The first use of a Chinese word reads the dictionary (about 0.5 s): done before the clock starts, as `analyze` has.
decideArticleCoverage([topics[0]!.slice(0, 5)], { threshold: 0.45, minCoveredShare: 0.5 });
const started = performance.now();
const cpuBefore = process.cpuUsage();
const result = decideArticleCoverage(topics, { threshold: 0.45, minCoveredShare: 0.5 });
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
const compared = topicCount * Math.min(perTopic, NEIGHBOUR_QUESTIONS);
console.log(
  `${topicCount} topics x ${perTopic} questions, at most ${NEIGHBOUR_QUESTIONS} compared a topic: ${(ms / 1000).toFixed(1)} s wall, CPU ${(cpuMs / 1000).toFixed(1)} s ` +
    `(${(cpuMs / topicCount).toFixed(1)} ms a topic, ${(cpuMs / compared).toFixed(2)} ms per question compared); ${result.anchored} anchored; ` +
    `load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
);
