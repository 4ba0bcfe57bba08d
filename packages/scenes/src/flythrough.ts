import { SceneError } from './errors.js';
import { createRng, mix32, type Rng } from '@spatial-ssrl/spec';
import { footprintRadius, layoutScene } from './scene-layout.js';
import { scenePose, type ScenePose } from './scene-pose.js';
import { renderView, type RenderedView, type SceneQuality } from './scene-render.js';
import type { SceneMeta } from './scene-types.js';

const DEG = Math.PI / 180;

/**
 * How the camera moves during one segment of a fly-through, in its own frame: `dolly` moves
 * along the viewing direction, `truck` sideways, `turn` rotates in place about the vertical
 * axis, `arc` dollies forward while turning.
 */
export type CameraMotion = 'dolly-forward' | 'dolly-backward' | 'truck-left' | 'truck-right' | 'turn-left' | 'turn-right' | 'arc-left' | 'arc-right';

/** Every camera motion a fly-through uses. */
export const CAMERA_MOTIONS: readonly CameraMotion[] = [
  'dolly-forward',
  'dolly-backward',
  'truck-left',
  'truck-right',
  'turn-left',
  'turn-right',
  'arc-left',
  'arc-right',
];

/** One stretch of constant motion. */
export interface FlythroughSegment {
  readonly motion: CameraMotion;
  /** The frame the segment moves away from, and how many frames it moves through. */
  readonly fromFrame: number;
  readonly frames: number;
  /** Distance moved per frame, metres (0 for turns). */
  readonly step: number;
  /** Turn per frame, degrees, positive to the right (0 for dollies and trucks). */
  readonly turnDeg: number;
}

/** A planned camera path through one scene: a pose per frame and the motions between them. */
export interface FlythroughPath {
  readonly seed: number;
  readonly meta: SceneMeta;
  /** Frames per second of the path's timeline; frame `k` is at `k / fps` seconds. */
  readonly fps: number;
  readonly poses: readonly ScenePose[];
  readonly segments: readonly FlythroughSegment[];
}

/** Options of {@link planFlythrough}. */
export interface FlythroughOptions {
  /** Scene seed, any safe integer: the same scene as `renderScene({ seed })`. */
  readonly seed: number;
  /** Frames, 1-10,000. */
  readonly frames: number;
  /** Frames per second, > 0; default 10. */
  readonly fps?: number;
}

/**
 * Motion per frame, chosen so consecutive frames overlap: a turn moves the view by at most about
 * 6 % of a 50° field of view, and a step is a fraction of the 0.8 m the camera keeps from every
 * object. At the default 10 fps these are walking speeds (1-3.5 m/s) and turns of 10-30°/s.
 */
const STEP_RANGE = { dolly: [0.12, 0.35], truck: [0.1, 0.3], arc: [0.1, 0.25] } as const;
const TURN_RANGE = { turn: [1, 3], arc: [0.8, 2] } as const;
const SEGMENT_FRAMES = [4, 12] as const;
/** Horizontal distance kept from every object's footprint, metres. */
const CLEARANCE = 0.8;
/** How far from the ring of hills the camera stays, metres. */
const RING_MARGIN = 15;
/** Largest yaw away from the scene's own view direction, degrees: the objects stand in front. */
const MAX_YAW = 75;
const FLYTHROUGH_SALT = 0x5f1e7b3d;

interface Obstacle {
  readonly x: number;
  readonly z: number;
  readonly radius: number;
}

function step(pose: ScenePose, motion: CameraMotion, stepM: number, turnDeg: number): ScenePose {
  const yaw = pose.yawDeg * DEG;
  const fx = Math.sin(yaw);
  const fz = Math.cos(yaw);
  let [x, y, z] = pose.position;
  let yawDeg = pose.yawDeg;
  switch (motion) {
    case 'dolly-forward':
    case 'arc-left':
    case 'arc-right':
      x += stepM * fx;
      z += stepM * fz;
      break;
    case 'dolly-backward':
      x -= stepM * fx;
      z -= stepM * fz;
      break;
    case 'truck-right':
      x += stepM * fz;
      z -= stepM * fx;
      break;
    case 'truck-left':
      x -= stepM * fz;
      z += stepM * fx;
      break;
    default:
      break;
  }
  yawDeg += turnDeg;
  return { ...pose, position: [x, y, z], yawDeg };
}

function collisionFree(pose: ScenePose, obstacles: readonly Obstacle[], ringLimit: number): boolean {
  const [x, , z] = pose.position;
  if (Math.hypot(x, z) > ringLimit) return false;
  if (Math.abs(pose.yawDeg) > MAX_YAW) return false;
  return obstacles.every((o) => Math.hypot(x - o.x, z - o.z) >= o.radius + CLEARANCE);
}

