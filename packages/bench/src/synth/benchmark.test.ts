import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, FORMAT_INSTRUCTION, type Policy, type PolicyCompletion, type PolicyRequest } from '@spatial-ssrl/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { getBenchmark } from '../registry.js';
import { runBenchmark } from '../runner.js';
import { wilsonInterval } from '../stats.js';
import { synthGeneralBenchmark, synthSpatialBenchmark } from './benchmark.js';
import { writeSynthBenchmark } from './dataset.js';

interface Row {
  id: string;
  variant: string;
  split: string;
  answer: string;
  meta: { choices: Record<string, string>; answerText: string };
}

const SAMPLING = { temperature: 0, topP: 1, maxTokens: 64, seed: 0, n: 1 };

/** A scripted policy: `pick` chooses a letter for each request. */
function scripted(id: string, pick: (r: PolicyRequest) => string): Policy {
  return {
    specificationVersion: 'v1',
    id,
    async generate(requests): Promise<PolicyCompletion[]> {
      return requests.map((r) => ({ id: r.id, outputs: [{ text: `<think>scripted</think>\\boxed{${pick(r)}}`, finishReason: 'stop' }] }));
    },
  };
}

function mostFrequent<T extends string>(values: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

describe('synthetic benchmarks in ssrl-eval terms', () => {
  const dirs: Record<string, string> = {};
  const rows: Record<string, Row[]> = {};
  beforeAll(async () => {
    for (const bench of ['synth-spatial', 'synth-general'] as const) {
      dirs[bench] = await mkdtemp(join(tmpdir(), 'synth-eval-'));
      await writeSynthBenchmark({ bench, count: bench === 'synth-spatial' ? 480 : 300, seed: 9, width: 160, height: 120, testFraction: 0.5, out: dirs[bench]! });
      rows[bench] = (await readFile(join(dirs[bench]!, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Row);
    }
  }, 180_000);

  it('is registered and loads the held-out split with the chain-of-thought suffix', async () => {
    expect(getBenchmark('synth-spatial')).toBe(synthSpatialBenchmark);
    expect(getBenchmark('synth-general')).toBe(synthGeneralBenchmark);
    const items = await synthSpatialBenchmark.load(dirs['synth-spatial']!);
    const test = rows['synth-spatial']!.filter((r) => r.split === 'test');
    expect(items.map((i) => i.id)).toEqual(test.map((r) => r.id));
    expect(items[0]!.prompt.endsWith(` ${FORMAT_INSTRUCTION}`)).toBe(true);
    expect(items[0]!.gold).toBe(test[0]!.answer);
    expect(items[0]!.category).toBe(test[0]!.variant);
    const [image] = await items[0]!.images();
    expect(image!.mime).toBe('image/png');
    const plain = await synthSpatialBenchmark.load(dirs['synth-spatial']!, { cot: false, limit: 3 });
    expect(plain).toHaveLength(3);
    expect(plain[0]!.prompt).toMatch(/Answer with the option's letter from the given choices\.$/);
  });

  it('names the mix-up when a directory holds the other benchmark, and bad rows by number and field', async () => {
    await expect(synthGeneralBenchmark.load(dirs['synth-spatial']!)).rejects.toThrow(/no synth-general items with split "test" to evaluate \(it holds synth-spatial items\)/);
    const dir = await mkdtemp(join(tmpdir(), 'synth-bad-'));
    const good = rows['synth-spatial']!.find((r) => r.split === 'test')!;
    await writeFile(join(dir, 'samples.jsonl'), `${JSON.stringify(good)}\n${JSON.stringify({ ...good, answer: 'E' })}\n`);
    const error = await synthSpatialBenchmark.load(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as DataFormatError).row).toBe(2);
    expect((error as DataFormatError).field).toBe('answer');
    await writeFile(join(dir, 'samples.jsonl'), `${JSON.stringify({ ...good, meta: { answerText: 'x' } })}\n`);
    await expect(synthSpatialBenchmark.load(dir)).rejects.toThrow(/row 1, field "meta\.choices"/);
  });

  it('reads the boxed letter, scores per category and reports chance and intervals', async () => {
    const items = await synthSpatialBenchmark.load(dirs['synth-spatial']!);
    const judge = (text: string | null) => synthSpatialBenchmark.judge(items[0]!, text);
    const gold = items[0]!.gold;
    expect(judge(`<think>${'A B C D '.repeat(3)}</think>\\boxed{${gold}}`)).toEqual({ extracted: gold, score: 1 });
    expect(judge(null)).toEqual({ extracted: '', score: 0 });
    expect(judge('no idea').score).toBe(0);
    // Without a letter, exactly one option's text in the response decides (VLMEvalKit can_infer_text).
    const unambiguous = items.find((it) => {
      const choices = it.meta.choices as Record<string, string>;
      const mine = choices[it.gold]!.toLowerCase();
      return Object.entries(choices).every(([l, t]) => l === it.gold || !mine.includes(t.toLowerCase()));
    })!;
    expect(synthSpatialBenchmark.judge(unambiguous, `it is ${(unambiguous.meta.choices as Record<string, string>)[unambiguous.gold]}`)).toEqual({ extracted: unambiguous.gold, score: 1 });
    const texts = items.map((it, i) => (i % 2 === 0 ? `\\boxed{${it.gold}}` : null));
    const score = synthSpatialBenchmark.score(items, texts);
    expect(score.n).toBe(items.length);
    expect(score.errors).toBe(Math.floor(items.length / 2));
    expect(score.headline).toBeCloseTo((100 * Math.ceil(items.length / 2)) / items.length, 9);
    expect(Object.keys(score.categories).sort()).toEqual(['above-below', 'closer-farther', 'count-relation', 'front-behind', 'larger-smaller', 'left-right', 'nearest', 'viewpoint']);
    expect(score.variants.chance!.categories['left-right']).toBeCloseTo(50, 9);
    expect(score.variants.chance!.categories['viewpoint']).toBeCloseTo(25, 9);
    expect(score.variants.chance!.categories['nearest']).toBeCloseTo(100 / 3, 9);
    expect(score.notes![0]).toMatch(/\| left-right \| 30 \| 50\.0 \| \d+\.\d \[\d+\.\d, \d+\.\d\] \|/);
  });

  for (const bench of ['synth-spatial', 'synth-general'] as const) {
    it(`${bench}: an always-most-frequent-answer policy and a random policy score at chance`, async () => {
      const benchmark = getBenchmark(bench);
      const items = await benchmark.load(dirs[bench]!);
      const train = rows[bench]!.filter((r) => r.split === 'train');
      const byCategory = new Map<string, Row[]>();
      for (const r of train) (byCategory.get(r.variant) ?? byCategory.set(r.variant, []).get(r.variant)!).push(r);
      const frequentLetter = new Map([...byCategory].map(([c, rs]) => [c, mostFrequent(rs.map((r) => r.answer))]));
      const frequentText = new Map([...byCategory].map(([c, rs]) => [c, mostFrequent(rs.map((r) => r.meta.answerText))]));
      const choicesOf = new Map(items.map((it) => [it.id, it.meta.choices as Record<string, string>]));
      const rng = createRng(1234);
      const policies = [
        scripted('frequent-letter', (r) => frequentLetter.get(r.variant!)!),
        scripted('frequent-answer', (r) => {
          const choices = choicesOf.get(r.id)!;
          return Object.keys(choices).find((l) => choices[l] === frequentText.get(r.variant!)) ?? frequentLetter.get(r.variant!)!;
        }),
        scripted('random', (r) => rng.pick(Object.keys(choicesOf.get(r.id)!))),
      ];
      for (const policy of policies) {
        const { score } = await runBenchmark({ policy, benchmark, items, sampling: SAMPLING });
        const chance = score.variants.chance!;
        const correct = Math.round((score.headline / 100) * score.n);
        const interval = wilsonInterval(correct, score.n, 0.99);
        expect(chance.headline / 100, `${policy.id}: chance inside the 99 % interval of its accuracy`).toBeGreaterThanOrEqual(interval.lower);
        expect(chance.headline / 100, policy.id).toBeLessThanOrEqual(interval.upper);
        if (policy.id === 'random') continue;
        for (const [category, acc] of Object.entries(score.categories)) {
          const n = items.filter((it) => it.category === category).length;
          if (policy.id === 'frequent-letter') {
            // Balanced letters: the same letter every time is right on the letter's share, chance to one item.
            expect(Math.abs(acc - chance.categories[category]!), `${policy.id} on ${category}`).toBeLessThanOrEqual(100 / n + 1e-9);
          } else {
            const ci = wilsonInterval(Math.round((acc / 100) * n), n, 0.99);
            expect(chance.categories[category]! / 100, `${policy.id} on ${category}`).toBeGreaterThanOrEqual(ci.lower);
            expect(chance.categories[category]! / 100, `${policy.id} on ${category}`).toBeLessThanOrEqual(ci.upper);
          }
        }
      }
    }, 60_000);
  }
});
