import type { ClipSource } from '../clip.js';
import { ImageSourceError } from '../errors.js';
import { frameFolderSource } from './frame-folder-source.js';
import { videoSource } from './video-source.js';

/** Clip source kinds `parseClipSourceSpec` understands. */
export const CLIP_SOURCE_KINDS: readonly string[] = ['video', 'frames'];

const OPTIONS: Readonly<Record<string, readonly string[]>> = { video: ['max-side'], frames: ['fps'] };

function parseQuery(spec: string, kind: string, query: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of query.split('&').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (!key || value === undefined || !OPTIONS[kind]!.includes(key)) {
      throw new ImageSourceError('invalid-spec', `unknown option "${part}" in "${spec}"; ${kind} sources take ${OPTIONS[kind]!.map((o) => `${o}=<number>`).join(', ')}`);
    }
    const n = Number(value);
    if (!(Number.isFinite(n) && n > 0) || (key === 'max-side' && !Number.isInteger(n))) {
      throw new ImageSourceError('invalid-spec', `option ${key} in "${spec}" must be a positive ${key === 'max-side' ? 'integer' : 'number'}, got "${value}"`);
    }
    out.set(key, n);
  }
  return out;
}

/**
 * Builds a clip source from a spec: `video:<file or dir>` (videos through ffmpeg; option
 * `?max-side=<px>` scales frames down) or `frames:<dir>` (frame folders; option `?fps=<n>` for
 * folders without a timestamps file, default 30). Anything else is an `ImageSourceError`
 * (`unknown-source` listing the known kinds, or `invalid-spec`).
 */
export function parseClipSourceSpec(spec: string): ClipSource {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  if (!CLIP_SOURCE_KINDS.includes(kind)) {
    const extra = kind === 'flythrough' ? ' (fly-throughs are provided by @spatial-ssrl/scenes)' : '';
    throw new ImageSourceError('unknown-source', `unknown clip source "${kind}" in "${spec}"${extra}; known: ${CLIP_SOURCE_KINDS.map((k) => `${k}:<path>`).join(', ')}`);
  }
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  const q = rest.lastIndexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const options = parseQuery(spec, kind, q < 0 ? '' : rest.slice(q + 1));
  if (path === '') throw new ImageSourceError('invalid-spec', `clip source spec "${spec}" needs a path, e.g. ${kind}:/data/${kind === 'video' ? 'videos' : 'frames'}`);
  if (kind === 'video') {
    const maxSide = options.get('max-side');
    return videoSource(path, maxSide === undefined ? {} : { maxSide });
  }
  const fps = options.get('fps');
  return frameFolderSource(path, fps === undefined ? {} : { fps });
}
