import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../http/http-error.js';
import type { Route } from '../http/http-server.js';
import { sendFile } from '../http/static-file.js';

/** Where the built page is: `dist/page/` beside the built CLI, or found from the sources. */
function pageDir(): string | undefined {
  for (const candidate of ['./page/', '../../dist/page/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

const PAGE_POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";

/** `GET /`: the web page (tasks, the model's answers, the dataset browser, the run viewer), and its script and style sheet. */
export function pageRoutes(): Route[] {
  const dir = pageDir();
  const need = (): string => {
    if (!dir) throw new HttpError(503, 'service_unavailable', 'the web page is not built: run `pnpm build` (or `pnpm ssrl-serve`, which builds first)', null, 'page_not_built');
    return dir;
  };
  return [
    {
      method: 'GET',
      path: '/',
      summary: 'the web page',
      handle: ({ res }) => {
        res.setHeader('Content-Security-Policy', PAGE_POLICY);
        return sendFile(res, need(), 'index.html', ['.html']);
      },
    },
    {
      method: 'GET',
      path: '/assets/:file',
      summary: 'the page\'s script and style sheet',
      handle: ({ params, res }) => sendFile(res, need(), params.file, ['.js', '.css']),
    },
  ];
}
