import { cloneRgb, drawMarker, markerRadiusFor, projectPoint, unprojectPixel, type CameraView, type CapturedView, type DepthMap, type Point3 } from '@spatial-ssrl/image';
import { IMAGE_PLACEHOLDER, promptWords, type Rng } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { defineTask, type AnyTaskInput, type Task, type TaskRejection, type ViewPairInput } from '../../task.js';
import { checkRgb } from '../input-checks.js';
import { markerInside, markerStyle, minMarkerDistance } from '../marker-geometry.js';
import { reject } from '../rejection.js';

const LETTERS = ['A', 'B', 'C', 'D'] as const;
/** Pixels on each side of a picked point whose depth must lie on the same surface. */
const SURFACE_REACH = 2;
/** Points tried in view 1, and candidate distractors drawn in view 2, before rejecting. */
const POINT_ATTEMPTS = 300;
const DISTRACTOR_ATTEMPTS = 600;

/**
 * Parameters of the correspondence task. `depthTolerance`: relative depth difference (0-1)
 * within which view 2's depth must agree with the reprojected point for it to count as visible
 * there, and within which the depth around each marked point must stay (one surface, not an
 * edge) (default 0.02); `maxReprojection`: pixels within which the true match's pixel centre
 * must map back onto the view-1 point (default 0.75); `minDistance`: metres every distractor's
 * 3-D point keeps from the true point (default 0.5); `minPixelDistance`: pixels between any two
 * candidate markers' centres beyond the markers' own clearance (default 0); `maxPixelDistance`:
 * pixels from the true match within which distractors are drawn (default 100,000: anywhere in
 * view 2), lower puts them around it; `markerRadius`:
 * pixels, or `auto` (`markerRadiusFor`); `markerFill`: `white`, or `by-label` (a colour per letter).
 */
export const correspondenceParams = z.strictObject({
  depthTolerance: z.number().positive().max(1).default(0.02),
  maxReprojection: z.number().positive().max(1).default(0.75),
  minDistance: z.number().min(0).max(100).default(0.5),
  minPixelDistance: z.number().min(0).max(4096).default(0),
  maxPixelDistance: z.number().positive().max(100_000).default(100_000),
  markerRadius: z.union([z.literal('auto'), z.number().int().min(3).max(512)]).default('auto'),
  markerFill: z.enum(['white', 'by-label']).default('white'),
});

/** Parameters of the correspondence task, defaults filled. */
export type CorrespondenceParams = z.infer<typeof correspondenceParams>;

/** A marked pixel (its centre is `(x + 0.5, y + 0.5)`) with the world point seen there, metres. */
export interface MarkedPoint {
  readonly x: number;
  readonly y: number;
  readonly world: Point3;
}

/** Metadata of a correspondence sample. */
export interface CorrespondenceMeta {
  /** The point marked `P` in view 1. */
  readonly point: MarkedPoint;
  /** The candidates marked `A`-`D` in view 2, in letter order. */
  readonly candidates: readonly MarkedPoint[];
  /** Index of the true match in `candidates`. */
  readonly match: number;
  /** Where the view-1 point projects in view 2 (continuous pixels) and its depth there, metres. */
  readonly projected: { readonly x: number; readonly y: number; readonly depth: number };
  readonly markerRadius: number;
}

const CORRESPONDENCE_PROMPT = `${IMAGE_PLACEHOLDER}${IMAGE_PLACEHOLDER}The two images show the same scene from two different viewpoints. A point is marked 'P' in the first image, and four points are marked 'A', 'B', 'C', and 'D' in the second image. Which of the points marked in the second image is the same 3D point as 'P'? Consider cues such as the objects, textures and surfaces around the points, and how the viewpoint changed between the images. The final answer should be chosen from 'A', 'B', 'C', and 'D'.`;

function depthAt(depth: DepthMap, x: number, y: number): number | null {
  const k = y * depth.width + x;
  const d = depth.data[k];
  return depth.valid[k] === 1 && Number.isFinite(d) && d > 0 ? d : null;
}

/** The depth at pixel `(x, y)` when every pixel within `SURFACE_REACH` lies within `tolerance` (relative) of it, else null. */
function surfaceDepth(depth: DepthMap, x: number, y: number, tolerance: number): number | null {
  const centre = depthAt(depth, x, y);
  if (centre === null) return null;
  for (let dy = -SURFACE_REACH; dy <= SURFACE_REACH; dy++) {
    for (let dx = -SURFACE_REACH; dx <= SURFACE_REACH; dx++) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= depth.width || yy >= depth.height) return null;
      const d = depthAt(depth, xx, yy);
      if (d === null || Math.abs(d - centre) > tolerance * centre) return null;
    }
  }
  return centre;
}

