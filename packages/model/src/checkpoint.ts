import { createHash } from 'node:crypto';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { replaceDirAtomic } from '@spatial-ssrl/spec/node';
import { CONDITION_TOKENS } from './conditioning.js';
import { modelConfig, type ModelConfig } from './config.js';
import { CheckpointError } from './errors.js';
import { PolicyModel } from './model.js';
import { paramSpecs } from './params.js';
import { TEXT_TOKENS } from './tokenizer.js';

/** Name of the manifest file of a checkpoint directory. */
const MODEL_FILE = 'model.json';
/** Name of the float32 little-endian weights file. */
const WEIGHTS_FILE = 'weights.bin';
/** Name of the trainer state (optimizer step, data cursor, RNG keys, run config). */
const TRAINING_FILE = 'training.json';
/** Name of the optimizer moments file (float32, `m` then `v` per parameter). */
const OPTIMIZER_FILE = 'optimizer.bin';

const FORMAT = 'spatial-ssrl-policy';

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  config: z.unknown(),
  tokenizer: z.object({
    vocabulary: z.string(),
    text: z.array(z.string()),
    condition: z.array(z.string()),
  }),
  step: z.number().int().min(0),
  metadata: z.record(z.string(), z.unknown()),
  weights: z.object({
    file: z.string(),
    dtype: z.literal('float32'),
    byteLength: z.number().int().min(0),
    sha256: z.string(),
    tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), offset: z.number().int().min(0) })),
  }),
});

/** The parsed `model.json` of a checkpoint. */
export type CheckpointManifest = z.infer<typeof manifestSchema>;

/** What a checkpoint holds besides the weights, for resuming training. */
export interface TrainingState {
  /** JSON state of the trainer (optimizer step, data cursor, seeds, run settings). */
  readonly state: Readonly<Record<string, unknown>>;
  /** Optimizer moments as written by `AdamW.saveMoments`. */
  readonly moments: Float32Array;
}

