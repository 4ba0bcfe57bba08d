import { createRgb, type DepthMap } from '@spatial-ssrl/image';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '@spatial-ssrl/spec';
import { answerCount, isRejection, taskChance, taskNeeds, type AnyTaskInput, type InputNeeds, type Task, type TaskResult, type TaskSample } from '../task.js';
import { answerBalance, determinismProblems, mirrorProblems, partialCreditProblems, recognitionProblems, rejectionProblems, rewardProblems, sampleProblems } from './checks.js';
import { syntheticClipInputs, syntheticInputs, syntheticViewPairInputs } from './synthetic-source.js';

/** Options of {@link describeTask}. */
export interface DescribeTaskOptions {
  /** Raw params handed to `task.params.parse` (default `{}`: the task's defaults). */
  readonly params?: unknown;
  /**
   * Where inputs come from: synthetic inputs of the kind the task needs (default: rendered RGB-D
   * scenes, fly-through clips with exact depth and cameras, or view pairs) or a function of the
   * sample index giving the input the task takes.
   */
  readonly source?: 'synthetic' | ((index: number) => AnyTaskInput);
  /** Samples to generate (default 300). */
  readonly samples?: number;
  /** Size of synthetic scenes, pixels (default 256×192; 128×96 for clips and view pairs, which render several frames). */
  readonly width?: number;
  readonly height?: number;
  /** Run seed (default 1). */
  readonly seed?: number;
  /** Smallest fraction of inputs that must give a sample rather than a rejection (default 0.5). */
  readonly minAcceptRate?: number;
  /** Timeout of the generation step, milliseconds (default 600 000: it only catches a hang). */
  readonly timeout?: number;
}

interface Run {
  readonly input: AnyTaskInput;
  readonly seed: number;
  readonly result: TaskResult;
}

function fingerprint(input: AnyTaskInput): string {
  let h = 0x811c9dc5;
  const mix = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  };
  const pictures = 'kind' in input ? (input.kind === 'clip' ? input.frames : input.views) : [input];
  for (const picture of pictures) {
    mix(picture.rgb.data);
    if (picture.depth) {
      mix(new Uint8Array(picture.depth.data.buffer, picture.depth.data.byteOffset, picture.depth.data.byteLength));
      mix(picture.depth.valid);
    }
  }
  return h.toString(16);
}

// Synthetic inputs of the kind `needs` asks for.
function syntheticFor(needs: InputNeeds, width: number | undefined, height: number | undefined): (index: number) => AnyTaskInput {
  if (needs.kind === 'image') return syntheticInputs(width ?? 256, height ?? 192);
  if (needs.kind === 'clip') return syntheticClipInputs(needs.sampling, { width: width ?? 128, height: height ?? 96 });
  return syntheticViewPairInputs(width ?? 128, height ?? 96);
}

// A degenerate input of the kind `needs` asks for: every picture 1×1.
function onePixelInput(needs: InputNeeds): AnyTaskInput {
  const rgb = createRgb(1, 1, [128, 128, 128]);
  const depth = depthOf(1, 1, 1, 1);
  const source = { dataset: 'conformance', id: 'one-pixel' };
  if (needs.kind === 'image') return { rgb, depth, source };
  const camera = { width: 1, height: 1, intrinsics: { fx: 1, fy: 1, cx: 0.5, cy: 0.5 }, pose: { position: [0, 0, 0] as const, rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const } };
  if (needs.kind === 'view-pair') return { kind: 'view-pair', views: [{ rgb, depth, camera }, { rgb, depth, camera }], source };
  const n = needs.sampling.frames;
  return { kind: 'clip', frames: Array.from({ length: n }, (_, k) => ({ index: k, time: k / 10, rgb, depth, camera })), frameCount: n, frameRate: 10, gap: 1, source };
}

// `params` with the field at dotted `path` set to `value`.
function withParam(params: unknown, path: string, value: number): unknown {
  const [head, ...rest] = path.split('.');
  const object = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  return { ...object, [head]: rest.length === 0 ? value : withParam(object[head], rest.join('.'), value) };
}

function depthOf(width: number, height: number, value: number, valid: number): DepthMap {
  return { width, height, data: new Float32Array(width * height).fill(value), valid: new Uint8Array(width * height).fill(valid) };
}

