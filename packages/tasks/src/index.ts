export { splitOf } from './split.js';
export type { SplitOptions } from './split.js';
export { resolveSource } from './source-spec.js';
export { createPlan, shardRange, sampleId } from './dataset/plan.js';
export type { DatasetPlan, PlanTask, PlanItem, PlannedAttempt } from './dataset/plan.js';
export { generateDataset } from './dataset/writer.js';
export type { GenerateDatasetOptions, GenerateDatasetResult, GenerateProgress, DatasetTaskOption } from './dataset/writer.js';
export { loadTaskPlugin, normalizePluginSpecifier } from './dataset/plugin.js';
export type { PluginRegistry } from './dataset/plugin.js';
export { defineTask, isRejection, taskChance } from './task.js';
export type { Task, DifficultyKnob, TaskNeeds, TaskInput, TaskImage, TaskSample, TaskRejection, TaskResult, MirrorInput } from './task.js';
export { createRegistry, defaultRegistry, builtinTasks, TaskRegistryError } from './registry.js';
export type { TaskRegistry, TaskRegistryErrorCode } from './registry.js';
export { shuffleTask, shuffleParams } from './tasks/shuffle/shuffle.js';
export type { ShuffleParams, ShuffleMeta } from './tasks/shuffle/shuffle.js';
export { SHUFFLE_VARIANTS, SHUFFLE_LAYOUTS, SSRL81K_SHUFFLE_MIX } from './tasks/shuffle/shuffle-layouts.js';
export type { ShuffleVariant, ShuffleLayout } from './tasks/shuffle/shuffle-layouts.js';
export { flipTask, flipParams, FLIP_PROMPT } from './tasks/flip/flip.js';
export type { FlipParams, FlipMeta, FlipDirection } from './tasks/flip/flip.js';
export { cropTask, cropParams, CROP_LETTERS, CROP_PROMPT, CROP_COMPOSITE_PROMPT } from './tasks/crop/crop.js';
export type { CropParams, CropMeta } from './tasks/crop/crop.js';
export { DISTRACTOR_TRANSFORMS } from './tasks/crop/crop-options.js';
export type { CropTransform } from './tasks/crop/crop-options.js';
export type { CompositeLayout } from './tasks/crop/crop-composite.js';
export { depthTask, depthParams, DEPTH_PROMPT } from './tasks/depth/depth.js';
export type { DepthParams, DepthMeta, DepthMarker } from './tasks/depth/depth.js';
export { positionTask, positionParams, positionPrompt } from './tasks/position/position.js';
export type { PositionParams, PositionMeta, PositionMarker } from './tasks/position/position.js';
export {
  POSITION_ANSWERS,
  FACINGS,
  FACING_PHRASES,
  SINGLE_DIRECTIONS,
  COMPOUND_DIRECTIONS,
  positionAnswer,
  usesCompound,
} from './tasks/position/position-answers.js';
export type { Facing, PairKind, PositionCase } from './tasks/position/position-answers.js';
export { PATCH_BORDER_COLOR, PATCH_BORDER_WIDTH, LABEL_OFFSET, LABEL_OUTLINE, labelHeightFor, labelBox } from './tasks/patch-style.js';
export { chanceByTask } from './chance.js';
export type { TaskChance } from './chance.js';
