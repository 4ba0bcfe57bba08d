import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadVlmevalMcq } from '../loaders/mcq.js';
import { judgeMcq, scoreMcq, type McqScoreItem } from './mcq-score.js';
import { qspatialParse, scoreQspatial } from './qspatial.js';
import { judgeSpatial457, scoreSpatial457, spatial457Extract } from './spatial457.js';
import { judgeVsi, scoreVsi } from './vsi-bench.js';

// One case per scoring difference found against the official code, each written for this file.

const yesNo = { A: 'yes', B: 'no' };
const mcqItem = (gold: string, index: string, dataset: string, choices: Record<string, string> = yesNo): McqScoreItem => ({
  gold,
  category: 'c',
  meta: { choices, index, dataset },
});

describe('VSI-Bench', () => {
  it('strips the output before scoring without CoT, as the official inference does (" D\\n" scores 1)', () => {
    const item = { gold: 'D', category: 'object_rel_distance', meta: { cot: false } };
    expect(judgeVsi(item, ' D\n').score).toBe(1);
    expect(judgeVsi(item, '\u3000d ').score).toBe(1);
    expect(judgeVsi({ gold: '3.5', category: 'object_counting', meta: { cot: false } }, ' 3.5\n').score).toBe(1);
  });

  it('reads numbers in other scripts as Python float does (\\boxed{٤} is 4), ASCII-only as the clean variant', () => {
    const items = [{ gold: '4', category: 'object_counting', meta: { cot: true } }];
    const s = scoreVsi('vsi-bench', items, ['<think>four</think>\\boxed{٤}']);
    expect(s.headline).toBe(100);
    expect(s.variants['clean']!.headline).toBe(0);
    expect(judgeVsi(items[0]!, '\\boxed{４.０}').score).toBe(1);
  });

  it('thinking-in-space overall on a subset without relative-direction items averages only the tasks present (50, not 25)', () => {
    const items = [
      { gold: '3', category: 'object_counting', meta: { cot: true } },
      { gold: 'A', category: 'object_rel_distance', meta: { cot: true } },
    ];
    const s = scoreVsi('vsi-bench', items, ['\\boxed{3}', '\\boxed{B}']);
    expect(s.variants['thinkingInSpace']!.headline).toBe(50);
    expect(s.variants['thinkingInSpace']!.categories).not.toHaveProperty('object_rel_direction');
  });

  it('keeps medium and hard direction levels as separate tasks when the easy level is absent', () => {
    const items = [
      { gold: 'A', category: 'object_rel_direction_medium', meta: { cot: true } },
      { gold: 'A', category: 'object_rel_direction_hard', meta: { cot: true } },
      { gold: 'A', category: 'route_planning', meta: { cot: true } },
    ];
    const s = scoreVsi('vsi-bench', items, ['\\boxed{A}', '\\boxed{B}', '\\boxed{A}']);
    expect(s.variants['thinkingInSpace']!.headline).toBeCloseTo((200 / 3), 10);
  });
});

describe('Q-Spatial', () => {
  it('reads \\scalar{٢} as 2 like Python \\d and float, and not in the clean variant', () => {
    expect(qspatialParse('\\scalar{٢} \\distance_unit{m}')).toEqual({ cm: 200, value: 2, unit: 'm' });
    expect(qspatialParse('\\scalar{٢} \\distance_unit{m}', { unicodeDigits: false })).toMatchObject({ value: Number.NaN });
    const s = scoreQspatial('qspatial-plus', [{ category: 't', meta: { answerValue: 2, answerUnit: 'm' } }], ['\\scalar{٢} \\distance_unit{m}']);
    expect(s.headline).toBe(100);
    expect(s.variants['clean']!.headline).toBe(0);
  });

  it('parses the response as read back from the .xlsx prediction file (a carriage return comes back as _x000D_)', () => {
    // "3\r" becomes "3_x000D_": the numbers read are 3 and 000, mean 1.5 (150 cm against 350 cm).
    expect(qspatialParse('\\scalar{3_x000D_} \\distance_unit{m}')).toMatchObject({ value: 1.5 });
    const s = scoreQspatial('qspatial-plus', [{ category: 't', meta: { answerValue: 3.5, answerUnit: 'm' } }], ['\\scalar{3\r} \\distance_unit{m}']);
    expect(s.headline).toBe(0);
    expect(s.variants['clean']!.headline).toBe(100);
  });
});

