import { parseSourceSpec, type ImageSource } from '@spatial-ssrl/image';
import { parseSyntheticSpec, syntheticSource } from '@spatial-ssrl/scenes';

/**
 * Opens a source from its spec: `synthetic[:count[:WxH]]` → the embedded synthetic RGB-D scenes;
 * `folder:<dir>`, `diode:<dir>`, `megadepth:<dir>` → the image package's file sources. A bad
 * spec throws the parser's error (`ImageSourceError` or the scenes package's spec error).
 */
export function resolveSource(spec: string): ImageSource {
  if (spec === 'synthetic' || spec.startsWith('synthetic:')) return syntheticSource(parseSyntheticSpec(spec));
  return parseSourceSpec(spec);
}
