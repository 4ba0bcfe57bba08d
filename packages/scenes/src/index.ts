export { renderScene, renderLayout, renderView, SEGMENT } from './scene-render.js';
export type { RenderSceneOptions, RenderLayoutOptions, RenderViewOptions, RenderedScene, RenderedView, SceneQuality, SegmentMap } from './scene-render.js';
export { scenePose } from './scene-pose.js';
export type { ScenePose } from './scene-pose.js';
export { layoutScene } from './scene-layout.js';
export { checkLayout, MAX_SCENE_OBJECTS } from './scene-check.js';
export { cameraModel, cameraView, projectPoint, toCamera } from './scene-camera.js';
export type { CameraModel, ProjectedPoint } from './scene-camera.js';
export { objectSilhouettes } from './scene-coverage.js';
export type { ObjectSilhouette } from './scene-coverage.js';
export { sceneSeed } from './random.js';
export { SceneError } from './errors.js';
export type { SceneErrorCode } from './errors.js';
export type {
  GroundTexture,
  ObjectKind,
  ObjectTexture,
  SceneBackdrop,
  SceneCamera,
  SceneGround,
  SceneLight,
  SceneMeta,
  SceneObject,
  SceneSky,
  Vec3,
} from './scene-types.js';
export { syntheticSource, parseSyntheticSpec, MAX_SYNTHETIC_COUNT, DEFAULT_SYNTHETIC_COUNT } from './synthetic-source.js';
export type { SyntheticSourceOptions } from './synthetic-source.js';
export { planFlythrough, renderFlythroughFrame, CAMERA_MOTIONS } from './flythrough.js';
export type { CameraMotion, FlythroughOptions, FlythroughPath, FlythroughSegment } from './flythrough.js';
export { flythroughSource, parseFlythroughSpec, DEFAULT_FLYTHROUGH_FRAMES } from './flythrough-source.js';
export type { FlythroughSourceOptions } from './flythrough-source.js';
export { renderViewPair, twoViewSource, parseTwoViewSpec } from './two-view.js';
export type { ViewPair, ViewPairOptions, TwoViewSourceOptions } from './two-view.js';
