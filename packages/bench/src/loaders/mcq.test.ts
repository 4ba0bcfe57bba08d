import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { loadVlmevalMcq, mcqBenchmark, threeDsrBenchmark } from './mcq.js';

const fixture = (name: string) => fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url));

async function tmpTsv(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-mcq-'));
  const p = join(dir, 'x.tsv');
  await writeFile(p, text);
  return p;
}

describe('VLMEvalKit MCQ loader', () => {
  it('builds the VLMEvalKit prompt with hint, options and the CoT suffix', async () => {
    const items = await loadVlmevalMcq(fixture('mcq-sample.tsv'));
    expect(items.map((x) => x.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(items[0]!.prompt).toBe(
      '<image>Hint: Look at the table.\nQuestion: Which object is to the left of the cup?\nOptions:\nA. plate\nB. fork\nC. knife\nD. spoon\n' +
        `Please select the correct answer from the options above. \n${FORMAT_INSTRUCTION}`,
    );
    expect(items[0]!.meta.l2Category).toBe('spatial');
    expect(items[0]!.category).toBe('Spatial-Map');
  });

  it('drops pandas NA options and hints, keeps quoted text intact', async () => {
    const items = await loadVlmevalMcq(fixture('mcq-sample.tsv'), { cot: false });
    expect(items[1]!.meta.choices).toEqual({ A: 'yes', B: 'no' });
    expect(items[1]!.prompt).toBe('<image>Question: Is the path\tfrom "start" blocked?\nOptions:\nA. yes\nB. no\nPlease select the correct answer from the options above. \n');
    expect(items[2]!.meta.choices).toEqual({ A: '1', B: '2', C: '3' });
    expect(items[2]!.prompt.startsWith('<image>Question: How many turns\nare on the route?')).toBe(true);
  });

  it('resolves repeated-image index references and multi-image list literals', async () => {
    const items = await loadVlmevalMcq(fixture('mcq-sample.tsv'));
    const [first] = await items[0]!.images();
    const [again] = await items[1]!.images();
    expect(Buffer.from(again!.data).equals(Buffer.from(first!.data))).toBe(true);
    const pair = await items[3]!.images();
    expect(pair.map((p) => p.mime)).toEqual(['image/png', 'image/jpeg']);
    expect(items[3]!.prompt.startsWith('<image><image>Question:')).toBe(true);
    const [jpeg] = await items[4]!.images();
    expect(jpeg!.mime).toBe('image/jpeg');
  });

  it('scores boxed-first against raw VLMEvalKit matching', async () => {
    const items = await loadVlmevalMcq(fixture('mcq-sample.tsv'));
    const texts = [
      '<think>A plate? No, B is right, not A.</think> \\boxed{B}',
      'A',
      '<think>C</think> \\boxed{3}',
      null,
      'It is right of the sofa.',
    ];
    const s = mcqBenchmark.score(items, texts);
    // boxed-first: B ✓, A ✓, "3" → option text of C ✓, error ✗, "right of the sofa" → D ✓.
    expect(s.headline).toBe(80);
    // raw: several letters ✗, A ✓, "C … 3" → C ✓ (only C stands alone), error ✗, D ✓.
    expect(s.variants.raw!.headline).toBe(60);
    expect(s.categories['Maze-Nav']).toBe(100);
    expect(s.categories['l2:real']).toBe(0);
    expect(s.errors).toBe(1);
  });

  it('names the bad row and field of a malformed file', async () => {
    const bad = await tmpTsv('index\tquestion\tA\tB\tanswer\timage\n7\tq?\tx\ty\tC\tabc' + 'A'.repeat(80) + '\n');
    await expect(loadVlmevalMcq(bad)).rejects.toThrow(/row 1, field "answer".*not one of the options AB/);
    const noQ = await tmpTsv('index\tquestion\tA\tB\tanswer\timage\n7\t\tx\ty\tA\t' + 'A'.repeat(80) + '\n');
    await expect(loadVlmevalMcq(noQ)).rejects.toThrow(/row 1, field "question"/);
    const badRef = await tmpTsv('index\tquestion\tA\tB\tanswer\timage\n7\tq\tx\ty\tA\t99\n');
    await expect(loadVlmevalMcq(badRef)).rejects.toThrow(/refers to index "99"/);
    const noIndex = await tmpTsv('question\tA\tB\tanswer\timage\nq\tx\ty\tA\tzz\n');
    await expect(loadVlmevalMcq(noIndex)).rejects.toMatchObject({ code: 'BAD_DATA', field: 'index' });
  });
});

describe('3DSRBench', () => {
  it('needs a qid column', async () => {
    await expect(threeDsrBenchmark.load(fixture('mcq-sample.tsv'))).rejects.toThrow(/qid/);
  });

  it('scores the four settings with hits multiplied within flip and circular groups', async () => {
    const items = await threeDsrBenchmark.load(fixture('3dsrbench-sample.tsv'));
    expect(items.map((x) => x.meta['qid'])).toEqual([
      'a1b2c3d4', 'a1b2c3d4-1', 'a1b2c3d4-flip', 'a1b2c3d4-flip-1',
      'e5f6a7b8', 'e5f6a7b8-1', 'e5f6a7b8-flip', 'e5f6a7b8-flip-1',
      'c9d0e1f2',
    ]);
    // Group a…: everything right. Group e…: only the flipped circular copy wrong. c…: right.
    const right = (i: number) => `\\boxed{${items[i]!.gold}}`;
    const wrong = (i: number) => `\\boxed{${items[i]!.gold === 'A' ? 'B' : 'A'}}`;
    const texts = items.map((_, i) => (i === 7 ? wrong(i) : right(i)));
    const s = threeDsrBenchmark.score(items, texts);
    expect(s.headline).toBeCloseTo((8 / 9) * 100, 10);
    // flip_eval: rows without -flip (5); e5f6a7b8-1 × e5f6a7b8-flip-1 = 0 → 4/5.
    expect(s.variants['flip_eval']!.headline).toBeCloseTo(80, 10);
    // circ_eval: groups a…, a…-flip, e…, e…-flip, c… → e…-flip fails → 4/5.
    expect(s.variants['circ_eval']!.headline).toBeCloseTo(80, 10);
    // flip_circ_eval: groups a…, e…, c… → e… fails → 2/3.
    expect(s.variants['flip_circ_eval']!.headline).toBeCloseTo((2 / 3) * 100, 10);
    expect(s.variants['flip_circ_eval']!.categories).toEqual({ height_higher: 100, location_above: 0, orientation_on_the_left: 100 });
    expect(s.variants['raw/vanilla']!.headline).toBeCloseTo((8 / 9) * 100, 10);
  });

  it('leaves out rows whose base question is missing from a partial file, with a note', async () => {
    const items = (await threeDsrBenchmark.load(fixture('3dsrbench-sample.tsv'))).slice(1, 4);
    const s = threeDsrBenchmark.score(items, items.map((x) => `\\boxed{${x.gold}}`));
    expect(s.notes?.some((n) => n.startsWith('circ_eval'))).toBe(true);
  });
});
