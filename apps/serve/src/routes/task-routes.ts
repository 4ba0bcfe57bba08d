import { decodeImage, depthFromNpy, encodeImage, imageSize, readH5Depth, readNpy, type DepthMap, type RgbImage } from '@spatial-ssrl/image';
import { syntheticSource } from '@spatial-ssrl/scenes';
import { createRng, withFormatInstruction } from '@spatial-ssrl/spec';
import { isRejection, taskChance, type Task, type TaskInput, type TaskRegistry } from '@spatial-ssrl/tasks';
import { z } from 'zod';
import { HttpError, invalidBody } from '../http/http-error.js';
import type { Route, RouteContext } from '../http/http-server.js';
import { dataUrlBytes, readForm } from '../http/form-body.js';

/** What the task routes read. */
export interface TaskRouteSettings {
  /** The built-in tasks and those added with `--plugin`. */
  readonly registry: TaskRegistry;
  /** Largest uploaded image, in pixels (more is a 413). */
  readonly maxImagePixels: number;
}

const MAX_SYNTHETIC_SIDE = 2048;
/** The request field of an uploaded depth map. */
const DEPTH = 'depth'; // not a task id: the upload field of a depth map

const sampleRequest = z
  .object({
    synthetic: z
      .object({
        seed: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
        width: z.number().int().min(16).max(MAX_SYNTHETIC_SIDE).default(640),
        height: z.number().int().min(16).max(MAX_SYNTHETIC_SIDE).default(480),
      })
      .optional(),
    image: z.string().min(1).optional(),
    depth: z.string().min(1).optional(),
    depth_mask: z.string().min(1).optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
  })
  .refine((b) => (b.synthetic === undefined) !== (b.image === undefined), { message: 'give either synthetic: {seed} or image (and optionally depth), not both and not neither', path: ['synthetic'] })
  .refine((b) => b.image !== undefined || (b.depth === undefined && b.depth_mask === undefined), { message: 'depth goes with an uploaded image', path: [DEPTH] });
type SampleRequest = z.infer<typeof sampleRequest>;

function jsonSchemaOf(task: Task<unknown>): unknown {
  try {
    return z.toJSONSchema(task.params as z.ZodType, { io: 'input', unrepresentable: 'any' });
  } catch (error) {
    return { description: `not representable as JSON Schema: ${(error as Error).message}` };
  }
}

/** A task as `GET /v1/tasks` lists it: what it needs, its params as JSON Schema, and per variant of the default params its image count, answer space and declared chance level, and its partial-credit rule (null without one). */
function describe(task: Task<unknown>) {
  const defaults = task.params.safeParse({});
  const variants = defaults.success ? task.variants(defaults.data) : [];
  return {
    id: task.id,
    description: task.description,
    needs: task.needs,
    params_schema: jsonSchemaOf(task),
    default_params: defaults.success ? defaults.data : null,
    variants: variants.map((variant) => {
      return { variant, images: task.imageCount(defaults.data, variant), answer_space: task.answerSpace(defaults.data, variant), chance: taskChance(task, defaults.data, variant) };
    }),
    mirrors: typeof task.mirrorAnswer === 'function',
    partial_credit: task.partialCredit ?? null,
  };
}

async function decodeUpload(bytes: Uint8Array, field: string, maxPixels: number): Promise<RgbImage> {
  let size;
  try {
    size = await imageSize(bytes);
  } catch (error) {
    throw new HttpError(400, 'invalid_request_error', `${field}: not a readable image (${(error as Error).message})`, field, 'invalid_image');
  }
  if (size.width * size.height > maxPixels) {
    throw new HttpError(413, 'payload_too_large', `${field}: image of ${size.width}×${size.height} exceeds the limit of ${maxPixels} pixels (--max-image-pixels)`, field, 'image_too_large');
  }
  try {
    return await decodeImage(bytes);
  } catch (error) {
    throw new HttpError(400, 'invalid_request_error', `${field}: ${(error as Error).message}`, field, 'invalid_image');
  }
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const starts = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

async function decodeDepth(bytes: Uint8Array, mask: Uint8Array | undefined): Promise<DepthMap> {
  try {
    if (starts(bytes, NPY_MAGIC)) return depthFromNpy(readNpy(bytes, DEPTH), mask ? readNpy(mask, 'depth_mask') : undefined, DEPTH);
    if (starts(bytes, HDF5_MAGIC)) return await readH5Depth(bytes);
  } catch (error) {
    throw new HttpError(400, 'invalid_request_error', `${DEPTH}: ${(error as Error).message}`, DEPTH, 'invalid_depth');
  }
  throw new HttpError(400, 'invalid_request_error', `${DEPTH}: not a .npy (H×W float32/float64) or HDF5 (a dataset named ${DEPTH}) file`, DEPTH, 'invalid_depth');
}

function checkDepth(rgb: RgbImage, depth: DepthMap): void {
  if (depth.width !== rgb.width || depth.height !== rgb.height) {
    throw new HttpError(400, 'invalid_request_error', `depth is ${depth.width}×${depth.height} but the image is ${rgb.width}×${rgb.height}`, DEPTH, 'depth_size_mismatch');
  }
  for (let i = 0; i < depth.valid.length; i++) if (depth.valid[i] !== 0 && Number.isFinite(depth.data[i])) return;
  throw new HttpError(400, 'invalid_request_error', 'depth has no valid finite value', DEPTH, 'depth_empty');
}

/** Reads the body of a sample request: JSON (images as data URLs) or multipart/form-data (files `image`, `depth`, `depth_mask`; JSON fields `params`, `synthetic`; `seed`). */
async function readSampleBody(ctx: RouteContext): Promise<{ request: SampleRequest; files: { image?: Uint8Array; depth?: Uint8Array; mask?: Uint8Array } }> {
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  let body: unknown;
  const files: { image?: Uint8Array; depth?: Uint8Array; mask?: Uint8Array } = {};
  if (type === 'multipart/form-data') {
    const form = await readForm(ctx.req, ctx.body as Buffer);
    const json = (field: string) => {
      const v = form.fields.get(field);
      if (v === undefined) return undefined;
      try {
        return JSON.parse(v);
      } catch {
        throw new HttpError(400, 'invalid_request_error', `${field}: not valid JSON`, field, 'invalid_json');
      }
    };
    files.image = form.files.get('image');
    files.depth = form.files.get(DEPTH);
    files.mask = form.files.get('depth_mask');
    body = {
      params: json('params'),
      synthetic: json('synthetic'),
      seed: form.fields.has('seed') ? Number(form.fields.get('seed')) : undefined,
      image: files.image ? 'file' : undefined,
      depth: files.depth ? 'file' : undefined,
      depth_mask: files.mask ? 'file' : undefined,
    };
  } else {
    try {
      body = JSON.parse((ctx.body as Buffer).toString('utf8'));
    } catch (error) {
      throw new HttpError(400, 'invalid_request_error', `body is not valid JSON: ${(error as Error).message}`, 'body', 'invalid_json');
    }
  }
  const parsed = sampleRequest.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error, body);
  if (type !== 'multipart/form-data') {
    const { image, depth, depth_mask } = parsed.data;
    if (image) files.image = dataUrlBytes(image, 'image');
    if (depth) files.depth = dataUrlBytes(depth, DEPTH);
    if (depth_mask) files.mask = dataUrlBytes(depth_mask, 'depth_mask');
  }
  return { request: parsed.data, files };
}

