import { imageTokenCount, patchDim, type ModelConfig } from './config.js';
import { ContextLengthError, ModelError } from './errors.js';
import { writePatches, type PreparedImage } from './image-features.js';
import { BOS_ID, PAD_ID, TEXT_VOCAB_SIZE } from './tokenizer.js';

/** One row of model input: images at the model's size (in prompt order) and conditioning token ids. */
export interface ModelInput {
  readonly images: readonly PreparedImage[];
  readonly condition: readonly number[];
}

/** Encoder-side arrays of a batch, ready to become tensors (plain typed arrays, transferable between threads). */
export interface EncoderFeed {
  readonly rows: number;
  /** Image slots per row (the most images of any row; missing ones are zero-filled and masked). */
  readonly imagesPerRow: number;
  /** Patch vectors `[rows·imagesPerRow·tokensPerImage, patchDim]`. */
  readonly patches: Float32Array;
  /** The same, transposed (`[patchDim, …]`); only built for training. */
  readonly patchesT?: Float32Array;
  /** Conditioning ids `[rows, conditionLength]`, padded with 0. */
  readonly condition: Int32Array;
  readonly conditionLength: number;
  /** Additive attention bias per memory slot `[rows, memoryLength]` (0 or -1e9); absent when nothing is padded. */
  readonly memoryBias?: Float32Array;
}

/** Decoder-side arrays of a batch: inputs are BOS + targets shifted right; `mask` is 1 on real target tokens. */
export interface TokenFeed {
  readonly rows: number;
  readonly length: number;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  readonly mask: Float32Array;
}

/** Memory length of a batch: image tokens of every slot plus conditioning tokens. */
function memoryLength(config: ModelConfig, imagesPerRow: number, conditionLength: number): number {
  return imagesPerRow * imageTokenCount(config) + conditionLength;
}

function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[base + c];
  }
  return out;
}

/** Options of `buildEncoderFeed`. */
export interface EncoderFeedOptions {
  /** Also build the transposed patches (training). */
  readonly transposed?: boolean;
  /**
   * Pad the conditioning of every row to at least this many tokens. With a fixed length (e.g.
   * `maxPromptTokens`) each row's memory is laid out the same whatever other rows share the
   * batch, so its results are bit-identical alone or batched.
   */
  readonly conditionLength?: number;
}

/**
 * Builds the encoder arrays of a batch. Throws `ContextLengthError` when a row has more images
 * than `maxImages` or more conditioning tokens than `maxPromptTokens`.
 */
export function buildEncoderFeed(config: ModelConfig, inputs: readonly ModelInput[], options: EncoderFeedOptions = {}): EncoderFeed {
  if (inputs.length === 0) throw new ModelError('bad-input', 'a batch needs at least one row');
  const t = imageTokenCount(config);
  const dim = patchDim(config);
  let imagesPerRow = 0;
  let conditionLength = Math.max(1, options.conditionLength ?? 1);
  for (const input of inputs) {
    if (input.images.length > config.maxImages) {
      throw new ContextLengthError('a prompt with these images (image tokens)', input.images.length, config.maxImages);
    }
    if (input.condition.length > config.maxPromptTokens) {
      throw new ContextLengthError('the prompt conditioning', input.condition.length, config.maxPromptTokens);
    }
    imagesPerRow = Math.max(imagesPerRow, input.images.length);
    conditionLength = Math.max(conditionLength, input.condition.length);
  }
  const rows = inputs.length;
  const patches = new Float32Array(rows * imagesPerRow * t * dim);
  const condition = new Int32Array(rows * conditionLength);
  const memLen = memoryLength(config, imagesPerRow, conditionLength);
  const bias = new Float32Array(rows * memLen);
  let padded = false;
  inputs.forEach((input, r) => {
    for (let i = 0; i < imagesPerRow; i++) {
      const img = input.images[i];
      if (img) writePatches(img, config, patches, (r * imagesPerRow + i) * t);
      else {
        padded = true;
        bias.fill(-1e9, r * memLen + i * t, r * memLen + (i + 1) * t);
      }
    }
    for (let c = 0; c < conditionLength; c++) {
      const id = input.condition[c];
      if (id === undefined) {
        padded = true;
        bias[r * memLen + imagesPerRow * t + c] = -1e9;
      } else condition[r * conditionLength + c] = id;
    }
  });
  const n = rows * imagesPerRow * t;
  return {
    rows,
    imagesPerRow,
    patches,
    patchesT: options.transposed && n > 0 ? transpose(patches, n, dim) : undefined,
    condition,
    conditionLength,
    memoryBias: padded ? bias : undefined,
  };
}

/**
 * Builds teacher-forcing arrays from target token sequences (each ending with EOS when the answer
 * is complete). Throws `ContextLengthError` when a sequence is longer than `maxAnswerTokens`.
 */
export function buildTokenFeed(config: ModelConfig, targets: readonly (readonly number[])[]): TokenFeed {
  if (targets.length === 0) throw new ModelError('bad-input', 'a batch needs at least one row');
  let length = 1;
  for (const seq of targets) {
    if (seq.length > config.maxAnswerTokens) {
      throw new ContextLengthError('the answer', seq.length, config.maxAnswerTokens);
    }
    for (const id of seq) {
      if (!Number.isInteger(id) || id < 0 || id >= TEXT_VOCAB_SIZE) {
        throw new ModelError('bad-input', `token id ${id} is outside the vocabulary (0-${TEXT_VOCAB_SIZE - 1})`);
      }
    }
    length = Math.max(length, seq.length);
  }
  const rows = targets.length;
  const inputs = new Int32Array(rows * length).fill(PAD_ID);
  const out = new Int32Array(rows * length).fill(PAD_ID);
  const mask = new Float32Array(rows * length);
  targets.forEach((seq, r) => {
    inputs[r * length] = BOS_ID;
    for (let i = 0; i < seq.length; i++) {
      if (i + 1 < length) inputs[r * length + i + 1] = seq[i];
      out[r * length + i] = seq[i];
      mask[r * length + i] = 1;
    }
  });
  return { rows, length, inputs, targets: out, mask };
}

/** One-hot rows `[ids.length, vocab]` and, when asked, their transpose `[vocab, ids.length]`. */
export function oneHot(ids: Int32Array, vocab: number, transposed: boolean): { rows: Float32Array; rowsT?: Float32Array } {
  const n = ids.length;
  const rows = new Float32Array(n * vocab);
  const rowsT = transposed ? new Float32Array(n * vocab) : undefined;
  for (let i = 0; i < n; i++) {
    rows[i * vocab + ids[i]] = 1;
    if (rowsT) rowsT[ids[i] * n + i] = 1;
  }
  return { rows, rowsT };
}
