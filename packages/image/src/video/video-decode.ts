import { ClipSourceError } from '../errors.js';
import type { RgbImage } from '../raster.js';
import { startTool, type FfmpegTools } from './ffmpeg-tools.js';
import type { VideoStreamInfo } from './video-probe.js';

/** One decoded video frame at its container presentation time, seconds. */
export interface DecodedVideoFrame {
  readonly time: number;
  readonly rgb: RgbImage;
}

/** Options of {@link decodeVideoFrames}. */
export interface VideoDecodeOptions {
  /** Output frame size, pixels; default the stream's own size. */
  readonly size?: { readonly width: number; readonly height: number };
  /** Frames closer than this many seconds are decoded in one pass instead of seeking again; default 2. */
  readonly mergeGapSeconds?: number;
}

interface Target {
  readonly index: number;
  /** Nominal time, and the window `[from, to)` a frame must fall in to be frame `index`, seconds. */
  readonly time: number;
  readonly from: number;
  readonly to: number;
}

interface RunResult {
  readonly frames: Map<number, DecodedVideoFrame>;
  /** Latest presentation time decoded, or -Infinity. */
  readonly lastTime: number;
  readonly failure: string | null;
}

const SHOWINFO = /\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+(?:e[-+]?\d+)?)\b.*?\bs:(\d+)x(\d+)/;

function fmt(t: number): string {
  return t.toFixed(6);
}

/** The filter choosing which frames leave the decoder: every frame in one of the windows, and the first one past them all (it ends the run). */
function selectFilter(targets: readonly Target[], stopAt: number): string {
  const windows = targets.map((t) => `gte(t,${fmt(t.from)})*lt(t,${fmt(t.to)})`);
  return `select='${[...windows, `gte(t,${fmt(stopAt)})`].join('+')}'`;
}

function syncOption(tools: FfmpegTools): string[] {
  const modern = tools.release === null || tools.release[0] > 5 || (tools.release[0] === 5 && tools.release[1] >= 1);
  return modern ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}

/**
 * Decodes the frames whose presentation times fall in the targets' windows, seeking to `seekTo`
 * seconds from the file start (0: no seek). For each target the latest frame inside its window
 * wins. Frames stream through a pipe as raw RGB, paired with the times ffmpeg's showinfo filter
 * logs; only the winners are kept, and ffmpeg is stopped at the first frame past the last window.
 */
async function decodeRun(
  tools: FfmpegTools,
  info: VideoStreamInfo,
  targets: readonly Target[],
  seekTo: number,
  size: { width: number; height: number } | undefined,
): Promise<RunResult> {
  const stopAt = targets[targets.length - 1]!.to;
  const filters = [selectFilter(targets, stopAt)];
  if (size) filters.push(`scale=${size.width}:${size.height}:flags=area`);
  filters.push('showinfo');
  const args = [
    '-hide_banner', '-nostats', '-nostdin', '-loglevel', 'info',
    ...(seekTo > 0 ? ['-ss', fmt(seekTo)] : []),
    '-copyts', '-i', info.file,
    '-map', `0:${info.streamIndex}`, '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    ...syncOption(tools),
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const frames = new Map<number, DecodedVideoFrame>();
  const pendingHeads: { time: number; width: number; height: number }[] = [];
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let lastTime = -Infinity;
  let stopped = false;
  let failure: string | null = null;

  const take = (bytes: number): Buffer => {
    const all = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered, bufferedBytes);
    const out = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    buffered = rest.length > 0 ? [rest] : [];
    bufferedBytes = rest.length;
    return out;
  };
  const drain = (): void => {
    while (!stopped && pendingHeads.length > 0) {
      const head = pendingHeads[0]!;
      const bytes = head.width * head.height * 3;
      if (bufferedBytes < bytes) return;
      pendingHeads.shift();
      const pixels = take(bytes);
      lastTime = Math.max(lastTime, head.time);
      for (const t of targets) {
        if (head.time < t.from || head.time >= t.to) continue;
        const current = frames.get(t.index);
        if (current && current.time > head.time) continue;
        frames.set(t.index, { time: head.time, rgb: { width: head.width, height: head.height, data: new Uint8Array(pixels) } });
      }
      if (head.time >= stopAt) {
        stopped = true;
        tool.kill();
      }
    }
  };
  const tool = startTool(tools.ffmpeg, args, {
    onStdout: (chunk) => {
      if (stopped) return;
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      drain();
    },
    onStderrLine: (line) => {
      if (stopped || !line.includes('showinfo')) return;
      const m = SHOWINFO.exec(line);
      if (!m) return;
      pendingHeads.push({ time: Number(m[1]), width: Number(m[2]), height: Number(m[3]) });
      drain();
    },
  });
  const run = await tool.done;
  drain();
  if (!stopped && run.code !== 0) {
    const lines = run.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('showinfo'));
    failure = `ffmpeg exited with code ${run.code}: ${lines.at(-1) ?? 'no message'}`;
  }
  return { frames, lastTime, failure };
}

