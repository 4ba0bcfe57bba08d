export { loadBackend, ensureBackend, wasmBinaryDirectory, BACKEND_ORDER } from './backend.js';
export type { BackendChoice, LoadBackendOptions } from './backend.js';
export {
  modelConfig,
  inputFeatures,
  modelPresets,
  isModelPreset,
  imageTokenCount,
  channelCount,
  patchDim,
  mlpWidth,
} from './config.js';
export type { ModelConfig, ModelPreset } from './config.js';
export { ModelError, ContextLengthError, CheckpointError, QueueFullError } from './errors.js';
export type { ModelErrorCode } from './errors.js';
export { TEXT_TOKENS, TEXT_VOCAB_SIZE, PAD_ID, BOS_ID, EOS_ID, UNK_ID, encodeText, decodeText } from './tokenizer.js';
export { CONDITION_TOKENS, CONDITION_VOCAB_SIZE, conditionPrompt } from './conditioning.js';
export type { Conditioning, ConditionHints } from './conditioning.js';
export { mirrorPrepared, prepareImage, resizeArea, writePatches } from './image-features.js';
export type { PreparedImage } from './image-features.js';
export { buildEncoderFeed, buildTokenFeed, memoryLength } from './feed.js';
export type { ModelInput, EncoderFeed, EncoderFeedOptions, TokenFeed } from './feed.js';
export { paramSpecs, countParameters, initialWeights } from './params.js';
export type { ParamSpec } from './params.js';
export { PolicyModel } from './model.js';
export type { ForwardOptions, Memory, CreateModelOptions } from './model.js';
export { sample, pickToken, SamplingRun } from './sampling.js';
export type { SampleOptions, SampledSequence, RowSampling } from './sampling.js';
export { createGenerationScheduler, requestKey } from './generation-scheduler.js';
export type {
  GenerationJob,
  GenerationResult,
  GeneratedSample,
  GenerationScheduler,
  GenerationSchedulerOptions,
  SchedulerStats,
} from './generation-scheduler.js';
export { AdamW, optimizerConfig, learningRate } from './optimizer.js';
export type { OptimizerConfig, UpdateInfo } from './optimizer.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  loadPolicyModel,
  readCheckpointManifest,
  MODEL_FILE,
  WEIGHTS_FILE,
  TRAINING_FILE,
  OPTIMIZER_FILE,
} from './checkpoint.js';
export type { CheckpointManifest, LoadedCheckpoint, SaveCheckpointOptions, TrainingState } from './checkpoint.js';
export { createPolicy, loadPolicy } from './policy.js';
export type { PolicyOptions } from './policy.js';
export { CounterRng, hashKey } from './counter-rng.js';
export type { CounterRngState } from './counter-rng.js';
export { renderLineChart } from './svg-chart.js';
export type { LineChart, ChartAxis, ChartSeries } from './svg-chart.js';
export { readDataset, buildImageCache, cachedImage } from './sft/dataset.js';
export type { Dataset, ImageCache, ImageCacheOptions } from './sft/dataset.js';
export { prepareExamples, BatchPlan, feedsFor, formatTarget, mirrorRows, DEFAULT_TARGET_TEMPLATE } from './sft/batching.js';
export type { MirrorAugment, MirrorRule, TargetTemplates, TrainingRecord } from './sft/batching.js';
export type { TrainExample } from './sft/batching.js';
export { evaluateExamples, takePerTask } from './sft/evaluate.js';
export type { EvalReport, TaskScore, EvaluateOptions } from './sft/evaluate.js';
export { runPaths, readMetrics, renderTrainingCurve, writeTrainingCurve } from './sft/run-files.js';
export type { MetricsLine, RunPaths } from './sft/run-files.js';
export { trainSft, readRunMetrics, readRunConfig } from './sft/trainer.js';
export type { SftHooks, SftResult, StepProgress } from './sft/trainer.js';
export { sftOptions, parseSftOptions } from './sft/sft-options.js';
export type { SftOptions, SftSettings } from './sft/sft-options.js';
export { sftGradients, targetTokenCount } from './sft/sft-step.js';
export type { SftGradients, SftGradientOptions } from './sft/sft-step.js';
export { trainGrpo } from './grpo/trainer.js';
export type { GrpoHooks, GrpoResult, GrpoStepProgress } from './grpo/trainer.js';
export { grpoOptions, parseGrpoOptions, GRPO_ESTIMATORS, GRPO_GRADERS, SMALL_MODEL_GRPO_LR } from './grpo/grpo-options.js';
export type { GrpoOptions, GrpoSettings } from './grpo/grpo-options.js';
export { collectRollouts } from './grpo/rollout.js';
export type { Rollout, RolloutSettings } from './grpo/rollout.js';
export { rolloutAdvantages, selectGroups } from './grpo/rollout-advantages.js';
export type { BatchAdvantages, GroupSelection } from './grpo/rollout-advantages.js';
export { policyGradients, sequenceLogProbs, DEFAULT_IMAGE_BUDGET } from './grpo/policy-update.js';
export type { UpdateRow, LossSettings, UpdateMetrics } from './grpo/policy-update.js';
export { PromptPlan } from './grpo/prompt-plan.js';
export { resolveCheckpointDir } from './grpo/grpo-init.js';
export { grpoRunPaths, readGrpoMetrics, readRolloutLog, renderRewardCurve, writeRewardCurve } from './grpo/grpo-run-files.js';
export type { GrpoMetricsLine, GrpoStepLine, GrpoEvalLine, RolloutLogLine, RewardMeans, GrpoRunPaths } from './grpo/grpo-run-files.js';
