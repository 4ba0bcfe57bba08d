import { basename, dirname, extname } from 'node:path';
import { z } from 'zod';
import { defineBenchmark, type BenchItem, type Benchmark, type LoadOptions } from '../benchmark.js';
import { BenchError } from '../errors.js';
import { readJsonList } from '../io/json-files.js';
import { type PolicyImage, FORMAT_INSTRUCTION, imagePlaceholders } from '@spatial-ssrl/spec';
import { judgeVsi, scoreVsi } from '../scorers/vsi-bench.js';
import { ffmpegAvailable, findFrameFolder, findVideo, folderFrameCount, framesFromFolder, framesFromVideo, sampleFrameIndices, videoFrameCount } from './video-frames.js';

/** Frames per video in the Spatial-SSRL VSI-Bench evaluation. */
const VSI_DEFAULT_FRAMES = 128;

// Questions about one video often sit next to each other: keep the frames of the few most
// recently used videos instead of decoding them again for every question.
const RECENT_VIDEOS = 4;

function recentlyUsed(capacity: number): (key: string, load: () => Promise<PolicyImage[]>) => () => Promise<PolicyImage[]> {
  const recent = new Map<string, Promise<PolicyImage[]>>();
  return (key, load) => () => {
    let frames = recent.get(key);
    if (frames) recent.delete(key);
    else {
      frames = load();
      frames.catch(() => recent.delete(key));
    }
    recent.set(key, frames);
    if (recent.size > capacity) recent.delete(recent.keys().next().value!);
    return frames;
  };
}

/** Per-item data of VSI-Bench items. */
export interface VsiMeta {
  readonly [key: string]: unknown;
  readonly cot: boolean;
  readonly video: string;
  readonly dataset: string;
  readonly options: readonly string[];
}

const option = z.string().nullish();
const row = z.object({
  mp4_path: z.string().min(1, 'empty mp4_path'),
  question_type: z.string().min(1, 'empty question_type'),
  question: z.string().min(1, 'empty question'),
  answer: z.string().min(1, 'empty answer'),
  A: option,
  B: option,
  C: option,
  D: option,
});

/**
 * The Spatial-SSRL VSI-Bench prompt, reproduced as its script builds it (the `anser` typo and the
 * options glued as `A. ` + option text, which already starts with its letter, with no separator).
 */
export function vsiPrompt(question: string, options: readonly (string | null | undefined)[], cot: boolean): string {
  const letters = ['A. ', 'B. ', 'C. ', 'D. '];
  let p = `Watch the given video and anser the following question.\n\n${question}`;
  let count = 0;
  for (let i = 0; i < options.length; i++) {
    const o = options[i];
    if (o === null || o === undefined) break;
    count++;
    p += letters[i] + o;
  }
  if (!cot) return p + (count === 0 ? '\nAnswer directly with a number(integer or decimal).' : '\nAnswer directly with the option letter from the given choices.');
  p += count === 0 ? '\nThe final answer should be a number(integer or decimal).\n' : '\nThe final answer should be the option letter from the given choices.\n';
  return p + FORMAT_INSTRUCTION;
}

/**
 * Loads VSI-Bench from the Spatial-SSRL JSON list (`mp4_path, question_type, question, answer,
 * A-D`). Each item's images are `frames` frames sampled uniformly from `framesDir/<video stem>/`
 * (or `framesDir/<dataset>/<stem>/`), else decoded from `videosDir` with ffmpeg when it is on
 * PATH; a video with fewer frames sends them all, as the official script does, and its prompt
 * has one placeholder per frame sent. Frames are counted at load time; a video with no frame
 * source raises `NO_FRAME_SOURCE` then.
 */
export async function loadVsiBench(path: string, options: LoadOptions = {}): Promise<BenchItem<VsiMeta>[]> {
  const rows = await readJsonList(path, row);
  const frames = options.frames ?? VSI_DEFAULT_FRAMES;
  if (!Number.isInteger(frames) || frames < 1) throw new BenchError('BAD_ARGUMENT', `frames must be a positive integer, got ${frames}`);
  const cot = options.cot ?? true;
  const limited = options.limit !== undefined ? rows.slice(0, options.limit) : rows;
  const sources = new Map<string, { load: () => Promise<PolicyImage[]>; sent: number }>();
  const shared = recentlyUsed(RECENT_VIDEOS);
  let ffmpeg: boolean | undefined;
  const items: BenchItem<VsiMeta>[] = [];
  for (const [i, r] of limited.entries()) {
    const stem = basename(r.mp4_path, extname(r.mp4_path));
    const dataset = basename(dirname(r.mp4_path));
    const key = `${dataset}/${stem}`;
    let source = sources.get(key);
    if (!source) {
      const folder = options.framesDir ? await findFrameFolder(options.framesDir, dataset, stem) : null;
      if (folder) {
        const total = await folderFrameCount(folder);
        source = { load: shared(key, () => framesFromFolder(folder, frames)), sent: sampleFrameIndices(total, frames).length };
      } else {
        const video = options.videosDir ? await findVideo(options.videosDir, dataset, stem) : null;
        if (video && (ffmpeg ??= await ffmpegAvailable())) {
          const total = await videoFrameCount(video);
          source = { load: shared(key, () => framesFromVideo(video, frames, total)), sent: sampleFrameIndices(total, frames).length };
        } else {
          const tried = [
            options.framesDir ? `no frames folder ${stem}/ under ${options.framesDir}` : 'no frames folder given (framesDir)',
            options.videosDir ? (video ? 'ffmpeg/ffprobe are not on PATH' : `no ${stem}.mp4 under ${options.videosDir}`) : 'no videos folder given (videosDir)',
          ];
          throw new BenchError('NO_FRAME_SOURCE', `VSI-Bench video ${key} (row ${i + 1}): ${tried.join('; ')}. Extract frames to <framesDir>/<video stem>/*.jpg or install ffmpeg.`);
        }
      }
      sources.set(key, source);
    }
    const opts = [r.A, r.B, r.C, r.D];
    items.push({
      id: String(i),
      prompt: imagePlaceholders(source.sent) + vsiPrompt(r.question, opts, cot),
      images: source.load,
      gold: r.answer,
      category: r.question_type,
      meta: { cot, video: key, dataset, options: opts.filter((o): o is string => typeof o === 'string') },
    });
  }
  return items;
}

/** VSI-Bench (5,130 video questions; numeric answers scored by mean relative accuracy). */
export const vsiBenchmark: Benchmark = defineBenchmark<VsiMeta>({
  name: 'vsi-bench',
  title: 'VSI-Bench',
  column: 'VSI',
  load: loadVsiBench,
  judge: judgeVsi,
  score: (items, texts) => scoreVsi('vsi-bench', items, texts),
});
