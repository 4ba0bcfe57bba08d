import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lastBoxed, scriptedVsi, vsiSpatialSsrlOfficial, vsiThinkingInSpaceOfficial, vsiThinkingInSpaceOverall, type VsiRaw } from '../__fixtures__/official-rules.js';
import { sharedBenchmarkFile } from '../__fixtures__/shared-dir.js';
import { scoreVsi } from '../scorers/vsi-bench.js';

const file = sharedBenchmarkFile('vsi_bench.json');

describe.runIf(file.exists)('VSI-Bench, full annotation file (shared)', () => {
  const raw = file.exists ? (JSON.parse(readFileSync(file.path, 'utf8')) as VsiRaw[]) : [];

  it('has the published composition: 2,640 numeric and 2,490 multiple-choice items', () => {
    expect(raw).toHaveLength(5130);
    expect(raw.filter((x) => x.A === null)).toHaveLength(2640);
  });

  it('scores scripted responses exactly as the independently written rules, both aggregations', () => {
    const items = raw.map((x) => ({ gold: x.answer, category: x.question_type, meta: { cot: true } }));
    const texts = raw.map((x, i) => scriptedVsi(i, x));
    const s = scoreVsi('vsi-bench', items, texts);
    const ssrl = raw.map((x, i) => vsiSpatialSsrlOfficial(texts[i]!, x.answer));
    expect(s.headline).toBeCloseTo((ssrl.reduce((a, b) => a + b, 0) / raw.length) * 100, 9);
    const answers = texts.map((t) => (t.includes('\\boxed{') ? lastBoxed(t).trim() : t));
    const tis = raw.map((x, i) => vsiThinkingInSpaceOfficial(answers[i]!, x.answer, x.A !== null));
    const want = vsiThinkingInSpaceOverall(
      raw.map((x) => x.question_type),
      tis,
    );
    expect(s.variants['thinkingInSpace']!.headline).toBeCloseTo(want.overall * 100, 9);
  });
});
