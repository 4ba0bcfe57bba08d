import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRegistry, defineTask, type Task } from '@spatial-ssrl/tasks';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toySftRuns } from '../__fixtures__/toy-sft-runs.js';
import { loadBackend, ModelError } from '@spatial-ssrl/model';
import type { SftOptions } from './sft-options.js';
import { trainSft } from './trainer.js';

const runs = toySftRuns('ssrl-sft-mirror-', { batchSize: 16, lr: 3e-3, warmupSteps: 10, seed: 1 });

// The toy dataset's tasks as a registry: only their mirror rules are used.
function toyTask(id: string, mirrorAnswer?: (answer: string) => string | null): Task<object> {
  return defineTask<object>({
    id,
    description: `toy task ${id}`,
    needs: 'rgb',
    params: z.object({}),
    variants: () => ['any'],
    imageCount: () => 1,
    answerSpace: () => ['0', '1', '2', '3', 'A', 'B'],
    generate: () => ({ rejected: true, code: 'toy', reason: 'the toy tasks are written by the fixture' }),
    ...(mirrorAnswer ? { mirrorAnswer: ({ answer }: { answer: string }) => mirrorAnswer(answer) } : {}),
  });
}

// Mirroring moves the square to the other column of quadrants; which square is brighter stays.
const right = createRegistry([toyTask('quadrant', (a) => String(Number(a) ^ 1)), toyTask('brighter', (a) => a)]);
const wrong = createRegistry([toyTask('quadrant', (a) => a), toyTask('brighter', (a) => a)]);

beforeAll(async () => {
  await loadBackend({ prefer: 'wasm', log: false });
});

describe('trainSft with mirroring', () => {
  it('learns the task from mirrored rows only when the mirror rule is right', async () => {
    const opts = (out: string, rate: number, registry = right): SftOptions => ({ ...runs.base(out), steps: 160, evalEvery: 0, mirror: { quadrant: rate }, registry });
    // Half the rows mirrored: with the right rule the two halves agree, with a wrong one they
    // teach opposite columns for the same picture.
    const good = await trainSft(opts('mirror-right', 0.5));
    const conflicting = await trainSft(opts('mirror-conflict', 0.5, wrong));
    // Every row mirrored with the wrong rule: the model learns the opposite column everywhere,
    // which shows that the rows it saw were mirrored.
    const opposite = await trainSft(opts('mirror-wrong', 1, wrong));
    expect(good.eval!.tasks.quadrant.accuracy).toBeGreaterThan(0.9);
    expect(conflicting.eval!.tasks.quadrant.accuracy).toBeLessThan(0.85);
    expect(opposite.eval!.tasks.quadrant.accuracy).toBeLessThan(0.1);
    expect(JSON.parse(await readFile(path.join(runs.root, 'mirror-right', 'run.json'), 'utf8')).options.mirror).toEqual({ quadrant: 0.5 });
  });

  it('resumes to the same weights, and only with the same mirror rates', async () => {
    const opts = (out: string): SftOptions => ({ ...runs.base(out), steps: 12, evalEvery: 0, checkpointEvery: 4, mirror: { quadrant: 0.5, brighter: 0.5 }, registry: right });
    await trainSft(opts('m-straight'));
    const controller = new AbortController();
    await trainSft({ ...opts('m-resumed'), saveOnAbort: false }, { signal: controller.signal, onStep: (p) => p.step === 6 && controller.abort() });
    await expect(trainSft({ ...opts('m-resumed'), mirror: { quadrant: 0.25 }, resume: true })).rejects.toThrow(/differs: mirror/);
    await trainSft({ ...opts('m-resumed'), resume: true });
    for (const file of ['weights.bin', 'optimizer.bin']) {
      const a = await readFile(path.join(runs.root, 'm-straight', 'checkpoint', file));
      const b = await readFile(path.join(runs.root, 'm-resumed', 'checkpoint', file));
      expect(a.equals(b), file).toBe(true);
    }
  });

  it('refuses unknown tasks, tasks without a mirror rule and bad rates', async () => {
    const err = (o: Partial<SftOptions>) => trainSft({ ...runs.base('m-bad'), steps: 1, ...o }).catch((e: unknown) => e);
    const unknown = await err({ mirror: { colour: 0.5 }, registry: right });
    expect(unknown).toBeInstanceOf(ModelError);
    expect((unknown as Error).message).toMatch(/mirror: no task "colour" is registered \(known: quadrant, brighter\)/);
    const noRule = createRegistry([toyTask('quadrant'), toyTask('brighter')]);
    expect(((await err({ mirror: { quadrant: 0.5 }, registry: noRule })) as Error).message).toMatch(/task "quadrant" declares no mirrorAnswer/);
    expect(((await err({ mirror: { quadrant: 1.5 } })) as Error).message).toMatch(/mirror/);
    expect(((await err({ registry: {} as never })) as Error).message).toMatch(/registry: must be a task registry/);
  });
});
