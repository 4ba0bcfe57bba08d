import { describe, expect, it } from 'vitest';
import { exampleReplies, main, rewardTable } from './index.js';

describe('rewards example', () => {
  it('prints a table with one scored row per reply and the OpenRLHF rewards', () => {
    const printed: string[] = [];
    const lines = main((line) => printed.push(line));
    expect(printed).toEqual(lines);
    expect(lines[0]).toMatch(/^task\s+prediction\s+truth\s+format\s+accuracy\s+overall\s+grader\s+graded$/);
    expect(lines).toHaveLength(2 + exampleReplies.length + 2);
    const rows = lines.slice(2, 2 + exampleReplies.length).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => r[5])).toEqual(['1.00', '0.10', '1.00', '0.90', '0.10', '0.10', '0.00']);
    expect(rows.map((r) => r[7])).toEqual(['1.00', '0.55', '1.00', '0.90', '1.00', '0.70', '0.00']);
    expect(rows[6][1]).toBe('"None"');
    expect(lines.at(-1)).toBe('OpenRLHF rewards: [1,0.1,1,0.9,0.1,0.1,0]');
  });

  it('scores custom replies', () => {
    const lines = rewardTable([{ task: 'flip', response: '<think>a</think>\\boxed{1-1}', answer: '1-1' }]);
    expect(lines[2].split(/\s{2,}/)).toEqual(['flip', '"1-1"', '1-1', '1', '1', '1.00', 'exact', '1.00']);
  });
});
