import { describe, expect, it } from 'vitest';
import { main, TOY_GROUP } from './index.js';

describe('grpo example', () => {
  const lines: string[] = [];
  const report = main((line) => lines.push(line));

  it('prints the table and the losses', () => {
    expect(lines.join('\n')).toBe(report.text);
    expect(report.text).toMatch(/GRPO A/);
    expect(report.text.split('\n')).toHaveLength(1 + TOY_GROUP.length + 5);
  });

  it('computes group-relative advantages that favour correct answers', () => {
    const mean = TOY_GROUP.reduce((s, r) => s + r.reward, 0) / TOY_GROUP.length;
    const std = Math.sqrt(TOY_GROUP.reduce((s, r) => s + (r.reward - mean) ** 2, 0) / (TOY_GROUP.length - 1));
    TOY_GROUP.forEach((r, i) => {
      expect(report.grpo[i]).toBeCloseTo((r.reward - mean) / (std + 1e-6), 10);
      expect(report.drGrpo[i]).toBeCloseTo(r.reward - mean, 12);
    });
    expect(report.grpo.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10);
    expect(report.rloo[0]).toBeCloseTo(1 - (0.1 + 1 + 0 + 0.1) / 4, 12);
  });

  it('at ratio 1 the loss is the negative token-weighted mean advantage', () => {
    const tokens = TOY_GROUP.reduce((s, r) => s + r.length, 0);
    const weighted = TOY_GROUP.reduce((s, r, i) => s + report.grpo[i] * r.length, 0);
    expect(report.lossAtRollout).toBeCloseTo(-weighted / tokens, 7);
    expect(report.lossAfterUpdate).toBeLessThan(report.lossAtRollout);
    expect(report.clipfracAfterUpdate).toBeCloseTo(16 / 25, 7);
    expect(report.klToReference).toBeGreaterThan(0);
  });
});