describe('VLMEvalKit post-processing (Spatial457, 3DSRBench, SpatialEval)', () => {
  it('reads an unclosed \\boxed{Yes like the official post-processing', () => {
    expect(judgeSpatial457({ gold: 'Yes', category: 'L1_single' }, '<think>one bus</think> \\boxed{Yes').score).toBe(1);
    expect(judgeMcq(mcqItem('B', '0', 'SpatialEval', { A: 'left', B: 'right' }), '<think>…</think>\\boxed{B').score).toBe(1);
  });

  it('keeps the spaces of \\boxed{ Yes } (Spatial457 scores 0)', () => {
    const s = scoreSpatial457('spatial457', [{ gold: 'Yes', category: 'L1_single' }], ['\\boxed{ Yes }']);
    expect(s.headline).toBe(0);
    expect(judgeSpatial457({ gold: 'Yes', category: 'L1_single' }, '\\boxed{ Yes }').extracted).toBe(' Yes ');
  });

  it('turns the string None into a missing value through the prediction table (pandas), so it scores 0; "no" in "none" only in the clean variant', () => {
    const items = [
      { gold: 'No', category: 'L1_single' },
      { gold: 'No', category: 'L1_single' },
    ];
    const s = scoreSpatial457('spatial457', items, ['None', '<think>no bus</think>\\boxed{None}']);
    expect(s.headline).toBe(0);
    expect(s.variants['clean']!.headline).toBe(100);
    const mcq = scoreMcq('spatialeval', [mcqItem('B', '0', 'SpatialEval')], ['\\boxed{None}']);
    expect(mcq.headline).toBe(0);
    expect(mcq.variants['clean']!.headline).toBe(100);
  });

  it('lets "." match a carriage return inside Answer\': …, as Python does, after the table round trip', () => {
    expect(spatial457Extract("{'Answer': 'a\rb'}")).toBe('a\rb');
    expect(spatial457Extract("{'Answer': 'a\rb'}", { clean: true })).toBe("{'Answer': 'a\rb'}");
    const items = [{ gold: 'Yes', category: 'L1_single' }];
    const s = scoreSpatial457('spatial457', items, ["{'Answer': 'No\r'} then {'Answer': 'Yes'}"]);
    expect(s.headline).toBe(0);
    expect(s.variants['clean']!.headline).toBe(100);
  });
});

describe('VLMEvalKit multiple choice', () => {
  const fixture = fileURLToPath(new URL('../__fixtures__/mcq-numeric-options.tsv', import.meta.url));

  it('turns a numeric option column with a blank cell into floats (4.0 in the prompt and the match)', async () => {
    const items = await loadVlmevalMcq(fixture);
    expect(items[0]!.prompt).toContain('Options:\nA. 2.0\nB. 3\nC. 4.0\nD. 5.0\n');
    expect(items[1]!.prompt).toContain('Options:\nA. 1.0\nB. 7\nPlease select');
    expect(items[2]!.prompt).toContain('A. 1.5\nB. 2\nC. 0.5\n');
    const item = items[0]! as unknown as McqScoreItem;
    expect(item.meta.choicesAsWritten).toEqual({ A: '2', B: '3', C: '4', D: '5' });
    expect(judgeMcq(item, 'There are 4.0 chairs').score).toBe(1);
    const s = scoreMcq('mcq', [item], ['There are 4 chairs']);
    expect(s.headline).toBe(0);
    expect(s.variants['clean']!.headline).toBe(100);
  });

  it('scores rotated copies row by row unless the dataset is named like MMBench/CCBench/circular', () => {
    const rows = (dataset: string) => [mcqItem('A', '0', dataset), mcqItem('B', '1000000', dataset, { A: 'no', B: 'yes' })];
    const texts = ['\\boxed{A}', '\\boxed{A}'];
    const plain = scoreMcq('mcq', rows('SpatialEval'), texts);
    expect(plain.headline).toBe(50);
    expect(plain.variants['circular']!.headline).toBe(0);
    const circ = scoreMcq('mcq', rows('MMBench_DEV_EN_V11'), texts);
    expect(circ.headline).toBe(0);
    expect(circ.variants['vanilla']!.headline).toBe(50);
  });
});
