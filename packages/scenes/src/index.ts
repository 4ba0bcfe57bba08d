export { renderScene, renderLayout, SEGMENT } from './scene-render.js';
export type { RenderSceneOptions, RenderLayoutOptions, RenderedScene, SceneQuality, SegmentMap } from './scene-render.js';
export { layoutScene } from './scene-layout.js';
export { checkLayout, MAX_SCENE_OBJECTS } from './scene-check.js';
export { cameraModel, projectPoint, toCamera } from './scene-camera.js';
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
