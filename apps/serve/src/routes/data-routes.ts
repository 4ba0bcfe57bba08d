import { z } from 'zod';
import { DatasetIndex } from '../data/dataset-index.js';
import { HttpError, invalidBody } from '../http/http-error.js';
import type { Route } from '../http/http-server.js';
import { sendFile } from '../http/static-file.js';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];
const MAX_PAGE = 100;

const query = z.object({
  task: z.string().min(1).optional(),
  split: z.string().min(1).optional(),
  variant: z.string().min(1).optional(),
  answer: z.string().optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(12),
});

const NO_DATA = 'no dataset is being browsed: start the server with --data DIR (a directory written by `ssrl-train generate`)';

/** URL of a dataset file for the page. */
function fileUrl(rel: string): string {
  return `/v1/data/files/${rel.split('/').map(encodeURIComponent).join('/')}`;
}

/** The dataset browser's routes over `--data DIR`: counts, filtered pages of records with image URLs, and the image files. */
export function dataRoutes(dir: string | undefined): Route[] {
  const index = dir === undefined ? undefined : new DatasetIndex(dir);
  const need = (): DatasetIndex => {
    if (!index) throw new HttpError(404, 'not_found', NO_DATA, null, 'no_dataset');
    return index;
  };
  return [
    {
      method: 'GET',
      path: '/v1/data',
      auth: true,
      summary: 'the browsed dataset: records by task, split, variant and answer',
      handle: () => need().summary(),
    },
    {
      method: 'GET',
      path: '/v1/data/samples',
      auth: true,
      summary: 'records of the browsed dataset, filtered (task, split, variant, answer) and paged (offset, limit)',
      handle: async ({ query: q }) => {
        const raw = Object.fromEntries(q);
        const parsed = query.safeParse(raw);
        if (!parsed.success) throw invalidBody(parsed.error, raw);
        const { offset, limit, ...filter } = parsed.data;
        const page = await need().query(filter, offset, limit);
        return {
          object: 'list',
          total: page.total,
          offset,
          data: page.records.map((r) => ({ ...r, image_urls: Array.isArray(r.images) ? (r.images as unknown[]).map((p) => fileUrl(String(p))) : [] })),
        };
      },
    },
    {
      method: 'GET',
      path: '/v1/data/files/*path',
      auth: true,
      summary: 'an image of the browsed dataset',
      handle: ({ params, res }) => sendFile(res, need().dir, params.path, IMAGE_EXTENSIONS),
    },
  ];
}
