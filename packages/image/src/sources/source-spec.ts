import { ImageSourceError } from '../errors.js';
import type { ImageSource } from '../source.js';
import { diodeSource } from './diode-source.js';
import { folderSource } from './folder-source.js';
import { megadepthSource } from './megadepth-source.js';

/** Source kinds `parseSourceSpec` understands. */
export const SOURCE_KINDS: readonly string[] = ['folder', 'diode', 'megadepth'];

/**
 * Builds a source from a spec string `folder:<dir>`, `diode:<dir>` or `megadepth:<dir>`; anything
 * else is an `ImageSourceError` (`unknown-source` listing the known kinds, or `invalid-spec`).
 */
export function parseSourceSpec(spec: string): ImageSource {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const dir = colon < 0 ? '' : spec.slice(colon + 1);
  const known = SOURCE_KINDS.map((k) => `${k}:<dir>`).join(', ');
  if (!SOURCE_KINDS.includes(kind)) {
    const extra =
      kind === 'synthetic'
        ? ' (the synthetic source is provided by @spatial-ssrl/scenes)'
        : kind === 'video' || kind === 'frames'
          ? ` (${kind} is a clip source: open it with parseClipSourceSpec)`
          : '';
    throw new ImageSourceError('unknown-source', `unknown image source "${kind}" in "${spec}"${extra}; known: ${known}`);
  }
  if (dir === '') throw new ImageSourceError('invalid-spec', `source spec "${spec}" needs a directory, e.g. ${kind}:/data/${kind}`);
  if (kind === 'folder') return folderSource(dir);
  if (kind === 'diode') return diodeSource(dir);
  return megadepthSource(dir);
}
