import type { PolicyImage } from '@spatial-ssrl/spec';

/** Per-item data a benchmark keeps for its scorer; JSON-compatible values only. */
export type BenchMeta = Readonly<Record<string, unknown>>;

/** One benchmark question, ready to send to a policy. */
export interface BenchItem<M extends BenchMeta = BenchMeta> {
  /** Unique within the benchmark; used as the cache key and in predictions files. */
  readonly id: string;
  /** Full prompt with one `<image>` placeholder per image (the official prompt, plus the CoT suffix when enabled). */
  readonly prompt: string;
  /** Loads and encodes the item's images on demand, in placeholder order. */
  readonly images: () => Promise<PolicyImage[]>;
  /** The gold answer as the benchmark states it (a letter, a number, a phrase). */
  readonly gold: string;
  /** The benchmark's own category for per-category scores. */
  readonly category: string;
  /** Whatever else the scorer needs (options, groups, units). */
  readonly meta: M;
  /** Optional hints passed through to the policy request (Spatial-SSRL task samples). */
  readonly task?: string;
  readonly variant?: string;
}

/** One way of scoring a run, reported beside the headline (percentages 0-100). */
export interface ScoreVariant {
  /** Plain-words description of the rule, e.g. `raw VLMEvalKit extraction on the full response`. */
  readonly label: string;
  readonly headline: number;
  readonly categories: Readonly<Record<string, number>>;
}

/** Scores of one run on one benchmark; every number is a percentage 0-100. */
export interface BenchScore {
  readonly benchmark: string;
  /** The headline number (the one in the paper-layout table). */
  readonly headline: number;
  /** Which rule produced `headline`. */
  readonly rule: string;
  readonly categories: Readonly<Record<string, number>>;
  /** Items scored. */
  readonly n: number;
  /** Items whose generation failed for good (scored as wrong). */
  readonly errors: number;
  /** Alternative rules: `boxedFirst` (last `\boxed{}` content first), `raw` (official rule on the whole response) and benchmark-specific settings. */
  readonly variants: { readonly boxedFirst?: ScoreVariant; readonly raw?: ScoreVariant; readonly [name: string]: ScoreVariant | undefined };
  readonly notes?: readonly string[];
}

/** How one response to one item was read: the extracted answer and its score 0-1. */
export interface ItemJudgement {
  readonly extracted: string;
  readonly score: number;
}

/** Options shared by all loaders; each benchmark uses the ones that apply to it. */
export interface LoadOptions {
  /** Append the chain-of-thought instruction (default `true`). */
  readonly cot?: boolean;
  /** Keep only the first `limit` items (file order). */
  readonly limit?: number;
  /** VSI-Bench: frames sampled uniformly per video (default 128). */
  readonly frames?: number;
  /** VSI-Bench: folder of `<video stem>/*.jpg` frames. */
  readonly framesDir?: string;
  /** VSI-Bench: folder of videos used with ffmpeg when no frames folder holds the video. */
  readonly videosDir?: string;
  /** Folder image paths are relative to (default: the annotation file's folder). */
  readonly imageRoot?: string;
  /** ViewSpatial-Bench: resize images to 420×280 like the official Qwen2.5-VL preprocessing (default `true`). */
  readonly resize?: boolean;
  /** What'sUp: subset `A` (controlled images, default) or `B` (controlled CLEVR). */
  readonly subset?: 'A' | 'B';
  /** What'sUp: shuffle caption options with this seed and track the correct letter. */
  readonly shuffleSeed?: number;
}

/** A benchmark: where its items come from and how answers are scored. */
export interface BenchmarkDefinition<M extends BenchMeta = BenchMeta> {
  /** Registry name used on the command line, e.g. `viewspatial`. */
  readonly name: string;
  /** Human title, e.g. `ViewSpatial-Bench`. */
  readonly title: string;
  /** Column of the paper's headline table (`ViewSp`), when the benchmark is one of the seven. */
  readonly column?: string;
  load(source: string, options?: LoadOptions): Promise<BenchItem<M>[]>;
  judge(item: BenchItem<M>, text: string | null): ItemJudgement;
  score(items: readonly BenchItem<M>[], texts: readonly (string | null)[]): BenchScore;
}

/** A benchmark with its per-item data type erased, as kept in the registry. */
export type Benchmark = BenchmarkDefinition<BenchMeta>;

/** Erases a benchmark's meta type so it can sit in the registry beside the others. */
export function defineBenchmark<M extends BenchMeta>(def: BenchmarkDefinition<M>): Benchmark {
  return def as unknown as Benchmark;
}

/** A benchmark together with its loaded items. */
export interface LoadedBenchmark {
  readonly benchmark: Benchmark;
  readonly items: readonly BenchItem[];
}
