import { z } from 'zod';

/** Which input channels the image encoder sees. */
const inputFeatures = z.object({
  /** The RGB values, scaled to [-1, 1]. */
  rgb: z.boolean(),
  /** Fixed horizontal and vertical luminance gradients (central differences / 128). */
  gradients: z.boolean(),
  /**
   * Fixed edge-energy channels from the same gradients: |dx|, |dy| and the diagonal orientation
   * `sign(dx·dy)·min(|dx|, |dy|)`. Summed by the linear patch embedding they give the edge density
   * and the slant of lines in each part of a patch, which a linear map of dx, dy cannot.
   * Default false (configurations written before the option existed).
   */
  edges: z.boolean().default(false),
});

/** Architecture and context sizes of the policy; parse user input with `modelConfig.parse`. */
export const modelConfig = z
  .object({
    /** Side of the square image every input image is resized to, in px (8-512). */
    imageSize: z.number().int().min(8).max(512),
    /** Side of one square patch (one image token), in px; divides `imageSize`. */
    patchSize: z.number().int().min(2).max(64),
    features: inputFeatures,
    /** Model width (embedding size) of encoder and decoder. */
    width: z.number().int().min(8).max(4096),
    /** Transformer blocks of the image encoder (0 = patch embedding only). */
    encoderDepth: z.number().int().min(0).max(48),
    /** Transformer blocks of the answer decoder. */
    decoderDepth: z.number().int().min(1).max(48),
    /** Attention heads; divides `width`. */
    heads: z.number().int().min(1).max(64),
    /** MLP hidden width as a multiple of `width` (1-16). */
    mlpRatio: z.number().min(1).max(16),
    /** Most images one prompt may carry (crop needs 5). */
    maxImages: z.number().int().min(1).max(16),
    /** Most conditioning tokens derived from one prompt. */
    maxPromptTokens: z.number().int().min(1).max(64),
    /** Most generated tokens, EOS included. */
    maxAnswerTokens: z.number().int().min(2).max(1024),
    /** Dropout rate on residual branches during training (0-0.9). */
    dropout: z.number().min(0).max(0.9),
    /** Name of the fixed token vocabulary. */
    vocabulary: z.literal('ssrl-v1'),
  })
  .superRefine((c, ctx) => {
    if (c.imageSize % c.patchSize !== 0) {
      ctx.addIssue({ code: 'custom', path: ['patchSize'], message: `patchSize ${c.patchSize} must divide imageSize ${c.imageSize}` });
    }
    if (c.width % c.heads !== 0) {
      ctx.addIssue({ code: 'custom', path: ['heads'], message: `heads ${c.heads} must divide width ${c.width}` });
    }
    if (!c.features.rgb && !c.features.gradients && !c.features.edges) {
      ctx.addIssue({ code: 'custom', path: ['features'], message: 'at least one input feature must be enabled' });
    }
  });

/** A validated model configuration. */
export type ModelConfig = z.infer<typeof modelConfig>;

/** Names of the built-in configurations. */
export type ModelPreset = 'tiny' | 'small' | 'base';

const shared = {
  features: { rgb: true, gradients: true, edges: false },
  maxImages: 5,
  maxPromptTokens: 12,
  maxAnswerTokens: 32,
  vocabulary: 'ssrl-v1',
} as const;

/**
 * Built-in configurations: `tiny` (≈41 k parameters, for tests, trains in seconds), `small`
 * (≈1.2 M parameters, 32 px, 16 image tokens; the CPU configuration) and `base` (≈20 M
 * parameters, 64 px, 64 image tokens; meant for a GPU backend).
 */
export const modelPresets: Readonly<Record<ModelPreset, ModelConfig>> = {
  tiny: {
    ...shared,
    imageSize: 16,
    patchSize: 8,
    width: 32,
    encoderDepth: 1,
    decoderDepth: 1,
    heads: 2,
    mlpRatio: 2,
    dropout: 0,
  },
  small: {
    ...shared,
    imageSize: 32,
    patchSize: 8,
    width: 128,
    encoderDepth: 3,
    decoderDepth: 2,
    heads: 4,
    mlpRatio: 4,
    dropout: 0,
  },
  base: {
    ...shared,
    imageSize: 64,
    patchSize: 8,
    width: 384,
    encoderDepth: 6,
    decoderDepth: 4,
    heads: 6,
    mlpRatio: 4,
    dropout: 0.1,
  },
};

/** Whether `name` is one of the built-in presets. */
export function isModelPreset(name: string): name is ModelPreset {
  return Object.prototype.hasOwnProperty.call(modelPresets, name);
}

/** Number of image tokens per image: `(imageSize / patchSize)²`. */
export function imageTokenCount(config: ModelConfig): number {
  const side = config.imageSize / config.patchSize;
  return side * side;
}

/** Input channels per pixel: 3 for RGB, 2 for the gradients, 3 for the edge channels. */
export function channelCount(config: ModelConfig): number {
  const f = config.features;
  return (f.rgb ? 3 : 0) + (f.gradients ? 2 : 0) + (f.edges ? 3 : 0);
}

/** Length of one flattened patch vector: `patchSize² × channels`. */
export function patchDim(config: ModelConfig): number {
  return config.patchSize * config.patchSize * channelCount(config);
}

/** MLP hidden width: `round(width × mlpRatio)`. */
export function mlpWidth(config: ModelConfig): number {
  return Math.round(config.width * config.mlpRatio);
}
