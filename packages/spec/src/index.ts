export { SsrlError, DatasetError } from './errors.js';
export type { DatasetErrorCode } from './errors.js';
export {
  POLICY_SPECIFICATION_VERSION,
  samplingParams,
  assertPolicy,
  PolicyContractError,
  TRANSIENT_PREFIX,
  FINAL_PREFIX,
  policyError,
  isFinalPolicyError,
} from './policy.js';
export type {
  Policy,
  PolicyImage,
  PolicyRequest,
  SamplingParams,
  PolicyOutput,
  PolicyCompletion,
  GenerateOptions,
  PolicyContractErrorCode,
} from './policy.js';
export {
  DATASET_FORMAT,
  DATASET_FILES,
  sourceRef,
  splitName,
  sampleRecord,
  rejectionRecord,
  taskEntry,
  datasetConfig,
  datasetCounts,
  datasetManifest,
} from './dataset.js';
export type {
  SourceRef,
  SplitName,
  SampleRecord,
  RejectionRecord,
  TaskEntry,
  DatasetConfig,
  DatasetCounts,
  DatasetManifest,
} from './dataset.js';
export {
  FORMAT_INSTRUCTION,
  withFormatInstruction,
  IMAGE_PLACEHOLDER,
  imagePlaceholders,
  countImagePlaceholders,
  plainImagePlaceholders,
  promptWords,
  splitAtImagePlaceholders,
  PromptPlaceholderError,
} from './prompts.js';
export type { PromptPart, PromptPlaceholderErrorCode } from './prompts.js';
export { createRng, deriveSeed, hashString, mix32 } from './rng.js';
export type { Rng } from './rng.js';
