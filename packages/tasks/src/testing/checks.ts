import { partialCredit, partialCreditRuleProblem, scoreResponse } from '@spatial-ssrl/rewards';
import { countImagePlaceholders, plainImagePlaceholders, promptWords, withFormatInstruction } from '@spatial-ssrl/spec';
import type { Task, TaskResult, TaskSample } from '../task.js';
import { answerCount, isAnswer, isRejection, otherAnswer } from '../task.js';
import { permutations } from '../tasks/grid.js';

/** Problems with one accepted sample against its task's declarations; empty when it conforms. */
export function sampleProblems<P>(task: Task<P, any>, params: P, sample: TaskSample): string[] {
  const problems: string[] = [];
  const variants = task.variants(params);
  if (!variants.includes(sample.variant)) {
    problems.push(`variant '${sample.variant}' is not one of ${JSON.stringify(variants)}`);
    return problems;
  }
  const expected = task.imageCount(params, sample.variant);
  if (sample.images.length !== expected) problems.push(`${sample.images.length} images, but imageCount says ${expected}`);
  let placeholders = -1;
  try {
    placeholders = countImagePlaceholders(sample.prompt);
  } catch (error) {
    problems.push(`prompt placeholders: ${(error as Error).message}`);
  }
  if (placeholders >= 0 && placeholders !== sample.images.length) {
    problems.push(`prompt has ${placeholders} image placeholders for ${sample.images.length} images`);
  }
  const space = task.answerSpace(params, sample.variant);
  if (typeof sample.answer !== 'string' || !isAnswer(space, sample.answer)) {
    problems.push(`answer ${JSON.stringify(sample.answer)} is not in the answer space of '${sample.variant}'`);
  }
  const names = new Set<string>();
  sample.images.forEach((img, k) => {
    const { width, height, data } = img.image;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || data.length !== width * height * 3) {
      problems.push(`image ${k} ('${img.name}') is not a well-formed RGB raster`);
    }
    if (names.has(img.name)) problems.push(`image name '${img.name}' is used twice`);
    names.add(img.name);
  });
  try {
    JSON.stringify(sample.meta);
  } catch (error) {
    problems.push(`meta is not JSON-serialisable: ${(error as Error).message}`);
  }
  return problems;
}

/** Differences between two results that must be identical (same input, params and seed). */
export function determinismProblems(a: TaskResult, b: TaskResult): string[] {
  if (isRejection(a) || isRejection(b)) {
    if (isRejection(a) && isRejection(b) && a.code === b.code && a.reason === b.reason) return [];
    return ['one run was rejected and the other was not, or with a different code or reason'];
  }
  const problems: string[] = [];
  if (a.variant !== b.variant) problems.push('variants differ');
  if (a.prompt !== b.prompt) problems.push('prompts differ');
  if (a.answer !== b.answer) problems.push('answers differ');
  if (JSON.stringify(a.meta) !== JSON.stringify(b.meta)) problems.push('meta differs');
  if (a.images.length !== b.images.length) problems.push('image counts differ');
  else {
    a.images.forEach((img, k) => {
      const other = b.images[k];
      const same =
        img.name === other.name &&
        img.format === other.format &&
        img.image.width === other.image.width &&
        img.image.height === other.image.height &&
        Buffer.compare(Buffer.from(img.image.data.buffer, img.image.data.byteOffset, img.image.data.byteLength), Buffer.from(other.image.data.buffer, other.image.data.byteOffset, other.image.data.byteLength)) === 0;
      if (!same) problems.push(`image ${k} differs`);
    });
  }
  return problems;
}

/** Problems with a result that should be a clean rejection. */
export function rejectionProblems(result: TaskResult): string[] {
  if (!isRejection(result)) return ['expected a rejection, got a sample'];
  const problems: string[] = [];
  if (typeof result.code !== 'string' || !/^[a-z][a-z0-9-]*$/.test(result.code)) problems.push(`rejection code ${JSON.stringify(result.code)} is not kebab-case`);
  if (typeof result.reason !== 'string' || result.reason.length === 0) problems.push('rejection has no reason');
  return problems;
}

/**
 * Upper critical value of the chi-square distribution with `df` degrees of freedom at the
 * standard-normal quantile `z` (Wilson–Hilferty approximation); z = 4.753 is p ≈ 1e-6.
 */
export function chiSquareCritical(df: number, z = 4.753): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** The chi-square uniformity test of one variant's answers. */
export interface BalanceResult {
  readonly variant: string;
  readonly samples: number;
  readonly answers: number;
  /** Whether there were enough samples (≥ 5 expected per answer) to test. */
  readonly tested: boolean;
  readonly statistic: number;
  readonly critical: number;
  readonly ok: boolean;
}

function chiSquare(variant: string, values: readonly string[], space: readonly string[]): BalanceResult {
  const k = space.length;
  const expected = values.length / k;
  const tested = k > 1 && expected >= 5;
  const counts = new Map<string, number>(space.map((a) => [a, 0]));
  for (const a of values) counts.set(a, (counts.get(a) ?? 0) + 1);
  let statistic = 0;
  for (const c of counts.values()) statistic += (c - expected) ** 2 / expected;
  const critical = k > 1 ? chiSquareCritical(k - 1) : Infinity;
  return { variant, samples: values.length, answers: k, tested, statistic, critical, ok: !tested || statistic <= critical };
}