function checkView(view: CapturedView | undefined, which: string): DepthMap | TaskRejection {
  const bad = checkRgb(view?.rgb);
  if (bad) return bad;
  const { rgb, depth, camera } = view!;
  if (!camera) return reject('cameras-required', `view ${which} has no camera`);
  if (!depth) return reject('depth-required', `this task needs depth for both views; view ${which} has none`);
  if (depth.width !== rgb.width || depth.height !== rgb.height) {
    return reject('depth-size-mismatch', `depth of view ${which} is ${depth.width}×${depth.height} but its image is ${rgb.width}×${rgb.height}`);
  }
  const n = rgb.width * rgb.height;
  if (!(depth.data instanceof Float32Array) || depth.data.length !== n || !(depth.valid instanceof Uint8Array) || depth.valid.length !== n) {
    return reject('invalid-depth', `depth arrays of view ${which} must hold ${n} values (Float32Array data, Uint8Array valid)`);
  }
  return depth;
}

const isRejectionValue = (v: unknown): v is TaskRejection => typeof v === 'object' && v !== null && (v as TaskRejection).rejected === true;

interface TrueMatch {
  readonly point: MarkedPoint;
  readonly match: MarkedPoint;
  readonly projected: { readonly x: number; readonly y: number; readonly depth: number };
}

/** A view-1 pixel visible in view 2 (depth agrees, the match's pixel centre maps back), or null after the attempts. */
function findTrueMatch(views: readonly [CapturedView, CapturedView], depths: readonly [DepthMap, DepthMap], radius: number, params: CorrespondenceParams, rng: Rng): TrueMatch | null {
  const [v1, v2] = views;
  const cam1: CameraView = v1.camera;
  const cam2: CameraView = v2.camera;
  for (let attempt = 0; attempt < POINT_ATTEMPTS; attempt++) {
    const x = rng.int(radius, v1.rgb.width - 1 - radius);
    const y = rng.int(radius, v1.rgb.height - 1 - radius);
    const d1 = surfaceDepth(depths[0], x, y, params.depthTolerance);
    if (d1 === null) continue;
    const world = unprojectPixel(cam1, x + 0.5, y + 0.5, d1);
    const q = projectPoint(cam2, world);
    if (!(q.depth > 0) || !Number.isFinite(q.x) || !Number.isFinite(q.y)) continue;
    const u = Math.floor(q.x);
    const v = Math.floor(q.y);
    if (!markerInside(u, v, radius, v2.rgb.width, v2.rgb.height)) continue;
    const d2 = surfaceDepth(depths[1], u, v, params.depthTolerance);
    // Occlusion: view 2 must see this point, not something in front of it.
    if (d2 === null || Math.abs(d2 - q.depth) > params.depthTolerance * q.depth) continue;
    const matchWorld = unprojectPixel(cam2, u + 0.5, v + 0.5, d2);
    const back = projectPoint(cam1, matchWorld);
    if (!(back.depth > 0) || Math.hypot(back.x - (x + 0.5), back.y - (y + 0.5)) > params.maxReprojection) continue;
    return { point: { x, y, world }, match: { x: u, y: v, world: matchWorld }, projected: { x: q.x, y: q.y, depth: q.depth } };
  }
  return null;
}

/**
 * Point correspondence across two views: a point marked `P` in view 1, four points marked
 * `A`-`D` in view 2; the answer is the letter of the same 3-D point. The true match is visible
 * in both views (view 2's depth agrees with the reprojected point within `depthTolerance`, and
 * its pixel centre maps back within `maxReprojection` px); distractors are points on surfaces
 * of view 2 at least `minDistance` m from it in 3-D and apart from every other marker in pixels.
 */
