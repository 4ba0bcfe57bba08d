import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ClipFrame, ClipInfo, ClipItem, ClipSource } from '../clip.js';
import { DEFAULT_MAX_PIXELS } from '../codec.js';
import { ClipSourceError, ImageSourceError } from '../errors.js';
import { ffmpegTools, type FfmpegTools } from '../video/ffmpeg-tools.js';
import { decodeVideoFrames, lastDecodableTime } from '../video/video-decode.js';
import { probeVideo, type VideoStreamInfo } from '../video/video-probe.js';
import { sortById, splitPath, walkFiles } from './walk.js';

/** File extensions a video source picks up (compared case-insensitively). */
export const VIDEO_EXTENSIONS: readonly string[] = ['.mp4', '.m4v', '.mov', '.webm', '.mkv', '.avi', '.mpg', '.mpeg', '.ts', '.mts', '.ogv', '.flv', '.wmv', '.3gp'];

/** Options of {@link videoSource}. */
export interface VideoSourceOptions {
  /** Dataset name recorded with each clip; default `video`. */
  readonly dataset?: string;
  /** Scale frames down (area filter, aspect kept) so the longer side is at most this many pixels. */
  readonly maxSide?: number;
  /** Refuse videos with more pixels per frame than this; default 100,000,000. */
  readonly maxPixels?: number;
  /** Frames closer than this many seconds are decoded in one pass instead of seeking; default 2. */
  readonly mergeGapSeconds?: number;
  /** Environment whose PATH locates ffmpeg and ffprobe; default the process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * How many frames of the container's declared count may be missing at its end before the file
 * counts as cut short: real files often end a frame or two early (encoder delay, edit lists).
 */
function tailTolerance(declared: number): number {
  return Math.max(2, Math.ceil(declared * 0.02));
}

function outputSize(info: VideoStreamInfo, maxSide: number | undefined): { width: number; height: number } | undefined {
  if (maxSide === undefined || Math.max(info.width, info.height) <= maxSide) return undefined;
  const scale = maxSide / Math.max(info.width, info.height);
  return { width: Math.max(1, Math.round(info.width * scale)), height: Math.max(1, Math.round(info.height * scale)) };
}

/** One video file as a clip; `probe()` is run once and remembered. */
export function videoClipItem(file: string, id: string, options: VideoSourceOptions = {}): ClipItem {
  const dataset = options.dataset ?? 'video';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let probed: Promise<{ tools: FfmpegTools; stream: VideoStreamInfo; info: ClipInfo }> | undefined;
  const probeOnce = async (): Promise<{ tools: FfmpegTools; stream: VideoStreamInfo; info: ClipInfo }> => {
    const tools = await ffmpegTools(options.env);
    const stream = await probeVideo(tools, file, maxPixels);
    // The header may promise more than the file holds: check the end decodes.
    const last = await lastDecodableTime(tools, stream);
    const declared = stream.declaredFrames;
    const decodable = last === null ? 0 : Math.min(declared, Math.floor((last - stream.start) * stream.frameRate + 0.5) + 1);
    if (declared - decodable > tailTolerance(declared)) {
      const where = last === null ? 'no frame decodes in its last 2 s' : `the last frame that decodes is at ${(last - stream.start).toFixed(3)} s`;
      throw new ClipSourceError(
        'truncated',
        file,
        `its header declares ${declared} frames (${stream.duration.toFixed(3)} s) but ${where}; the file is probably cut short`,
      );
    }
    const size = outputSize(stream, options.maxSide);
    const period = 1 / stream.frameRate;
    const info: ClipInfo = {
      frameCount: decodable,
      frameRate: stream.frameRate,
      duration: decodable * period,
      width: size?.width ?? stream.width,
      height: size?.height ?? stream.height,
      frameTime: (k) => k * period,
    };
    return { tools, stream: { ...stream, declaredFrames: decodable }, info };
  };
  const probe = (): Promise<{ tools: FfmpegTools; stream: VideoStreamInfo; info: ClipInfo }> => {
    probed ??= probeOnce();
    return probed;
  };
  return {
    dataset,
    id,
    hasDepth: false,
    hasCameras: false,
    probe: async () => (await probe()).info,
    async frames(indices: readonly number[]): Promise<ClipFrame[]> {
      const { tools, stream, info } = await probe();
      for (const k of indices) {
        if (!Number.isInteger(k) || k < 0 || k >= info.frameCount) {
          throw new ClipSourceError('invalid-frame', file, `frame ${String(k)} is outside 0…${info.frameCount - 1}`);
        }
      }
      if (indices.length === 0) return [];
      const size = outputSize(stream, options.maxSide);
      const decoded = await decodeVideoFrames(tools, stream, indices, {
        ...(size ? { size } : {}),
        ...(options.mergeGapSeconds !== undefined ? { mergeGapSeconds: options.mergeGapSeconds } : {}),
      });
      return indices.map((index) => {
        const frame = decoded.get(index)!;
        return { index, time: frame.time - stream.start, rgb: frame.rgb };
      });
    },
  };
}

/**
 * A clip source of video files decoded through ffmpeg: `path` is one video file, or a folder
 * whose video files (by extension, recursive, names starting with `.` skipped) are listed in
 * byte order with ids relative to it. `list()` first checks ffmpeg and ffprobe are on PATH
 * (`ClipSourceError` `ffmpeg-missing`, naming `apt-get install ffmpeg`). Frames are decoded on
 * demand by seeking, never the whole video.
 */
export function videoSource(path: string, options: VideoSourceOptions = {}): ClipSource {
  if (options.maxSide !== undefined && !(Number.isInteger(options.maxSide) && options.maxSide >= 1)) {
    throw new ImageSourceError('invalid-spec', `maxSide must be an integer ≥ 1, got ${String(options.maxSide)}`);
  }
  return {
    kind: 'clip',
    name: `video:${path}${options.maxSide === undefined ? '' : `?max-side=${options.maxSide}`}`,
    hasDepth: false,
    hasCameras: false,
    async list(): Promise<readonly ClipItem[]> {
      await ffmpegTools(options.env);
      const info = await stat(path).catch((error: unknown) => {
        throw new ImageSourceError('not-found', `${path}: no such file or directory`, { cause: error });
      });
      if (info.isFile()) return [videoClipItem(path, basename(path), options)];
      const files = await walkFiles(path);
      const items = files
        .filter((rel) => VIDEO_EXTENSIONS.includes(splitPath(rel).ext))
        .map((rel) => videoClipItem(join(path, rel), rel, options));
      return sortById(items);
    },
  };
}

