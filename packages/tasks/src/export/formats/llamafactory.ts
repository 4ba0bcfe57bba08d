import { type SampleRecord } from '@spatial-ssrl/spec';
import type { ModelFamily } from '../image-tokens.js';
import { trainerPrompt, withInstruction } from '../trainer-prompt.js';
import type { AuxFile } from './format.js';

/** LLaMA-Factory dataset layouts: `sharegpt` (`messages` + `images`) or `alpaca` (`instruction`, `input`, `output`, `images`). */
export type LlamaFactoryStyle = 'sharegpt' | 'alpaca';

/** The SFT answer an exported row trains on; `{answer}` stands for the record's answer. */
export const DEFAULT_SFT_TARGET = '<think></think>\\boxed{{answer}}';

/** Fills an SFT target template: every `{answer}` becomes the answer. */
function sftTarget(template: string, answer: string): string {
  return template.replaceAll('{answer}', answer);
}

/** The prompt of an SFT row: plain placeholders and the RL format instruction, as RL training will see it. */
export function sftPrompt(record: SampleRecord): string {
  return withInstruction(trainerPrompt(record.prompt));
}

/** One LLaMA-Factory row of a record (image paths relative to the dataset folder). */
export function llamaFactoryRow(record: SampleRecord, images: readonly string[], style: LlamaFactoryStyle, target: string): Record<string, unknown> {
  const prompt = sftPrompt(record);
  const output = sftTarget(target, record.answer);
  const rest = { images: [...images], id: record.id, task: record.task, variant: record.variant };
  return style === 'sharegpt'
    ? { messages: [{ role: 'user', content: prompt }, { role: 'assistant', content: output }], ...rest }
    : { instruction: prompt, input: '', output, ...rest };
}

/** A `dataset_info.json` entry for one exported file. */
function datasetInfoEntry(fileName: string, style: LlamaFactoryStyle): Record<string, unknown> {
  return style === 'sharegpt'
    ? {
        file_name: fileName,
        formatting: 'sharegpt',
        columns: { messages: 'messages', images: 'images' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant' },
      }
    : { file_name: fileName, formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', images: 'images' } };
}

const TEMPLATES: Readonly<Record<ModelFamily, { template: string; model: string }>> = {
  'qwen2.5-vl': { template: 'qwen2_vl', model: 'Qwen/Qwen2.5-VL-7B-Instruct' },
  'qwen3-vl': { template: 'qwen3_vl_nothink', model: 'Qwen/Qwen3-VL-4B-Instruct' },
};

/** `dataset_info.json` and an example SFT config for the exported files (`name → file`). */
export function llamaFactoryFiles(
  datasets: readonly { readonly name: string; readonly file: string }[],
  style: LlamaFactoryStyle,
  family: ModelFamily | undefined,
  maxPixels: number | undefined,
): AuxFile[] {
  const info = Object.fromEntries(datasets.map((d) => [d.name, datasetInfoEntry(d.file, style)]));
  const { template, model } = TEMPLATES[family ?? 'qwen2.5-vl'];
  const train = datasets.find((d) => !d.name.endsWith('_test')) ?? datasets[0];
  const yaml = [
    '# LLaMA-Factory SFT cold start on this export. Run from this folder (dataset_dir is relative):',
    '#   llamafactory-cli train llamafactory_sft.yaml',
    `model_name_or_path: ${model}`,
    ...(maxPixels !== undefined ? [`image_max_pixels: ${maxPixels}`] : []),
    'trust_remote_code: true',
    'stage: sft',
    'do_train: true',
    'finetuning_type: lora',
    'lora_target: all',
    `dataset: ${train?.name ?? ''}`,
    'dataset_dir: .',
    `template: ${template}`,
    'cutoff_len: 4096',
    'preprocessing_num_workers: 8',
    'output_dir: saves/spatial-ssrl-coldstart',
    'logging_steps: 10',
    'save_steps: 500',
    'per_device_train_batch_size: 1',
    'gradient_accumulation_steps: 8',
    'learning_rate: 1.0e-5',
    'num_train_epochs: 1.0',
    'lr_scheduler_type: cosine',
    'warmup_ratio: 0.1',
    'bf16: true',
    '',
  ].join('\n');
  return [
    { path: 'dataset_info.json', text: `${JSON.stringify(info, null, 2)}\n` },
    { path: 'llamafactory_sft.yaml', text: yaml },
  ];
}
