import { t, type ColumnSpec } from '../parquet-stream.js';
import { trainerPrompt, withInstruction } from '../trainer-prompt.js';
import { recordExtras, shardName, type ExportContext, type ParquetFormat } from './format.js';

/** `data_source` of every exported verl row; the reward shim receives it. */
export const VERL_DATA_SOURCE = 'spatial-ssrl';

const TEXT_TOKENS = 512;

/**
 * verl: parquet rows `{data_source, prompt: [{role, content}], images, ability,
 * reward_model: {style: 'rule', ground_truth}, extra_info: {split, index, id, task, variant, extras}}`
 * with the RL format instruction in the prompt (verl has no format-prompt file), and a Hydra
 * config for verl ≥ 0.7.1, whose reward settings live under `reward.*`.
 */
export const verlFormat: ParquetFormat = {
  target: 'verl',
  columns(images): readonly ColumnSpec[] {
    return [
      { name: 'data_source', type: t.string },
      { name: 'prompt', type: t.list(t.struct([['role', t.string], ['content', t.string]])) },
      { name: 'images', type: t.list(images === 'embed' ? t.image : t.struct([['image', t.string]])) },
      { name: 'ability', type: t.string },
      { name: 'reward_model', type: t.struct([['style', t.string], ['ground_truth', t.string]]) },
      {
        name: 'extra_info',
        type: t.struct([
          ['split', t.string],
          ['index', t.int64],
          ['id', t.string],
          ['task', t.string],
          ['variant', t.string],
          ['extras', t.string],
        ]),
      },
    ];
  },
  prompt: (record) => withInstruction(trainerPrompt(record.prompt)),
  row(record, images, mode) {
    return {
      data_source: VERL_DATA_SOURCE,
      prompt: [{ role: 'user', content: withInstruction(trainerPrompt(record.prompt)) }],
      images: images.map((img) => (mode === 'embed' ? { bytes: img.bytes, path: img.path } : { image: img.path })),
      ability: 'spatial',
      reward_model: { style: 'rule', ground_truth: record.answer },
      extra_info: {
        split: record.split,
        index: record.index,
        id: record.id,
        task: record.task,
        variant: record.variant,
        extras: recordExtras(record),
      },
    };
  },
  shardPath: (split, k, n) => `data/${shardName(split, k, n)}`,
  files: (context) => [{ path: 'verl_config.yaml', text: verlConfig(context) }],
};

function yamlList(items: readonly string[]): string {
  return `[${items.map((p) => `"${p}"`).join(', ')}]`;
}

function verlConfig(c: ExportContext): string {
  const train = c.files.train?.length ? c.files.train : (c.files.test ?? []);
  const val = c.files.test?.length ? c.files.test : train;
  const promptLength = c.maxRowImageTokens !== undefined ? Math.ceil((c.maxRowImageTokens + TEXT_TOKENS) / 256) * 256 : 4096;
  const lines = [
    '# verl (>= 0.7.1, Hydra) settings for this export. Reward settings are under reward.*: since',
    '# v0.7.1 verl reads reward.custom_reward_function.{path,name} and reward.reward_manager.name',
    '# (the older top-level custom_reward_function keys are no longer read).',
    '# Run from this folder:',
    '#   python3 -m verl.trainer.main_ppo --config-path="$PWD" --config-name=verl_config \\',
    '#     actor_rollout_ref.model.path=Qwen/Qwen2.5-VL-7B-Instruct trainer.n_gpus_per_node=8',
    '# verl_reward.py (sync) and verl_reward_async.py (async; the Reward Loop awaits it) ask the',
    '# Spatial-SSRL reward server at $SSRL_REWARD_URL (default http://127.0.0.1:8000).',
    'hydra:',
    '  searchpath:',
    '    - pkg://verl.trainer.config',
    'defaults:',
    '  - ppo_trainer',
    '  - _self_',
    'data:',
    `  train_files: ${yamlList(train)}`,
    `  val_files: ${yamlList(val)}`,
    '  prompt_key: prompt',
    '  image_key: images',
    `  max_prompt_length: ${promptLength}`,
    '  max_response_length: 2048',
    '  train_batch_size: 256',
    '  filter_overlong_prompts: true',
    "  truncation: error",
    ...(c.tokens ? [`  image_patch_size: ${c.tokens.patchSize}`] : []),
    'algorithm:',
    '  adv_estimator: grpo',
    '  use_kl_in_reward: false',
    'actor_rollout_ref:',
    '  actor:',
    '    ppo_mini_batch_size: 128',
    '    use_kl_loss: true',
    '    kl_loss_coef: 0.01',
    '    kl_loss_type: low_var_kl',
    '    optim:',
    '      lr: 1.0e-6',
    '  rollout:',
    '    n: 5',
    '    temperature: 1.0',
    '    top_p: 1.0',
    'reward:',
    '  reward_manager:',
    '    name: naive',
    '  custom_reward_function:',
    '    path: ./verl_reward_async.py',
    '    name: compute_score',
    'trainer:',
    '  project_name: spatial_ssrl',
    '  experiment_name: spatial_ssrl_grpo',
    '',
  ];
  return lines.join('\n');
}
