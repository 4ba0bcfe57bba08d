import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { QSPATIAL_SYSTEM_PROMPT, qspatialBenchmark } from './qspatial.js';

const fixture = (name: string) => fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url));

describe('Q-Spatial loader', () => {
  it('reads the JSON layout with image paths', async () => {
    const items = await qspatialBenchmark.load(fixture('qspatial-sample.json'));
    expect(items.map((x) => [x.meta.answerValue, x.meta.answerUnit, x.category])).toEqual([
      [1.5, 'm', 'horizontal_distance'],
      [210, 'cm', 'vertical_distance'],
      [3, 'ft', 'object_width'],
      [20, 'inches', 'horizontal_distance'],
    ]);
    expect(items[0]!.prompt).toBe(
      `<image>${QSPATIAL_SYSTEM_PROMPT}\nQuestion: What is the distance between the chair and the table?\n` +
        `Let's thinkg step by step and start by finding good reference objects or object parts in the image.${FORMAT_INSTRUCTION}`,
    );
    const [img] = await items[0]!.images();
    expect(img!.mime).toBe('image/png');
  });

  it('reads the Hugging Face parquet layout (image bytes in a struct) to the same items', async () => {
    const json = await qspatialBenchmark.load(fixture('qspatial-sample.json'), { cot: false });
    const pq = await qspatialBenchmark.load(fixture('qspatial-sample.parquet'), { cot: false });
    expect(pq.map((x) => [x.id, x.prompt, x.gold, x.category, x.meta])).toEqual(json.map((x) => [x.id, x.prompt, x.gold, x.category, x.meta]));
    for (let i = 0; i < pq.length; i++) {
      const [a] = await pq[i]!.images();
      const [b] = await json[i]!.images();
      expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(true);
    }
  });

  it('reads a VLMEvalKit TSV whose answer is a (value, unit) tuple', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-qsp-'));
    const p = join(dir, 'q.tsv');
    const json = await qspatialBenchmark.load(fixture('qspatial-sample.json'));
    const [img] = await json[0]!.images();
    const b64 = Buffer.from(img!.data).toString('base64');
    await writeFile(p, `index\timage\tquestion\tanswer\tquestion_type\n0\t${b64}\tHow far?\t"(2.5, 'ft')"\thorizontal_distance\n`);
    const items = await qspatialBenchmark.load(p);
    expect(items[0]!.meta).toEqual({ answerValue: 2.5, answerUnit: 'ft' });
    const s = qspatialBenchmark.score(items, ['\\scalar{80} \\distance_unit{cm}']);
    expect(s.headline).toBe(100);
  });

  it('names the bad row and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-qsp-'));
    const p = join(dir, 'bad.json');
    await writeFile(p, JSON.stringify([{ question: 'q', answer_value: 1, answer_unit: 'm', question_type: 't', image_path: 'a.png' }, { question: 'q', answer_value: 'far', answer_unit: 'm', question_type: 't' }]));
    await expect(qspatialBenchmark.load(p)).rejects.toThrow(/row 2, field "answer_value"/);
  });
});
