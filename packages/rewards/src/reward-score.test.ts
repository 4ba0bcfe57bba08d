import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyUtf16, rewardText } from './__fixtures__/reward-text-arbitraries.js';
import { RewardError } from './reward-error.js';
import { scoreResponse, scoreResponseWith } from './reward-score.js';

const good = '<think>region 3 is nearest</think>The answer is \\boxed{3-1-2}';

describe('scoreResponse', () => {
  it('gives 1 for a well-formed correct answer and 0.1 for a well-formed wrong one', () => {
    expect(scoreResponse(good, '3-1-2')).toEqual({ overall: 1, format: 1, accuracy: 1 });
    expect(scoreResponse(good, '1-2-3')).toEqual({ overall: 0.1, format: 1, accuracy: 0 });
  });

  it('gives 0.9 for a correct answer without the think block', () => {
    expect(scoreResponse('\\boxed{3-1-2}', '3-1-2')).toEqual({ overall: 0.9, format: 0, accuracy: 1 });
  });

  it('normalises spaced tags before checking the format', () => {
    expect(scoreResponse('< think >x</ think >\\boxed{B}', 'B').format).toBe(1);
    expect(scoreResponse('\n<think>x< /think>\\boxed{B}', 'B').format).toBe(1);
    expect(scoreResponse('\ufeff<think>x</think>\\boxed{B}', 'B').format).toBe(0);
  });

  it('compares the ground truth exactly, after stripping only the prediction', () => {
    expect(scoreResponse('<think></think>\\boxed{ B }', 'B').accuracy).toBe(1);
    expect(scoreResponse('<think></think>\\boxed{B}', ' B').accuracy).toBe(0);
    expect(scoreResponse('<think></think>\\boxed{B}', 'b').accuracy).toBe(0);
    expect(scoreResponse('<think></think>\\boxed{3 - 1 - 2}', '3-1-2').accuracy).toBe(0);
  });

  it('treats a missing box as the prediction "None", as EasyR1 does', () => {
    expect(scoreResponse('no box', 'None')).toEqual({ overall: 0.9, format: 0, accuracy: 1 });
  });

  it('applies the tag normalisation inside the box too', () => {
    expect(scoreResponse('<think></think>\\boxed{1 / 2}', '1/2').accuracy).toBe(1);
  });

  it('uses formatWeight', () => {
    expect(scoreResponse(good, 'x', { formatWeight: 0.5 })).toEqual({ overall: 0.5, format: 1, accuracy: 0 });
    expect(scoreResponse(good, '3-1-2', { formatWeight: 0 }).overall).toBe(1);
    expect(scoreResponse('\\boxed{3-1-2}', '3-1-2', { formatWeight: 1 }).overall).toBe(0);
  });

  it('rejects a bad weight or a non-string input with a RewardError', () => {
    for (const formatWeight of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => scoreResponse(good, 'A', { formatWeight })).toThrow(RewardError);
    }
    expect(() => scoreResponse(good, 'A', { formatWeight: '0.1' as unknown as number })).toThrow(/formatWeight/);
    const error = (() => {
      try {
        scoreResponse(undefined as unknown as string, 'A');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RewardError);
    expect((error as RewardError).code).toBe('invalid-input');
    expect(() => scoreResponse(good, null as unknown as string)).toThrow(/groundTruth must be a string, got null/);
  });

  it('scores a 1 MB response and 100,000 nested braces', () => {
    const body = 'the patch edges line up. '.repeat(42_000);
    expect(scoreResponse(`<think>${body}</think>\\boxed{A}`, 'A')).toEqual({ overall: 1, format: 1, accuracy: 1 });
    const n = 100_000;
    const nested = `<think>x</think>\\boxed{${'{'.repeat(n)}${'}'.repeat(n)}}`;
    expect(scoreResponse(nested, `${'{'.repeat(n)}${'}'.repeat(n)}`)).toEqual({ overall: 1, format: 1, accuracy: 1 });
    expect(scoreResponse(`<think>x</think>\\boxed{${'{'.repeat(n)}`, 'None').format).toBe(0);
    const spaces = `a${' \u3000\t'.repeat(300_000)}b`;
    expect(scoreResponse(spaces, 'None')).toEqual({ overall: 0.9, format: 0, accuracy: 1 });
  });
});

describe('scoreResponse properties', () => {
  const anyText = fc.oneof(rewardText(), anyUtf16());

  it('never throws and stays in [0, 1] with overall = 0.9·accuracy + 0.1·format', () => {
    fc.assert(
      fc.property(anyText, anyText, (response, groundTruth) => {
        const s = scoreResponse(response, groundTruth);
        expect([0, 1]).toContain(s.format);
        expect([0, 1]).toContain(s.accuracy);
        expect(s.overall).toBe(0.9 * s.accuracy + 0.1 * s.format);
        expect(s.overall).toBeGreaterThanOrEqual(0);
        expect(s.overall).toBeLessThanOrEqual(1);
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('stays in [0, 1] for every weight in [0, 1]', () => {
    fc.assert(
      fc.property(rewardText(), fc.double({ min: 0, max: 1, noNaN: true }), (response, formatWeight) => {
        const s = scoreResponse(response, 'A', { formatWeight });
        expect(s.overall).toBeGreaterThanOrEqual(0);
        expect(s.overall).toBeLessThanOrEqual(1);
        expect(s.overall).toBe((1 - formatWeight) * s.accuracy + formatWeight * s.format);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });

  it('rewards the boxed answer it reads back', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-D0-9-]{0,9}$/), (answer) => {
        expect(scoreResponse(`<think>r</think>\\boxed{${answer}}`, answer)).toEqual({ overall: 1, format: 1, accuracy: 1 });
      }),
      { numRuns: 500, seed: 9 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(rewardText(), rewardText(4), (response, groundTruth) => {
        expect(scoreResponse(response, groundTruth)).toEqual(scoreResponse(response, groundTruth));
      }),
      { numRuns: 300, seed: 1 },
    );
  });
});

describe('scoreResponseWith', () => {
  it('with the exact grader equals scoreResponse', () => {
    fc.assert(
      fc.property(rewardText(), rewardText(4), (response, groundTruth) => {
        expect(scoreResponseWith(response, groundTruth)).toEqual(scoreResponse(response, groundTruth));
        expect(scoreResponseWith(response, groundTruth, { grader: 'exact' })).toEqual(scoreResponse(response, groundTruth));
      }),
      { numRuns: 500, seed: 2 },
    );
  });

  it('gives partial credit with the sequence and pairwise graders', () => {
    const r = '<think>x</think>\\boxed{0-2-1-3}';
    expect(scoreResponseWith(r, '0-1-2-3', { grader: 'sequence' })).toEqual({ overall: 0.9 * 0.5 + 0.1, format: 1, accuracy: 0.5 });
    const p = scoreResponseWith('<think>x</think>\\boxed{1-3-2}', '3-1-2', { grader: 'pairwise' });
    expect(p.accuracy).toBeCloseTo(2 / 3, 15);
  });

  it('reads option letters with the option-letter grader', () => {
    expect(scoreResponseWith('<think>x</think>\\boxed{(b) Left}', 'B', { grader: 'option-letter' }).accuracy).toBe(1);
    expect(scoreResponseWith('<think>x</think>\\boxed{Back}', 'B', { grader: 'option-letter' }).accuracy).toBe(0);
  });

  it('accepts a custom grader and rejects results outside [0, 1] or unknown names', () => {
    const half = () => 0.5;
    expect(scoreResponseWith('\\boxed{A}', 'A', { grader: half }).accuracy).toBe(0.5);
    expect(() => scoreResponseWith('\\boxed{A}', 'A', { grader: () => 2 })).toThrow(RewardError);
    expect(() => scoreResponseWith('\\boxed{A}', 'A', { grader: () => Number.NaN })).toThrow(/grader returned NaN/);
    expect(() => scoreResponseWith('\\boxed{A}', 'A', { grader: 'fuzzy' as never })).toThrow(/unknown grader "fuzzy"/);
    expect(() => scoreResponseWith('\\boxed{A}', 'A', { grader: 'toString' as never })).toThrow(RewardError);
  });
});
