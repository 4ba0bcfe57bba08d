import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { t, type ColumnSpec } from '../parquet-stream.js';
import { trainerPrompt } from '../trainer-prompt.js';
import { recordExtras, shardName, type ExportContext, type ParquetFormat } from './format.js';

// Room for the prompt text and chat template around the image tokens, in tokens.
const TEXT_TOKENS = 512;

/**
 * EasyR1 (v0.3.x): `train/` and `test/` folders of parquet shards with the Spatial-SSRL-81k
 * columns `problem` / `answer` / `images` (plus `id`, `task`, `variant`, `extras`), the format
 * prompt as a jinja file rendered with `content`, and a config naming them.
 */
export const easyr1Format: ParquetFormat = {
  target: 'easyr1',
  columns(images): readonly ColumnSpec[] {
    return [
      { name: 'problem', type: t.string },
      { name: 'answer', type: t.string },
      { name: 'images', type: t.list(images === 'embed' ? t.image : t.string) },
      { name: 'id', type: t.string },
      { name: 'task', type: t.string },
      { name: 'variant', type: t.string },
      { name: 'extras', type: t.string },
    ];
  },
  prompt: (record) => trainerPrompt(record.prompt),
  row(record, images, mode) {
    return {
      problem: trainerPrompt(record.prompt),
      answer: record.answer,
      images: images.map((img) => (mode === 'embed' ? { bytes: img.bytes, path: img.path } : img.path)),
      id: record.id,
      task: record.task,
      variant: record.variant,
      extras: recordExtras(record),
    };
  },
  shardPath: (split, k, n) => `${split}/${shardName(split, k, n)}`,
  files(context) {
    return [
      { path: 'format_prompt.jinja', text: `{{ content | trim }} ${FORMAT_INSTRUCTION}\n` },
      { path: 'easyr1_config.yaml', text: easyr1Config(context) },
    ];
  },
};

function easyr1Config(c: ExportContext): string {
  const hasTest = (c.files.test?.length ?? 0) > 0;
  const hasTrain = (c.files.train?.length ?? 0) > 0;
  const train = hasTrain ? './train@train' : './test@test';
  const val = hasTest ? './test@test' : './train@train';
  const promptLength = c.maxRowImageTokens !== undefined ? roundUp(c.maxRowImageTokens + TEXT_TOKENS, 256) : 4096;
  const lines = [
    '# EasyR1 (v0.3.x) settings for this export; EasyR1 fills every other key from its defaults.',
    '# Run from this folder (EasyR1 resolves relative paths against the working directory):',
    '#   python3 -m verl.trainer.main config=easyr1_config.yaml worker.actor.model.model_path=Qwen/Qwen2.5-VL-7B-Instruct',
    '# reward.py asks the Spatial-SSRL reward server at $SSRL_REWARD_URL (default http://127.0.0.1:8000);',
    '# start it first: pnpm ssrl-serve --port 8000',
    ...(hasTest ? [] : ['# This export has no held-out split: validation reads the training split.']),
    'data:',
    `  train_files: ${train}`,
    `  val_files: ${val}`,
    '  prompt_key: problem',
    '  answer_key: answer',
    '  image_key: images',
    `  image_dir: ${c.images === 'files' ? '.' : 'null'}`,
    '  format_prompt: ./format_prompt.jinja',
    `  max_prompt_length: ${promptLength}`,
    '  max_response_length: 2048',
    '  rollout_batch_size: 256',
    ...(c.tokens ? [`  min_pixels: ${c.tokens.minPixels}`, `  max_pixels: ${c.tokens.maxPixels}`] : []),
    '  filter_overlong_prompts: true',
    'algorithm:',
    '  adv_estimator: grpo',
    '  use_kl_loss: true',
    '  kl_penalty: low_var_kl',
    '  kl_coef: 1.0e-2',
    'worker:',
    '  actor:',
    '    global_batch_size: 128',
    '    optim:',
    '      lr: 1.0e-6',
    '      weight_decay: 1.0e-2',
    '  rollout:',
    '    n: 5',
    '    temperature: 1.0',
    '    top_p: 1.0',
    `    limit_images: ${c.maxImagesPerRow}`,
    '  reward:',
    '    reward_function: ./reward.py:compute_score',
    '    reward_function_kwargs: {}',
    'trainer:',
    '  project_name: spatial_ssrl',
    '  experiment_name: spatial_ssrl_grpo',
    '',
  ];
  return lines.join('\n');
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}