/** Whether some object's base centre lies inside the pose's horizontal field of view, in front of it. */
function seesAnObject(pose: ScenePose, obstacles: readonly Obstacle[]): boolean {
  const yaw = pose.yawDeg * DEG;
  const half = (pose.hfovDeg / 2) * DEG * 0.9;
  return obstacles.some((o) => {
    const dx = o.x - pose.position[0];
    const dz = o.z - pose.position[2];
    const forward = dx * Math.sin(yaw) + dz * Math.cos(yaw);
    const right = dx * Math.cos(yaw) - dz * Math.sin(yaw);
    return forward > 0.5 && Math.abs(Math.atan2(right, forward)) < half;
  });
}

function drawMotion(rng: Rng, motion: CameraMotion): { stepM: number; turnDeg: number } {
  const kind = motion.split('-')[0] as 'dolly' | 'truck' | 'turn' | 'arc';
  const right = motion.endsWith('right') ? 1 : -1;
  if (kind === 'turn') return { stepM: 0, turnDeg: right * rng.range(TURN_RANGE.turn[0], TURN_RANGE.turn[1]) };
  const stepM = rng.range(STEP_RANGE[kind][0], STEP_RANGE[kind][1]);
  return { stepM, turnDeg: kind === 'arc' ? right * rng.range(TURN_RANGE.arc[0], TURN_RANGE.arc[1]) : 0 };
}

/**
 * Plans a camera path through scene `seed`, deterministic by seed: it starts at the scene's own
 * camera and strings together segments of 4-12 frames of one motion each (dolly, truck, turn or
 * arc at a speed drawn per segment). Every pose keeps 0.8 m from each object, 15 m from the
 * hills and within 75° of the scene's view direction; segments that see an object at their end
 * are preferred, and when no motion fits the camera turns back towards the scene. Height, pitch
 * and field of view stay those of the scene's camera.
 */
export function planFlythrough(options: FlythroughOptions): FlythroughPath {
  const { seed, frames } = options;
  const fps = options.fps ?? 10;
  if (!Number.isInteger(frames) || frames < 1 || frames > 10_000) {
    throw new SceneError('invalid-option', `frames must be an integer from 1 to 10000, got ${String(frames)}`);
  }
  if (!(fps > 0 && Number.isFinite(fps))) throw new SceneError('invalid-option', `fps must be a positive number, got ${String(fps)}`);
  const meta = layoutScene(seed);
  const obstacles: Obstacle[] = meta.objects.map((o) => ({ x: o.position[0], z: o.position[2], radius: footprintRadius(o.kind, o.size) }));
  const ringLimit = meta.backdrop.distance - RING_MARGIN;
  const rng = createRng(mix32((meta.textureSalt ^ FLYTHROUGH_SALT) >>> 0));
  const poses: ScenePose[] = [scenePose(meta)];
  const segments: FlythroughSegment[] = [];
  while (poses.length < frames) {
    const from = poses.length - 1;
    const length = Math.min(rng.int(SEGMENT_FRAMES[0], SEGMENT_FRAMES[1]), frames - poses.length);
    // Every candidate's speed is drawn up front, so the stream does not depend on which one fits.
    const order = [...CAMERA_MOTIONS];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const candidates = order.map((motion) => ({ motion, ...drawMotion(rng, motion) }));
    let chosen: { motion: CameraMotion; stepM: number; turnDeg: number; path: ScenePose[] } | undefined;
    let fallback: typeof chosen;
    for (const c of candidates) {
      const path: ScenePose[] = [];
      let pose = poses[from]!;
      let ok = true;
      for (let k = 0; k < length && ok; k++) {
        pose = step(pose, c.motion, c.stepM, c.turnDeg);
        ok = collisionFree(pose, obstacles, ringLimit);
        path.push(pose);
      }
      if (!ok) continue;
      if (seesAnObject(pose, obstacles)) {
        chosen = { ...c, path };
        break;
      }
      fallback ??= { ...c, path };
    }
    chosen ??= fallback;
    if (!chosen) {
      // Nothing fits: turn in place back towards the scene's view direction (always collision-free).
      const current = poses[from]!;
      const turnDeg = (current.yawDeg > 0 ? -1 : 1) * Math.min(TURN_RANGE.turn[1], Math.max(TURN_RANGE.turn[0], Math.abs(current.yawDeg) / length));
      const motion: CameraMotion = turnDeg < 0 ? 'turn-left' : 'turn-right';
      const path: ScenePose[] = [];
      let pose = current;
      for (let k = 0; k < length; k++) path.push((pose = step(pose, motion, 0, turnDeg)));
      chosen = { motion, stepM: 0, turnDeg, path };
    }
    segments.push({ motion: chosen.motion, fromFrame: from, frames: length, step: chosen.stepM, turnDeg: chosen.turnDeg });
    poses.push(...chosen.path);
  }
  return { seed, meta, fps, poses, segments };
}

/** Renders frame `k` of a planned fly-through (exact depth and camera per frame). */
export function renderFlythroughFrame(path: FlythroughPath, k: number, width = 640, height = 480, quality: SceneQuality = 'standard'): RenderedView {
  if (!Number.isInteger(k) || k < 0 || k >= path.poses.length) {
    throw new SceneError('invalid-option', `frame ${String(k)} is outside 0…${path.poses.length - 1}`);
  }
  return renderView({ meta: path.meta, pose: path.poses[k]!, width, height, quality });
}