async function sampleTask(settings: TaskRouteSettings, ctx: RouteContext): Promise<unknown> {
  if (!settings.registry.has(ctx.params.id)) {
    throw new HttpError(404, 'not_found', `unknown task '${ctx.params.id}'; tasks: ${settings.registry.list().map((t) => t.id).join(', ')} (GET /v1/tasks)`, 'id', 'unknown_task');
  }
  const task = settings.registry.get(ctx.params.id) as Task<unknown>;
  const { request, files } = await readSampleBody(ctx);
  const params = task.params.safeParse(request.params);
  if (!params.success) {
    const issue = params.error.issues[0];
    const field = ['params', ...issue.path.map(String)].join('.');
    throw new HttpError(400, 'invalid_request_error', `${field}: ${issue.message}`, field, 'invalid_params');
  }
  let input: TaskInput;
  if (request.synthetic) {
    const { seed, width, height } = request.synthetic;
    const [item] = await syntheticSource({ count: 1, seed, width, height }).list();
    const scene = await item.load();
    input = { rgb: scene.rgb, depth: scene.depth, source: { dataset: `synthetic:seed=${seed}`, id: item.id } };
  } else {
    const rgb = await decodeUpload(files.image!, 'image', settings.maxImagePixels);
    const depth = files.depth ? await decodeDepth(files.depth, files.mask) : undefined;
    if (depth) checkDepth(rgb, depth);
    input = { rgb, depth, source: { dataset: 'upload', id: 'image' } };
  }
  if (task.needs === 'rgbd' && !input.depth) {
    throw new HttpError(400, 'invalid_request_error', `task ${task.id} needs depth: upload a depth file (.npy or HDF5) with the image, or use synthetic: {seed}`, DEPTH, 'depth_required');
  }
  let result;
  try {
    result = task.generate(input, params.data, createRng(request.seed));
  } catch (error) {
    throw new HttpError(500, 'server_error', `task ${task.id} failed on this input: ${(error as Error).message}`, null, 'task_error');
  }
  const base = { task: task.id, seed: request.seed, params: params.data, source: { ...input.source, width: input.rgb.width, height: input.rgb.height } };
  if (isRejection(result)) return { object: 'task.rejection', ...base, code: result.code, reason: result.reason };
  const images = await Promise.all(
    result.images.map(async (img) => {
      const format = img.format ?? 'png';
      const bytes = await encodeImage(img.image, { format });
      return { name: img.name, width: img.image.width, height: img.image.height, url: `data:image/${format};base64,${bytes.toString('base64')}` };
    }),
  );
  return {
    object: 'task.sample',
    ...base,
    variant: result.variant,
    prompt: result.prompt,
    rl_prompt: withFormatInstruction(result.prompt),
    answer: result.answer,
    answer_space: task.answerSpace(params.data, result.variant),
    images,
    meta: result.meta,
  };
}

/** `GET /v1/tasks` (the registry) and `POST /v1/tasks/:id/sample` (one sample from an upload or a synthetic scene). */
export function taskRoutes(settings: TaskRouteSettings): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/tasks',
      auth: true,
      summary: 'the pretext tasks: needs, params as JSON Schema, answer spaces',
      // Opt-in tasks (beyond the paper's five, some made from clips or view pairs, which this
      // server's single-image generate route does not take) are left out of the list, as they
      // are left out of default mixes; their generate route still answers by id.
      handle: () => ({ object: 'list', data: settings.registry.list().filter((t) => t.optIn !== true).map((t) => describe(t as Task<unknown>)) }),
    },
    {
      method: 'POST',
      path: '/v1/tasks/:id/sample',
      body: 'raw',
      accepts: ['application/json', 'multipart/form-data'],
      auth: true,
      summary: 'one sample of a task from an uploaded image (+ depth) or a synthetic seed',
      handle: (ctx) => sampleTask(settings, ctx),
    },
  ];
}
