import { t, type ColumnSpec } from '../parquet-stream.js';
import { contentParts, trainerPrompt, withInstruction } from '../trainer-prompt.js';
import { recordExtras, shardName, type ExportContext, type ParquetFormat } from './format.js';

/**
 * TRL (v1.x `GRPOTrainer`): parquet shards under `data/` with a conversational `prompt`
 * (`[{role: 'user', content: [{type: 'image'}, …, {type: 'text', text}]}]`, one image part per
 * image, in order), `images`, `solution`, `task` (reward functions receive every column by name)
 * and an example training script.
 */
export const trlFormat: ParquetFormat = {
  target: 'trl',
  columns(): readonly ColumnSpec[] {
    return [
      { name: 'prompt', type: t.list(t.struct([['role', t.string], ['content', t.list(t.struct([['type', t.string], ['text', t.string]]))]])) },
      { name: 'images', type: t.list(t.image) },
      { name: 'solution', type: t.string },
      { name: 'task', type: t.string },
      { name: 'variant', type: t.string },
      { name: 'id', type: t.string },
      { name: 'extras', type: t.string },
    ];
  },
  prompt: (record) => withInstruction(trainerPrompt(record.prompt)),
  row(record, images, mode) {
    return {
      prompt: [{ role: 'user', content: contentParts(withInstruction(trainerPrompt(record.prompt))) }],
      images: images.map((img) => (mode === 'embed' ? { bytes: img.bytes, path: img.path } : { bytes: null, path: img.path })),
      solution: record.answer,
      task: record.task,
      variant: record.variant,
      id: record.id,
      extras: recordExtras(record),
    };
  },
  shardPath: (split, k, n) => `data/${shardName(split, k, n)}`,
  files: (context) => [{ path: 'trl_grpo.py', text: trlScript(context) }],
};

function trlScript(c: ExportContext): string {
  const hasTest = (c.files.test?.length ?? 0) > 0;
  return `"""GRPO on this export with TRL (v1.x). Run from this folder:

    python3 trl_grpo.py Qwen/Qwen2.5-VL-3B-Instruct

The reward is trl_reward.compute_score, which asks the Spatial-SSRL reward server at
$SSRL_REWARD_URL (default http://127.0.0.1:8000); start it first: pnpm ssrl-serve --port 8000.${
    c.images === 'files' ? '\nImages are files: their paths are relative to this folder.' : ''
  }
"""
import sys

from datasets import load_dataset
from trl import GRPOConfig, GRPOTrainer

from trl_reward import compute_score

model = sys.argv[1] if len(sys.argv) > 1 else "Qwen/Qwen2.5-VL-3B-Instruct"
data = load_dataset("parquet", data_dir="data")
args = GRPOConfig(
    output_dir="grpo-spatial-ssrl",
    learning_rate=1e-6,
    num_generations=5,
    temperature=1.0,
    beta=0.01,
    max_completion_length=2048,
    per_device_train_batch_size=5,
)
trainer = GRPOTrainer(
    model=model,
    reward_funcs=compute_score,
    args=args,
    train_dataset=data["train"],${hasTest ? '\n    eval_dataset=data["test"],' : ''}
)
trainer.train()
`;
}
