import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { whatsUpBenchmark, whatsUpShuffle } from './whatsup.js';

const root = fileURLToPath(new URL('../__fixtures__/whatsup', import.meta.url));

describe("What'sUp", () => {
  it('loads subset A with the Spatial-SSRL prompt and preposition categories', async () => {
    const items = await whatsUpBenchmark.load(root);
    expect(items.map((x) => x.category)).toEqual(['on', 'under', 'left_of', 'right_of']);
    expect(items.every((x) => x.gold === 'A')).toBe(true);
    expect(items[0]!.prompt).toBe(
      `<image>Based on the image, choose the correct option from the list below.${FORMAT_INSTRUCTION}` +
        'A: A beer bottle on a armchair\nB: A beer bottle under a armchair\nC: A beer bottle to the left of a armchair\nD: A beer bottle to the right of a armchair',
    );
    const [img] = await items[2]!.images();
    expect(img!.mime).toBe('image/jpeg');
  });

  it('loads subset B (front/behind) and the no-CoT prompt', async () => {
    const items = await whatsUpBenchmark.load(root, { subset: 'B', cot: false });
    expect(items.map((x) => x.category)).toEqual(['in-front_of', 'behind']);
    expect(items[0]!.prompt.startsWith('<image>Based on the image, choose the correct option from the list below. Only respond the corresponding letter (e.g., C).\n\nA: A cube in front of a sphere')).toBe(true);
  });

  it('scores with the official containment rule (CoT: last boxed{}; no CoT: whole response)', async () => {
    const cot = await whatsUpBenchmark.load(root);
    // "Answer: B" contains an A: the official rule counts it as a hit.
    const s = whatsUpBenchmark.score(cot, ['\\boxed{A}', 'boxed{Answer: B}', '<think>A</think> \\boxed{C}', null]);
    expect(s.headline).toBe(50);
    const plain = await whatsUpBenchmark.load(root, { cot: false });
    expect(whatsUpBenchmark.score(plain, ['B', 'A.', 'C', 'a']).headline).toBe(25);
  });

  it('shuffles options deterministically and tracks the correct letter', async () => {
    const a = await whatsUpBenchmark.load(root, { shuffleSeed: 7 });
    const b = await whatsUpBenchmark.load(root, { shuffleSeed: 7 });
    const plain = await whatsUpBenchmark.load(root);
    expect(a.map((x) => x.prompt)).toEqual(b.map((x) => x.prompt));
    for (const it of a) {
      // Option A follows the instruction on the same line (the official prompt has no newline there).
      const shown = it.meta.options as string[];
      expect(it.prompt).toContain(`${it.gold}: ${shown[it.gold.charCodeAt(0) - 65]!}`);
      // The true caption (listed first in the annotation) sits under the gold letter.
      expect(shown[it.gold.charCodeAt(0) - 65]).toBe((plain[Number(it.id)]!.meta.options as string[])[0]);
      expect(shown).toEqual(whatsUpShuffle(7, Number(it.id)).map((k) => (plain[Number(it.id)]!.meta.options as string[])[k]));
    }
    expect(new Set(a.map((x) => x.gold)).size).toBeGreaterThan(1);
    const s = whatsUpBenchmark.score(a, a.map((x) => `\\boxed{${x.gold}}`));
    expect(s.headline).toBe(100);
  });
});
