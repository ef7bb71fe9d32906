import { describe, expect, test } from 'vitest';
import { CALIBRATED_THRESHOLD_BOUNDS, calibrateCoveredThreshold } from '../../../analysis/faq/calibrate-covered-threshold.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';

function scores(groups: { around: number; spread: number; questions: number }[]): { score: number; count: number }[] {
  const random = createSeededRandom(3);
  return groups.flatMap(({ around, spread, questions }) =>
    Array.from({ length: questions }, () => ({ score: Math.min(1, Math.max(0, around + (random.next() - 0.5) * 2 * spread)), count: 1 + random.int(3) })),
  );
}

describe('calibrateCoveredThreshold', () => {
  test('cuts between the low scores of unanswered questions and the high scores of answered ones', () => {
    const threshold = calibrateCoveredThreshold(
      scores([
        { around: 0.2, spread: 0.08, questions: 60 },
        { around: 0.62, spread: 0.1, questions: 90 },
      ]),
      'auto',
      0.4,
    );
    expect(threshold.source).toBe('calibrated');
    // Above every unanswered question's score (at most 0.28) and below every answered one's (at least 0.52).
    expect(threshold.value).toBeGreaterThanOrEqual(0.28);
    expect(threshold.value).toBeLessThanOrEqual(0.52);
  });

  test('follows the FAQ: where every score is lower, so is the cut', () => {
    const high = calibrateCoveredThreshold(
      scores([
        { around: 0.25, spread: 0.05, questions: 60 },
        { around: 0.75, spread: 0.05, questions: 60 },
      ]),
      'auto',
      0.4,
    );
    const low = calibrateCoveredThreshold(
      scores([
        { around: 0.1, spread: 0.05, questions: 60 },
        { around: 0.45, spread: 0.05, questions: 60 },
      ]),
      'auto',
      0.4,
    );
    expect(low.value).toBeLessThan(high.value);
  });

  test('stays within its bounds when the traffic is degenerate', () => {
    const allHigh = calibrateCoveredThreshold(scores([{ around: 0.95, spread: 0.04, questions: 80 }]), 'auto', 0.4);
    const allLow = calibrateCoveredThreshold(scores([{ around: 0.05, spread: 0.04, questions: 80 }]), 'auto', 0.4);
    expect(allHigh.value).toBe(CALIBRATED_THRESHOLD_BOUNDS[1]);
    expect(allLow.value).toBe(CALIBRATED_THRESHOLD_BOUNDS[0]);
  });

  test('a configured number wins; too few questions fall back to the default', () => {
    const many = scores([
      { around: 0.2, spread: 0.1, questions: 60 },
      { around: 0.7, spread: 0.1, questions: 60 },
    ]);
    expect(calibrateCoveredThreshold(many, 0.33, 0.4)).toEqual({ value: 0.33, source: 'configured' });
    expect(calibrateCoveredThreshold(many.slice(0, 10), 'auto', 0.4)).toEqual({ value: 0.4, source: 'default' });
  });
});

describe('calibrateCoveredThreshold with a two-component mixture', () => {
  test('cuts between the two groups, like Otsu', () => {
    const both = scores([
      { around: 0.2, spread: 0.08, questions: 60 },
      { around: 0.62, spread: 0.1, questions: 90 },
    ]);
    const mixture = calibrateCoveredThreshold(both, 'auto', 0.4, 'mixture');
    expect(mixture.source).toBe('calibrated');
    expect(mixture.value).toBeGreaterThanOrEqual(0.28);
    expect(mixture.value).toBeLessThanOrEqual(0.52);
  });

  test('a wide group of covered scores beside a narrow one of uncovered scores moves the cut towards the narrow one', () => {
    // Otsu assumes equal spreads and cuts about halfway; the mixture sees that the narrow group ends early.
    const uneven = scores([
      { around: 0.25, spread: 0.03, questions: 100 },
      { around: 0.6, spread: 0.3, questions: 100 },
    ]);
    const otsu = calibrateCoveredThreshold(uneven, 'auto', 0.4).value;
    const mixture = calibrateCoveredThreshold(uneven, 'auto', 0.4, 'mixture').value;
    expect(mixture).toBeLessThan(otsu);
    expect(mixture).toBeGreaterThanOrEqual(0.28);
  });

  test('a configured number and too few questions still win', () => {
    const many = scores([{ around: 0.5, spread: 0.2, questions: 80 }]);
    expect(calibrateCoveredThreshold(many, 0.33, 0.4, 'mixture')).toEqual({ value: 0.33, source: 'configured' });
    expect(calibrateCoveredThreshold(many.slice(0, 10), 'auto', 0.4, 'mixture')).toEqual({ value: 0.4, source: 'default' });
  });
});