export const correspondenceTask: Task<CorrespondenceParams, ViewPairInput> = defineTask<CorrespondenceParams, ViewPairInput>({
  id: 'correspondence',
  description: 'Point correspondence: find which of four points marked in a second view is the 3-D point marked in the first.',
  needs: { kind: 'view-pair', depth: true },
  optIn: true,
  params: correspondenceParams,
  variants: () => ['4-candidates'],
  imageCount: () => 2,
  answerSpace: () => LETTERS,
  // Mirroring both views moves every marker with its point (labels included): the letter stays.
  mirrorAnswer: ({ answer }) => ((LETTERS as readonly string[]).includes(answer) ? answer : null),
  recognizePrompt: (words) => (words === promptWords(CORRESPONDENCE_PROMPT) ? '4-candidates' : null),
  difficulty: [
    { param: 'minDistance', min: 0.1, max: 3, harder: 'lower', description: 'metres between the true point and every distractor in 3-D' },
    { param: 'minPixelDistance', min: 0, max: 16, harder: 'lower', description: 'extra pixels kept between candidate markers in view 2: nearby candidates are harder to tell apart' },
    { param: 'maxPixelDistance', min: 48, max: 640, harder: 'lower', description: 'pixels from the true match within which distractors lie: nearby distractors look alike' },
    { param: 'markerRadius', min: 3, max: 16, harder: 'higher', description: 'marker radius, pixels: a larger marker hides more of the texture around its point' },
  ],
  lowResolutionParams: { markerRadius: 16, markerFill: 'by-label' },
  generate(input: AnyTaskInput, params, rng) {
    if (!('kind' in input) || input.kind !== 'view-pair') return reject('view-pair-required', 'this task takes two views of one scene, not a single image or a clip');
    const views = input.views;
    const d1 = checkView(views[0], '1');
    if (isRejectionValue(d1)) return d1;
    const d2 = checkView(views[1], '2');
    if (isRejectionValue(d2)) return d2;
    const [w1, h1] = [views[0].rgb.width, views[0].rgb.height];
    const [w2, h2] = [views[1].rgb.width, views[1].rgb.height];
    const radius = params.markerRadius === 'auto' ? markerRadiusFor(Math.min(w1, w2), Math.min(h1, h2)) : params.markerRadius;
    const spacing = minMarkerDistance(radius) + params.minPixelDistance;
    if (Math.min(w1, h1, w2, h2) < 2 * radius + 1) {
      return reject('image-too-small', `views of ${w1}×${h1} and ${w2}×${h2} are too small for a marker of radius ${radius} px`);
    }
    const found = findTrueMatch(views, [d1, d2], radius, params, rng);
    if (!found) return reject('no-visible-point', `no point of view 1 on a surface was seen unoccluded in view 2 in ${POINT_ATTEMPTS} tries`);
    const candidates: MarkedPoint[] = [found.match];
    for (let attempt = 0; attempt < DISTRACTOR_ATTEMPTS && candidates.length < 4; attempt++) {
      const reach = Math.floor(params.maxPixelDistance);
      const x = rng.int(Math.max(radius, found.match.x - reach), Math.min(w2 - 1 - radius, found.match.x + reach));
      const y = rng.int(Math.max(radius, found.match.y - reach), Math.min(h2 - 1 - radius, found.match.y + reach));
      if (Math.hypot(x - found.match.x, y - found.match.y) > params.maxPixelDistance) continue;
      if (candidates.some((c) => Math.hypot(c.x - x, c.y - y) < spacing)) continue;
      const d = surfaceDepth(d2, x, y, params.depthTolerance);
      if (d === null) continue;
      const world = unprojectPixel(views[1].camera, x + 0.5, y + 0.5, d);
      const p = found.point.world;
      if (Math.hypot(world[0] - p[0], world[1] - p[1], world[2] - p[2]) < params.minDistance) continue;
      candidates.push({ x, y, world });
    }
    if (candidates.length < 4) {
      return reject('no-distractors', `only ${candidates.length - 1} of 3 distractors found on surfaces of view 2 at least ${params.minDistance} m and ${spacing} px from the other candidates, within ${params.maxPixelDistance} px of the match`);
    }
    const match = rng.int(0, 3);
    const ordered = [...candidates.slice(1)];
    ordered.splice(match, 0, found.match);
    const first = cloneRgb(views[0].rgb);
    drawMarker(first, found.point.x, found.point.y, radius, 'P');
    const second = cloneRgb(views[1].rgb);
    ordered.forEach((c, k) => drawMarker(second, c.x, c.y, radius, LETTERS[k], markerStyle(params.markerFill, k + 1)));
    const meta: CorrespondenceMeta = { point: found.point, candidates: ordered, match, projected: found.projected, markerRadius: radius };
    return {
      variant: '4-candidates',
      prompt: CORRESPONDENCE_PROMPT,
      answer: LETTERS[match],
      images: [
        { name: 'view-1', image: first },
        { name: 'view-2', image: second },
      ],
      meta: { ...meta },
    };
  },
});
