import { defineCommand } from '@spatial-ssrl/spec/node';
import { z } from 'zod';
import { TASK_EXAMPLES } from '../task-examples.js';

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

const shard = z
  .string()
  .regex(/^\d+\/\d+$/, 'must be k/n, e.g. 2/8')
  .transform((s) => {
    const [k, n] = s.split('/').map(Number);
    return { k, n };
  })
  .refine((s) => s.n >= 1 && s.k >= 1 && s.k <= s.n, 'needs 1 <= k <= n');

/** The command line of `ssrl-train generate`. */
export const generateCli = defineCommand({
  program: 'ssrl-train',
  name: 'generate',
  summary: 'generate a dataset of pretext-task samples (resumable, shardable)',
  usage: 'ssrl-train generate --count N --out DIR [options]',
  description: `Generates a dataset of self-supervised spatial samples: DIR/dataset.json, DIR/samples.jsonl,
DIR/rejections.jsonl and DIR/images/<task>/. Running the same command again resumes an
interrupted run; the output is the same for any --workers and any --shard split.`,
  options: {
    source: {
      type: 'string',
      value: 'SPEC',
      repeatable: true,
      default: ['synthetic'],
      description: `image source {default}:
  synthetic[:COUNT[:WxH]][:seed=S]
                           embedded RGB-D scenes (default 1000 at 640x480)
  folder:DIR               RGB images (jpg, png, webp), recursive
  diode:DIR                DIODE RGB-D tree
  megadepth:DIR            MegaDepth RGB-D tree`,
    },
    clips: {
      type: 'string',
      value: 'SPEC',
      repeatable: true,
      description: `clip source for tasks that take clips {default}:
  flythrough[:COUNT[:WxH[:FRAMES]]][:seed=S]
                           synthetic fly-throughs with exact depth and poses
  video:FILE|DIR[?max-side=PX]
                           videos decoded by ffmpeg (mp4, webm, mov, mkv, ...)
  frames:DIR[?fps=N]       folders of numbered frames`,
    },
    'view-pairs': {
      type: 'string',
      value: 'SPEC',
      repeatable: true,
      description: `view-pair source for tasks that take two views {default}:
  twoview[:COUNT[:WxH]][:baseline=M]`,
    },
    tasks: { type: 'string', value: 'LIST', schema: taskList, defaultText: `${TASK_EXAMPLES.all}, equal weights`, description: `tasks with optional weights, e.g. ${TASK_EXAMPLES.weighted}` },
    params: {
      type: 'json',
      value: 'JSON',
      default: {},
      schema: z.record(z.string(), z.unknown(), { error: `must be a JSON object mapping task ids to params, e.g. ${TASK_EXAMPLES.params.slice(1, -1)}` }),
      description: `task params by task id, e.g. ${TASK_EXAMPLES.params}`,
    },
    count: { type: 'int', value: 'N', min: 1, required: true, description: 'samples in the whole dataset (all shards)' },
    seed: { type: 'int', value: 'S', min: 0, max: 0xffffffff, default: 0, description: 'run seed, 0..4294967295' },
    out: { type: 'string', value: 'DIR', required: true, description: 'output directory' },
    workers: { type: 'int', value: 'W', min: 1, max: 256, defaultText: 'number of CPU cores', description: 'worker threads' },
    shard: { type: 'string', value: 'K/N', schema: shard, default: { k: 1, n: 1 }, defaultText: '1/1', description: 'write only shard K of N (contiguous index range; shards concatenate)' },
    format: { type: 'enum', choices: ['png', 'jpeg'], default: 'png', description: 'image encoding' },
    'jpeg-quality': { type: 'int', value: 'Q', min: 1, max: 100, default: 90, description: 'JPEG quality 1-100' },
    'test-fraction': { type: 'number', value: 'F', min: 0, max: 1, default: 0.1, description: 'share of source images held out as split "test"' },
    'split-seed': { type: 'int', value: 'S', min: 0, max: 0xffffffff, default: 0, description: 'seed of the held-out split {default}; keep it fixed across runs' },
    'max-attempts': { type: 'int', value: 'K', min: 1, max: 1000, default: 16, description: 'attempts per sample before it is recorded as failed' },
    'exclude-near': {
      type: 'string',
      value: 'DIR',
      description: `leave out source images that are near-duplicates (resized, re-encoded,
flipped, turned or cropped copies) of the images in DIR: a report folder of
ssrl-eval contamination (its reference-set.jsonl) or any folder of images;
each sample that lands on one is a rejection "near-duplicate" naming the
match. Generation then runs in one thread.`,
    },
    plugin: { type: 'string', value: 'MODULE', repeatable: true, description: 'module exporting `tasks` or `register(registry)`' },
    force: { type: 'boolean', description: 'overwrite DIR when it holds a dataset with another config' },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
  epilog: `Examples:
  ssrl-train generate --count 200 --out runs/demo
  ssrl-train generate --source folder:data/coco --source diode:data/diode \\
      --tasks ${TASK_EXAMPLES.mix} --count 20000 --out runs/mix
  ssrl-train generate --count 100000 --out runs/part3 --shard 3/8
  ssrl-train generate --source folder:data/coco --exclude-near runs/demo/contamination-whatsup \\
      --count 5000 --out runs/clean
  ssrl-train generate --tasks ${TASK_EXAMPLES.clips} --clips video:data/clips \\
      --clips flythrough:200:320x240 --count 2000 --out runs/video
  ssrl-train generate --plugin ./dist/index.js --tasks upright --count 50 --out runs/upright`,
});