/**
 * Tests per variant that answers are uniform over the answer space (Pearson chi-square against
 * the p ≈ 1e-6 critical value, a bound generous enough never to flake on a fair task).
 * A permutation space too large for 5 expected samples per answer is tested position by
 * position instead (which piece lands at each position, reported as `<variant>@<position>`);
 * other variants with fewer than 5 expected samples per answer are reported untested.
 */
export function answerBalance<P>(task: Task<P, any>, params: P, samples: readonly TaskSample[]): BalanceResult[] {
  const byVariant = new Map<string, string[]>();
  for (const s of samples) {
    const list = byVariant.get(s.variant) ?? [];
    list.push(s.answer);
    byVariant.set(s.variant, list);
  }
  return [...byVariant.entries()].flatMap(([variant, answers]) => {
    const space = task.answerSpace(params, variant);
    if (!('kind' in space)) return [chiSquare(variant, answers, space)];
    const pieces = space.pieces;
    if (answers.length / answerCount(space) >= 5) {
      const listedSpace = permutations(pieces).map((p) => p.join('-')).filter((a) => isAnswer(space, a));
      return [chiSquare(variant, answers, listedSpace)];
    }
    const labels = Array.from({ length: pieces }, (_, i) => String(i));
    return labels.map((_, position) =>
      chiSquare(
        `${variant}@${position}`,
        answers.map((a) => a.split('-')[position]),
        labels,
      ),
    );
  });
}

/**
 * Problems with the reward round trip of a sample: a well-formatted response boxing the answer
 * must score 1, and one boxing a wrong answer must score the format weight 0.1.
 */
export function rewardProblems<P>(task: Task<P, any>, params: P, sample: TaskSample): string[] {
  const respond = (answer: string): string => `<think>\n</think>\\boxed{${answer}}`;
  const problems: string[] = [];
  const right = scoreResponse(respond(sample.answer), sample.answer);
  if (right.overall !== 1) problems.push(`the correct answer ${JSON.stringify(sample.answer)} scores ${right.overall}, not 1`);
  const wrong = otherAnswer(task.answerSpace(params, sample.variant), sample.answer) ?? `${sample.answer}x`;
  const score = scoreResponse(respond(wrong), sample.answer);
  if (Math.abs(score.overall - 0.1) > 1e-12) problems.push(`the wrong answer ${JSON.stringify(wrong)} scores ${score.overall}, not 0.1`);
  return problems;
}

/**
 * Problems with a task's `partialCredit` rule on one sample: the rule must be sound, the exact
 * answer must score 1, another answer of the space less than 1, and a garbage answer 0. Empty
 * when the task declares no rule.
 */
export function partialCreditProblems<P>(task: Task<P, any>, params: P, sample: TaskSample): string[] {
  const rule = task.partialCredit;
  if (!rule) return [];
  const broken = partialCreditRuleProblem(rule);
  if (broken) return [`partial-credit rule: ${broken}`];
  const problems: string[] = [];
  const exact = partialCredit(rule, sample.answer, sample.answer);
  if (exact !== 1) problems.push(`the exact answer ${JSON.stringify(sample.answer)} earns ${exact} partial credit, not 1`);
  const other = otherAnswer(task.answerSpace(params, sample.variant), sample.answer);
  if (other !== null) {
    const credit = partialCredit(rule, other, sample.answer);
    if (!(credit >= 0 && credit < 1)) problems.push(`the other answer ${JSON.stringify(other)} earns ${credit}, not in [0, 1)`);
  }
  for (const garbage of ['', 'None', `${sample.answer}-${sample.answer}`, '\u0000']) {
    const credit = partialCredit(rule, garbage, sample.answer);
    if (credit !== 0) problems.push(`the malformed answer ${JSON.stringify(garbage)} earns ${credit}, not 0`);
  }
  return problems;
}

/**
 * Problems with a task's `mirrorAnswer` on one sample: the mirrored answer must be null or in the
 * variant's answer space, and mirroring twice must give the sample's answer back. Empty when the
 * task declares no mirror.
 */
export function mirrorProblems<P>(task: Task<P, any>, params: P, sample: TaskSample): string[] {
  if (!task.mirrorAnswer) return [];
  const once = task.mirrorAnswer({ variant: sample.variant, answer: sample.answer, meta: sample.meta });
  if (once === null) return [];
  const problems: string[] = [];
  if (!isAnswer(task.answerSpace(params, sample.variant), once)) {
    problems.push(`mirrored answer ${JSON.stringify(once)} is not in the answer space of '${sample.variant}'`);
  }
  const twice = task.mirrorAnswer({ variant: sample.variant, answer: once, meta: sample.meta });
  if (twice !== sample.answer) problems.push(`mirroring twice gives ${JSON.stringify(twice)}, not the answer ${JSON.stringify(sample.answer)}`);
  return problems;
}

/**
 * Problems with a task's `recognizePrompt` on one sample: the sample's own prompt (also with
 * plain placeholders and with the RL format instruction appended) must be recognised as its
 * variant. Empty when the task declares no recogniser.
 */
export function recognitionProblems<P>(task: Task<P, any>, sample: TaskSample): string[] {
  if (!task.recognizePrompt) return [];
  const problems: string[] = [];
  for (const prompt of [sample.prompt, plainImagePlaceholders(sample.prompt), withFormatInstruction(sample.prompt)]) {
    const got = task.recognizePrompt(promptWords(prompt));
    if (got !== sample.variant) problems.push(`prompt ${JSON.stringify(prompt.slice(0, 50))}… is recognised as ${JSON.stringify(got)}, not '${sample.variant}'`);
  }
  return problems;
}