function targetsFor(info: VideoStreamInfo, indices: readonly number[]): Target[] {
  const period = 1 / info.frameRate;
  return [...new Set(indices)]
    .sort((a, b) => a - b)
    .map((index) => {
      const time = info.start + index * period;
      return { index, time, from: time - 1.5 * period, to: time + 0.5 * period };
    });
}

function groupRuns(targets: readonly Target[], mergeGap: number): Target[][] {
  const runs: Target[][] = [];
  for (const t of targets) {
    const run = runs.at(-1);
    if (run && t.time - run[run.length - 1]!.time <= mergeGap) run.push(t);
    else runs.push([t]);
  }
  return runs;
}

/**
 * Decodes frames `indices` of a video's nominal timeline (frame `k` at `start + k / frameRate`;
 * the frame shown then is the latest one presented before `start + (k + ½) / frameRate`, and no
 * earlier than 1½ frame periods before). Nearby frames share one decoding pass; distant ones are
 * reached by seeking, so a long video is never decoded whole. When a seek lands late (imprecise
 * containers such as MPEG-TS) the pass is repeated from further back, then from the start. A
 * frame that cannot be decoded because the stream ends first is a `ClipSourceError` `truncated`.
 */
export async function decodeVideoFrames(
  tools: FfmpegTools,
  info: VideoStreamInfo,
  indices: readonly number[],
  options: VideoDecodeOptions = {},
): Promise<Map<number, DecodedVideoFrame>> {
  const out = new Map<number, DecodedVideoFrame>();
  const period = 1 / info.frameRate;
  for (const run of groupRuns(targetsFor(info, indices), options.mergeGapSeconds ?? 2)) {
    const firstFrom = run[0]!.from - info.start;
    let result: RunResult | undefined;
    for (const margin of [0.5 * period, 8, Infinity]) {
      const seekTo = margin === Infinity ? 0 : Math.max(0, firstFrom - margin);
      result = await decodeRun(tools, info, run, seekTo, options.size ? { ...options.size } : undefined);
      const missing = run.filter((t) => !result!.frames.has(t.index));
      // Stop once everything is found, after a pass from the start, or when the stream ended before
      // a window; a pass that decoded nothing at all may be a failed seek and is repeated.
      if (missing.length === 0 || seekTo === 0) break;
      if (Number.isFinite(result.lastTime) && result.lastTime < missing[0]!.to) break;
    }
    const missing = run.filter((t) => !result!.frames.has(t.index));
    if (missing.length > 0) {
      const t = missing[0]!;
      const ended = result!.lastTime < t.to;
      const rel = (t.time - info.start).toFixed(3);
      if (ended) {
        const last = Number.isFinite(result!.lastTime) ? `the last frame decoded is at ${(result!.lastTime - info.start).toFixed(3)} s` : 'no frame decodes there';
        throw new ClipSourceError('truncated', info.file, `frame ${t.index} (${rel} s) cannot be decoded: ${last}${result!.failure ? ` (${result!.failure})` : ''}; the file is probably cut short`);
      }
      throw new ClipSourceError('corrupt', info.file, `no frame is presented within 1.5 frame periods before ${rel} s (frame ${t.index})${result!.failure ? `: ${result!.failure}` : ''}`);
    }
    for (const [index, frame] of result!.frames) out.set(index, frame);
  }
  return out;
}

/**
 * The presentation time of the last frame that decodes within the final `window` seconds of a
 * video (frames are scaled to 8×8 px to keep the check cheap), or `null` when none does.
 */
export async function lastDecodableTime(tools: FfmpegTools, info: VideoStreamInfo, window = 2): Promise<number | null> {
  const from = Math.max(0, info.duration - window);
  const target: Target = { index: -1, time: Infinity, from: info.start + from, to: Infinity };
  const args = [
    '-hide_banner', '-nostats', '-nostdin', '-loglevel', 'info',
    ...(from > 0 ? ['-ss', fmt(from)] : []),
    '-copyts', '-i', info.file,
    '-map', `0:${info.streamIndex}`, '-an', '-sn', '-dn',
    '-vf', `select='gte(t,${fmt(target.from)})',scale=8:8,showinfo`,
    ...syncOption(tools),
    '-f', 'null', '-',
  ];
  let last: number | null = null;
  const tool = startTool(tools.ffmpeg, args, {
    onStderrLine: (line) => {
      const m = line.includes('showinfo') ? SHOWINFO.exec(line) : null;
      if (m) last = Math.max(last ?? -Infinity, Number(m[1]));
    },
  });
  await tool.done;
  return last;
}
