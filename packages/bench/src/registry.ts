import type { Benchmark, LoadedBenchmark, LoadOptions } from './benchmark.js';
import { BenchError } from './errors.js';
import { mcqBenchmark, spatialEvalBenchmark, threeDsrBenchmark } from './loaders/mcq.js';
import { qspatialBenchmark } from './loaders/qspatial.js';
import { spatial457Benchmark } from './loaders/spatial457.js';
import { ssrlTasksBenchmark } from './loaders/ssrl-tasks.js';
import { viewSpatialBenchmark } from './loaders/viewspatial.js';
import { vsiBenchmark } from './loaders/vsi-bench.js';
import { whatsUpBenchmark } from './loaders/whatsup.js';
import { synthGeneralBenchmark, synthSpatialBenchmark } from './synth/benchmark.js';

/** Every benchmark this package knows, by registry name; the seven of the paper's table first, in its column order. */
export const BENCHMARKS: Readonly<Record<string, Benchmark>> = Object.freeze({
  spatial457: spatial457Benchmark,
  '3dsrbench': threeDsrBenchmark,
  spatialeval: spatialEvalBenchmark,
  'qspatial-plus': qspatialBenchmark,
  whatsup: whatsUpBenchmark,
  viewspatial: viewSpatialBenchmark,
  'vsi-bench': vsiBenchmark,
  mcq: mcqBenchmark,
  'ssrl-tasks': ssrlTasksBenchmark,
  'synth-spatial': synthSpatialBenchmark,
  'synth-general': synthGeneralBenchmark,
});

/** The benchmark registered under `name`; an unknown name raises `UNKNOWN_BENCHMARK` listing the known ones. */
export function getBenchmark(name: string): Benchmark {
  const b = BENCHMARKS[name];
  if (!b) throw new BenchError('UNKNOWN_BENCHMARK', `unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  return b;
}

/** Loads benchmark `name` from `source` (a file or folder, per benchmark). */
export async function loadBenchmark(name: string, source: string, options: LoadOptions = {}): Promise<LoadedBenchmark> {
  const benchmark = getBenchmark(name);
  return { benchmark, items: await benchmark.load(source, options) };
}