/** A loaded checkpoint: validated config, weights by name, step, metadata, optional training state. */
export interface LoadedCheckpoint {
  readonly config: ModelConfig;
  readonly weights: Map<string, Float32Array>;
  readonly step: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly training?: TrainingState;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Options of `saveCheckpoint`. */
export interface SaveCheckpointOptions {
  readonly step?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly training?: TrainingState;
}

/**
 * Writes a checkpoint directory atomically (temp directory + rename): `model.json` (format,
 * config, tokenizer, step, metadata, tensor table with SHA-256), `weights.bin`, and, when given,
 * `training.json` + `optimizer.bin`. `weights` maps parameter names to values (e.g. `model.readWeights()`).
 */
export async function saveCheckpoint(
  dir: string,
  config: ModelConfig,
  weights: ReadonlyMap<string, Float32Array>,
  options: SaveCheckpointOptions = {},
): Promise<void> {
  const specs = paramSpecs(config);
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const flat = new Float32Array(total);
  const tensors: CheckpointManifest['weights']['tensors'] = [];
  let offset = 0;
  for (const s of specs) {
    const values = weights.get(s.name);
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (!values || values.length !== size) {
      throw new CheckpointError('weights-mismatch', dir, `tensor ${s.name} has ${values?.length ?? 0} values, the config expects ${size}`);
    }
    flat.set(values, offset);
    tensors.push({ name: s.name, shape: [...s.shape], offset: offset * 4 });
    offset += size;
  }
  const bytes = bytesOf(flat);
  const manifest: CheckpointManifest = {
    format: FORMAT,
    version: 1,
    config,
    tokenizer: { vocabulary: config.vocabulary, text: [...TEXT_TOKENS], condition: [...CONDITION_TOKENS] },
    step: options.step ?? 0,
    metadata: { ...(options.metadata ?? {}) },
    weights: { file: WEIGHTS_FILE, dtype: 'float32', byteLength: bytes.byteLength, sha256: sha256(bytes), tensors },
  };
  await replaceDirAtomic(dir, async (tmp) => {
    await writeFile(path.join(tmp, WEIGHTS_FILE), bytes);
    if (options.training) {
      const moments = bytesOf(options.training.moments);
      await writeFile(path.join(tmp, OPTIMIZER_FILE), moments);
      const training = { ...options.training.state, optimizerFile: OPTIMIZER_FILE, optimizerSha256: sha256(moments) };
      await writeFile(path.join(tmp, TRAINING_FILE), JSON.stringify(training, null, 2));
    }
    await writeFile(path.join(tmp, MODEL_FILE), JSON.stringify(manifest, null, 2));
  });
}

async function readRequired(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CheckpointError('checkpoint-missing', file, `${what} is missing`, { cause: err });
    throw new CheckpointError('checkpoint-corrupt', file, `cannot read ${what} (${code ?? String(err)})`, { cause: err });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CheckpointError('checkpoint-corrupt', file, `is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

function toFloat32(buf: Buffer): Float32Array {
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** Reads and validates a checkpoint's manifest only. */
export async function readCheckpointManifest(dir: string): Promise<CheckpointManifest> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new CheckpointError('checkpoint-missing', dir, 'is not a directory');
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    throw new CheckpointError('checkpoint-missing', dir, 'checkpoint directory does not exist', { cause: err });
  }
  const file = path.join(dir, MODEL_FILE);
  const parsed = manifestSchema.safeParse(parseJson((await readRequired(file, MODEL_FILE)).toString('utf8'), file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError('checkpoint-corrupt', file, `is not a ${FORMAT} manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Loads a checkpoint directory and checks everything: manifest schema, tokenizer, weights file
 * size and SHA-256, and every tensor's shape against the config (a mismatch names the tensor).
 * Failures are `CheckpointError`s with code `checkpoint-missing`, `checkpoint-corrupt` or `weights-mismatch`.
 */
export async function loadCheckpoint(dir: string, options: { training?: boolean } = {}): Promise<LoadedCheckpoint> {
  const manifest = await readCheckpointManifest(dir);
  const file = path.join(dir, MODEL_FILE);
  const cfg = modelConfig.safeParse(manifest.config);
  if (!cfg.success) {
    const issue = cfg.error.issues[0];
    throw new CheckpointError('checkpoint-corrupt', file, `config is invalid: ${issue.path.join('.')}: ${issue.message}`);
  }
  const config = cfg.data;
  if (manifest.tokenizer.text.join('\u0000') !== TEXT_TOKENS.join('\u0000')) {
    throw new CheckpointError('weights-mismatch', file, `answer vocabulary differs from ${config.vocabulary} of this version`);
  }
  if (manifest.tokenizer.condition.join('\u0000') !== CONDITION_TOKENS.join('\u0000')) {
    throw new CheckpointError('weights-mismatch', file, 'conditioning vocabulary differs from this version');
  }
  const weightsPath = path.join(dir, manifest.weights.file);
  const bytes = await readRequired(weightsPath, 'weights file');
  if (bytes.byteLength !== manifest.weights.byteLength) {
    throw new CheckpointError(
      'checkpoint-corrupt',
      weightsPath,
      `has ${bytes.byteLength} bytes, the manifest says ${manifest.weights.byteLength} (truncated or replaced)`,
    );
  }
  if (sha256(bytes) !== manifest.weights.sha256) {
    throw new CheckpointError('checkpoint-corrupt', weightsPath, 'SHA-256 does not match the manifest (the file is damaged)');
  }
  const flat = toFloat32(bytes);
  const byName = new Map(manifest.weights.tensors.map((t) => [t.name, t]));
  const weights = new Map<string, Float32Array>();
  for (const spec of paramSpecs(config)) {
    const entry = byName.get(spec.name);
    if (!entry) throw new CheckpointError('weights-mismatch', dir, `tensor ${spec.name} is missing (the config expects shape ${spec.shape.join('×')})`);
    if (entry.shape.join('x') !== spec.shape.join('x')) {
      throw new CheckpointError(
        'weights-mismatch',
        dir,
        `tensor ${spec.name} has shape ${entry.shape.join('×')} but the config expects ${spec.shape.join('×')}`,
      );
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const start = entry.offset / 4;
    if (!Number.isInteger(start) || start + size > flat.length) {
      throw new CheckpointError('checkpoint-corrupt', weightsPath, `tensor ${spec.name} lies outside the weights file`);
    }
    weights.set(spec.name, flat.slice(start, start + size));
    byName.delete(spec.name);
  }
  const extra = [...byName.keys()];
  if (extra.length > 0) throw new CheckpointError('weights-mismatch', dir, `tensor ${extra[0]} is not part of a model with this config`);
  let training: TrainingState | undefined;
  if (options.training) {
    const tfile = path.join(dir, TRAINING_FILE);
    const state = parseJson((await readRequired(tfile, TRAINING_FILE)).toString('utf8'), tfile) as Record<string, unknown>;
    const ofile = path.join(dir, OPTIMIZER_FILE);
    const moments = await readRequired(ofile, OPTIMIZER_FILE);
    if (typeof state.optimizerSha256 === 'string' && sha256(moments) !== state.optimizerSha256) {
      throw new CheckpointError('checkpoint-corrupt', ofile, 'SHA-256 does not match training.json (the file is damaged)');
    }
    training = { state, moments: toFloat32(moments) };
  }
  return { config, weights, step: manifest.step, metadata: manifest.metadata, training };
}

/** Loads a checkpoint directory into a new `PolicyModel` (frozen unless `trainable`). */
export async function loadPolicyModel(dir: string, options: { trainable?: boolean } = {}): Promise<PolicyModel> {
  const ckpt = await loadCheckpoint(dir);
  return PolicyModel.fromWeights(ckpt.config, ckpt.weights, { trainable: options.trainable ?? false, source: dir });
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/**
 * The checkpoint directory behind `dir`: `dir` itself when it holds `model.json`, else
 * `dir/checkpoint` (a run folder written by `trainSft` or `trainGrpo`). Throws
 * `CheckpointError` (`checkpoint-missing`) when it is neither.
 */
export async function resolveCheckpointDir(dir: string): Promise<string> {
  if (await exists(path.join(dir, MODEL_FILE))) return dir;
  const nested = path.join(dir, 'checkpoint');
  if (await exists(path.join(nested, MODEL_FILE))) return nested;
  throw new CheckpointError(
    'checkpoint-missing',
    dir,
    `is neither a checkpoint directory (no ${MODEL_FILE}) nor a run folder with checkpoint/${MODEL_FILE}`,
  );
}
