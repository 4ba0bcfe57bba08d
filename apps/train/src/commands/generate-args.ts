import { z } from 'zod';
import { jsonFlag } from '../command.js';
import { TASK_EXAMPLES } from '../task-examples.js';

/** Flags of `ssrl-train generate`, for `node:util` `parseArgs`. */
export const GENERATE_FLAGS = {
  source: { type: 'string', multiple: true },
  tasks: { type: 'string' },
  params: { type: 'string' },
  count: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  format: { type: 'string' },
  'jpeg-quality': { type: 'string' },
  'test-fraction': { type: 'string' },
  'split-seed': { type: 'string' },
  'max-attempts': { type: 'string' },
  plugin: { type: 'string', multiple: true },
  'exclude-near': { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A flag holding a whole number in `[min, max]`. */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** One `--tasks` entry: a task id and its weight. */
interface TaskChoice {
  readonly id: string;
  readonly weight: number;
}

const taskList = z.string().transform((text, ctx): TaskChoice[] => {
  const out: TaskChoice[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const m = /^([a-z][a-z0-9-]*)(?::(\d+(?:\.\d+)?))?$/.exec(part);
    if (!m || (m[2] !== undefined && !(Number(m[2]) > 0))) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not <task> or <task>:<weight> (weight > 0)` });
      return z.NEVER;
    }
    out.push({ id: m[1], weight: m[2] === undefined ? 1 : Number(m[2]) });
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'lists no task' });
    return z.NEVER;
  }
  return out;
});

const paramsJson = jsonFlag(
  z.record(z.string(), z.unknown(), { error: `must be a JSON object mapping task ids to params, e.g. ${TASK_EXAMPLES.params.slice(1, -1)}` }),
);

/** The validated arguments of `ssrl-train generate`. */
export const generateArgs = z.object({
  source: z.array(z.string().min(1, 'must not be empty')).default(['synthetic']),
  'exclude-near': z.string().min(1, 'must not be empty').optional(),
  tasks: taskList.optional(),
  params: paramsJson.default({}),
  count: int(1),
  seed: int(0, 0xffffffff).default(0),
  out: z.string().min(1, 'must not be empty'),
  workers: int(1, 256).optional(),
  shard: z
    .string()
    .regex(/^\d+\/\d+$/, 'must be k/n, e.g. 2/8')
    .transform((s) => {
      const [k, n] = s.split('/').map(Number);
      return { k, n };
    })
    .refine((s) => s.n >= 1 && s.k >= 1 && s.k <= s.n, 'needs 1 <= k <= n')
    .default({ k: 1, n: 1 }),
  format: z.enum(['png', 'jpeg']).default('png'),
  'jpeg-quality': int(1, 100).default(90),
  'test-fraction': z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number in [0, 1]')
    .transform(Number)
    .default(0.1),
  'split-seed': int(0, 0xffffffff).default(0),
  'max-attempts': int(1, 1000).default(16),
  plugin: z.array(z.string().min(1)).default([]),
  force: z.boolean().default(false),
  quiet: z.boolean().default(false),
});
