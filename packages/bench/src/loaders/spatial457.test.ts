import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { SPATIAL457_ANSWER_INSTRUCTION, spatial457Benchmark, spatial457LevelInstruction } from './spatial457.js';

const path = fileURLToPath(new URL('../__fixtures__/spatial457-sample.tsv', import.meta.url));

describe('Spatial457 loader', () => {
  it('builds the official prompt: level instruction, image, question, answer instruction, the CoT suffix after each text part', async () => {
    const items = await spatial457Benchmark.load(path);
    expect(items).toHaveLength(7);
    expect(items[0]!.prompt).toBe(
      spatial457LevelInstruction('L1_single') + FORMAT_INSTRUCTION + '<image>Is there a large red bus?' + FORMAT_INSTRUCTION + SPATIAL457_ANSWER_INSTRUCTION + FORMAT_INSTRUCTION,
    );
    expect((await spatial457Benchmark.load(path, { cot: false }))[0]!.prompt).toBe(
      spatial457LevelInstruction('L1_single') + '<image>Is there a large red bus?' + SPATIAL457_ANSWER_INSTRUCTION,
    );
    expect(spatial457LevelInstruction('L1_single')).toBe(
      'You are an intelligent chatbot designed to answer questions based on an image. Your task is to analyze the images, identify attributes of the objects, and then determine the answer to the question.\n',
    );
    expect(SPATIAL457_ANSWER_INSTRUCTION).toContain('options: Small, Large, Airliner, Dirtbike, Road bike,');
    expect(SPATIAL457_ANSWER_INSTRUCTION).toContain('Left, Right, Front, Back, or (2)');
    const [img] = await items[1]!.images();
    expect(img!.mime).toBe('image/png');
  });

  it('scores number words, yes-digits, none and vehicle families through the loader items', async () => {
    const items = await spatial457Benchmark.load(path, { cot: false });
    const texts = [
      "{'Reasoning': 'one bus', 'Answer': '1'}", // Yes ← digit 1-9
      'two', // 2 ← number word (whole text)
      'large', // large
      '\\boxed{none}', // No ← none (boxed-first); raw reads the whole text
      "{'Answer': 'sedan'}", // suv ← same family
      'No', // Yes ✗
      "{'Answer': 0}", // 0 ← "Answer': (\d)"
    ];
    const s = spatial457Benchmark.score(items, texts);
    expect(s.headline).toBeCloseTo((6 / 7) * 100, 10);
    expect(s.variants.raw!.headline).toBeCloseTo((5 / 7) * 100, 10);
    expect(s.categories['L5_6d_spatial']).toBe(0);
  });
});