/**
 * Declares the conformance suite of a task as vitest `describe`/`it` blocks: params schema,
 * determinism, declared variants / image count / answer space / `<image>` placeholders, answer
 * balance (chi-square per variant), reward round trip through `scoreResponse`, a chance level
 * per variant, difficulty knobs that parse and make samples at both ends, a declared
 * `mirrorAnswer` that stays in the answer space and undoes itself, and clean rejections of
 * degenerate inputs. Call it at the top level of a `*.test.ts` file.
 */
export function describeTask<P>(task: Task<P, any>, options: DescribeTaskOptions = {}): void {
  const count = options.samples ?? 300;
  const runSeed = options.seed ?? 1;
  const minAcceptRate = options.minAcceptRate ?? 0.5;
  const declared = task.params.safeParse(options.params ?? {});
  const needs: InputNeeds | null = declared.success ? taskNeeds(task, declared.data) : null;
  const sourceFor = (n: InputNeeds): ((index: number) => AnyTaskInput) =>
    typeof options.source === 'function' ? options.source : syntheticFor(n, options.width, options.height);

  describe(`task '${task.id}' conformance`, () => {
    let params: P;
    let runs: Run[] = [];
    let samples: TaskSample[] = [];

    beforeAll(() => {
      params = task.params.parse(options.params ?? {});
      const source = sourceFor(taskNeeds(task, params));
      runs = [];
      for (let i = 0; i < count; i++) {
        const input = source(i);
        const seed = deriveSeed(runSeed, task.id, i);
        runs.push({ input, seed, result: task.generate(input, params, createRng(seed)) });
      }
      samples = runs.flatMap((r) => (isRejection(r.result) ? [] : [r.result]));
    }, options.timeout ?? 600_000);

    it('has a kebab-case id, a description and declares what it needs', () => {
      expect(task.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(task.description.length).toBeGreaterThan(0);
      expect(needs, 'needs of the default params').not.toBeNull();
      expect(['image', 'clip', 'view-pair']).toContain(needs!.kind);
      expect(typeof needs!.depth).toBe('boolean');
      if (needs!.kind === 'clip') {
        expect(needs!.sampling.frames).toBeGreaterThanOrEqual(1);
        expect(typeof needs!.cameras).toBe('boolean');
      }
    });

    it('parses default params and rejects garbage params', () => {
      expect(task.params.safeParse({}).success).toBe(true);
      for (const garbage of ['garbage', 42, null, [], { 'no-such-param': 1 }]) {
        expect(task.params.safeParse(garbage).success, `params ${JSON.stringify(garbage)}`).toBe(false);
      }
    });

    it('declares variants, each with an image count and a non-empty answer space of distinct strings', () => {
      const variants = task.variants(params);
      expect(variants.length).toBeGreaterThan(0);
      for (const v of variants) {
        expect(task.imageCount(params, v)).toBeGreaterThanOrEqual(1);
        const space = task.answerSpace(params, v);
        expect(answerCount(space)).toBeGreaterThan(0);
        if ('kind' in space) {
          expect(space.kind).toBe('permutation');
          expect(Number.isInteger(space.pieces) && space.pieces >= 2).toBe(true);
        } else {
          expect(new Set(space).size).toBe(space.length);
          for (const a of space) expect(typeof a).toBe('string');
        }
      }
    });

    it('gives the same sample bytes for the same input, params and seed', () => {
      for (const run of runs.slice(0, 8)) {
        const again = task.generate(run.input, params, createRng(run.seed));
        expect(determinismProblems(run.result, again)).toEqual([]);
      }
    });

    it('leaves its input untouched', () => {
      const input = runs[0].input;
      const before = fingerprint(input);
      task.generate(input, params, createRng(runs[0].seed));
      expect(fingerprint(input)).toBe(before);
    });

    it(`accepts at least ${Math.round(minAcceptRate * 100)} % of inputs and rejects the rest with a code and reason`, () => {
      const rejected = runs.filter((r) => isRejection(r.result));
      for (const r of rejected) expect(rejectionProblems(r.result)).toEqual([]);
      expect(samples.length / runs.length).toBeGreaterThanOrEqual(minAcceptRate);
    });

    it('matches its declarations in every sample (variant, image count, placeholders, answer space)', () => {
      expect(samples.length).toBeGreaterThan(0);
      for (const s of samples) expect(sampleProblems(task, params, s), `sample with answer ${s.answer}`).toEqual([]);
    });

    it('balances answers over the answer space (chi-square per variant, p ≈ 1e-6)', () => {
      const report = answerBalance(task, params, samples);
      const tested = report.filter((r) => r.tested);
      expect(tested.length, `no variant had ≥ 5 samples per answer: raise options.samples (${JSON.stringify(report)})`).toBeGreaterThan(0);
      for (const r of tested) expect(r.statistic, `variant '${r.variant}': χ² over ${r.answers} answers, ${r.samples} samples`).toBeLessThanOrEqual(r.critical);
    });

    it('scores the boxed answer 1 and a wrong one 0.1 with the training reward', () => {
      for (const s of samples.slice(0, 20)) expect(rewardProblems(task, params, s)).toEqual([]);
    });

    if (task.partialCredit) {
      it('gives the exact answer full partial credit, other answers less and malformed ones none', () => {
        for (const s of samples.slice(0, 20)) expect(partialCreditProblems(task, params, s), `sample with answer ${s.answer}`).toEqual([]);
      });
    }

    it('declares a chance level in (0, 1] for every variant', () => {
      for (const v of task.variants(params)) {
        const chance = taskChance(task, params, v);
        expect(chance, `variant '${v}'`).toBeGreaterThan(0);
        expect(chance, `variant '${v}'`).toBeLessThanOrEqual(1);
      }
    });

    for (const knob of task.difficulty ?? []) {
      it(`makes samples at both ends of its difficulty knob '${knob.param}' (${knob.min} to ${knob.max}, harder when ${knob.harder})`, () => {
        expect(knob.min).toBeLessThan(knob.max);
        expect(knob.description.length).toBeGreaterThan(0);
        for (const value of [knob.min, knob.max]) {
          const parsed = task.params.safeParse(withParam(params, knob.param, value));
          expect(parsed.success, `params with ${knob.param} = ${value}: ${parsed.error?.issues[0]?.message}`).toBe(true);
          // A knob may change what the task needs (e.g. frames per clip): ask for matching inputs.
          const knobNeeds = taskNeeds(task, parsed.data as P);
          const source = JSON.stringify(knobNeeds) === JSON.stringify(taskNeeds(task, params)) ? (i: number) => runs[i].input : sourceFor(knobNeeds);
          const made = runs.slice(0, 40).filter((r, i) => !isRejection(task.generate(source(i), parsed.data as P, createRng(deriveSeed(r.seed, 'knob', i)))));
          expect(made.length, `samples from 40 inputs with ${knob.param} = ${value}`).toBeGreaterThan(0);
        }
      });
    }

    if (task.mirrorRate !== undefined) {
      it('declares a mirror rate in [0, 1] only with a mirror rule', () => {
        expect(typeof task.mirrorAnswer).toBe('function');
        expect(task.mirrorRate).toBeGreaterThanOrEqual(0);
        expect(task.mirrorRate).toBeLessThanOrEqual(1);
      });
    }

    if (task.mirrorAnswer) {
      it('maps answers under mirroring into the answer space, and back when mirrored twice', () => {
        for (const s of samples) expect(mirrorProblems(task, params, s), `sample with answer ${s.answer}`).toEqual([]);
      });
    }

    if (task.recognizePrompt) {
      it('recognises its own prompts by their wording', () => {
        for (const s of samples) expect(recognitionProblems(task, s), `sample with variant ${s.variant}`).toEqual([]);
      });
    }

    it(`rejects ${needs?.kind === 'image' ? 'a 1×1 image' : `a ${needs?.kind} of 1×1 pictures`} with a code instead of throwing`, () => {
      expect(rejectionProblems(task.generate(onePixelInput(taskNeeds(task, params)), params, createRng(1)))).toEqual([]);
    });

    if (needs?.kind === 'image' && needs.depth) {
      it('rejects missing, all-invalid, all-NaN and all-zero depth with a code instead of throwing', () => {
        const { rgb } = runs[0].input as { rgb: ReturnType<typeof createRgb> };
        const source = { dataset: 'conformance', id: 'bad-depth' };
        const missing = task.generate({ rgb, source }, params, createRng(1));
        expect(rejectionProblems(missing)).toEqual([]);
        expect(isRejection(missing) && missing.code).toBe('depth-required');
        for (const depth of [
          depthOf(rgb.width, rgb.height, 1, 0),
          depthOf(rgb.width, rgb.height, Number.NaN, 1),
          depthOf(rgb.width, rgb.height, 0, 1),
          depthOf(rgb.width, rgb.height, 2.5, 1),
        ]) {
          expect(rejectionProblems(task.generate({ rgb, depth, source }, params, createRng(1)))).toEqual([]);
        }
      });
    }
  });
}
