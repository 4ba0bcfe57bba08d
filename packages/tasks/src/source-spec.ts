import { parseClipSourceSpec, parseSourceSpec, type ClipSource, type ImageSource, type ViewPairSource } from '@spatial-ssrl/image';
import { flythroughSource, parseFlythroughSpec, parseSyntheticSpec, parseTwoViewSpec, syntheticSource, twoViewSource } from '@spatial-ssrl/scenes';

/**
 * Opens a source from its spec: `synthetic[:count[:WxH]]` → the embedded synthetic RGB-D scenes;
 * `folder:<dir>`, `diode:<dir>`, `megadepth:<dir>` → the image package's file sources. A bad
 * spec throws the parser's error (`ImageSourceError` or the scenes package's spec error).
 */
export function resolveSource(spec: string): ImageSource {
  if (spec === 'synthetic' || spec.startsWith('synthetic:')) return syntheticSource(parseSyntheticSpec(spec));
  return parseSourceSpec(spec);
}

/**
 * Opens a clip source from its spec: `flythrough[:count[:WxH[:frames]]]` → synthetic
 * fly-throughs with exact depth and cameras; `video:<path>`, `frames:<dir>` → the image
 * package's video (ffmpeg) and frame-folder sources.
 */
export function resolveClipSource(spec: string): ClipSource {
  if (spec === 'flythrough' || spec.startsWith('flythrough:')) return flythroughSource(parseFlythroughSpec(spec));
  return parseClipSourceSpec(spec);
}

/** Opens a view-pair source from its spec: `twoview[:count[:WxH]][:baseline=M]` → two views of synthetic scenes. */
export function resolveViewPairSource(spec: string): ViewPairSource {
  return twoViewSource(parseTwoViewSpec(spec));
}
