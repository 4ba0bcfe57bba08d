export { defineTask, isRejection, taskChance, taskNeeds, answerCount, isAnswer } from './task.js';
export type {
  Task,
  TaskNeeds,
  InputNeeds,
  ImageNeeds,
  ClipNeeds,
  ViewPairNeeds,
  AnswerSpace,
  PermutationAnswers,
  TaskInput,
  ClipInput,
  ViewPairInput,
  AnyTaskInput,
  TaskSourceRef,
  TaskImage,
  TaskSample,
  TaskRejection,
  TaskResult,
  MirrorInput,
  DifficultyKnob,
} from './task.js';
export { resolveSource, resolveClipSource, resolveViewPairSource } from './source-spec.js';
export { createRegistry, defaultRegistry, builtinTasks, extraTasks, TaskRegistryError } from './registry.js';
export type { TaskRegistry, TaskRegistryErrorCode } from './registry.js';
export { chanceByTask } from './chance.js';
export type { TaskChance } from './chance.js';
export { generateDataset } from './dataset/writer.js';
export type { GenerateDatasetOptions, GenerateDatasetResult, GenerateProgress, DatasetTaskOption } from './dataset/writer.js';
export { loadTaskPlugin, normalizePluginSpecifier } from './dataset/plugin.js';
export type { PluginRegistry } from './dataset/plugin.js';
export { splitOf } from './split.js';
export type { SplitOptions } from './split.js';
export { shuffleTask, shuffleParams } from './tasks/shuffle/shuffle.js';
export type { ShuffleParams, ShuffleMeta } from './tasks/shuffle/shuffle.js';
export { flipTask, flipParams } from './tasks/flip/flip.js';
export type { FlipParams, FlipMeta } from './tasks/flip/flip.js';
export { cropTask, cropParams } from './tasks/crop/crop.js';
export type { CropParams, CropMeta } from './tasks/crop/crop.js';
export { depthTask, depthParams } from './tasks/depth/depth.js';
export type { DepthParams, DepthMeta } from './tasks/depth/depth.js';
export { positionTask, positionParams } from './tasks/position/position.js';
export type { PositionParams, PositionMeta } from './tasks/position/position.js';
export { rotationTask, rotationParams, ROTATION_ANGLES } from './tasks/rotation/rotation.js';
export type { RotationParams, RotationMeta } from './tasks/rotation/rotation.js';
export { jigsawTask, jigsawParams } from './tasks/jigsaw/jigsaw.js';
export type { JigsawParams, JigsawMeta } from './tasks/jigsaw/jigsaw.js';
export { frameOrderTask, frameOrderParams } from './tasks/frame-order/frame-order.js';
export type { FrameOrderParams, FrameOrderMeta } from './tasks/frame-order/frame-order.js';
export { playbackTask, playbackParams, PLAYBACK_ANSWERS } from './tasks/playback/playback.js';
export type { PlaybackParams, PlaybackMeta } from './tasks/playback/playback.js';
export { cameraMotionTask, cameraMotionParams, CAMERA_MOTION_ANSWERS, relativeMotion, classifyMotion } from './tasks/camera-motion/camera-motion.js';
export { correspondenceTask, correspondenceParams } from './tasks/correspondence/correspondence.js';
export type { CorrespondenceParams, CorrespondenceMeta, MarkedPoint } from './tasks/correspondence/correspondence.js';
export type { CameraMotionParams, CameraMotionMeta, CameraMotionAnswer, RelativeMotion } from './tasks/camera-motion/camera-motion.js';
