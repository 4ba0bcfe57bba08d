import type { RunProgress } from '@spatial-ssrl/bench';
import { createProgress, type Progress, type ProgressStream } from '@spatial-ssrl/spec/node';

/** The note shown after the bar: running score, and cached items and failed generations when there are any. */
export function progressNote(p: RunProgress): string {
  const score = p.done ? `${((p.scoreSum / p.done) * 100).toFixed(1)}%` : '–';
  return `score ${score}${p.cached ? `, cached ${p.cached}` : ''}${p.errors ? `, errors ${p.errors}` : ''}`;
}

/** Progress of one benchmark run after another: a bar per benchmark (see `createProgress`), labelled with the benchmark's name. */
export function progressReporter(stream: ProgressStream, now?: () => number): { update(p: RunProgress): void; end(): void } {
  let bar: Progress | undefined;
  let last: RunProgress | undefined;
  return {
    update(p) {
      bar ??= createProgress({ label: p.benchmark, total: p.total, stream, unit: 'items', ...(now ? { now } : {}) });
      last = p;
      bar.update(p.done, progressNote(p));
    },
    end() {
      if (bar && last) bar.finish(progressNote(last));
      bar = undefined;
      last = undefined;
    },
  };
}
