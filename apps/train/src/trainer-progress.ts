import type { EvalReport } from '@spatial-ssrl/trainer';
import { createProgress, type Progress, type ProgressStream } from '@spatial-ssrl/spec/node';

/** A share in [0, 1] as a percentage with one decimal, e.g. `37.5%`. */
export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** One held-out evaluation as a line: accuracy per task, then overall accuracy and format rate. */
function evalLine(report: EvalReport): string {
  const tasks = Object.entries(report.tasks).map(([t, s]) => `${t} ${pct(s.accuracy)}`);
  return `${tasks.join(', ')}; all ${pct(report.overall.accuracy)}, format ${pct(report.overall.format)}`;
}

/** Where a trainer's progress goes. */
export interface TrainerProgressIo {
  readonly stream: ProgressStream;
  readonly quiet: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The hooks `trainSft` and `trainGrpo` share (image-decoding bar, notes, held-out lines, abort
 * signal), plus `step` to move the step bar labelled `label` and `finish` to close it with the
 * last step's text. Nothing is written when `quiet`.
 */
export function trainerProgress(label: string, io: TrainerProgressIo) {
  let bar: Progress | undefined;
  let cacheBar: Progress | undefined;
  let note = '';
  const write = (text: string): void => {
    if (!io.quiet) io.stream.write(text);
  };
  return {
    hooks: {
      ...(io.signal ? { signal: io.signal } : {}),
      onInfo: (m: string) => write(`${m}\n`),
      onCacheProgress: (done: number, total: number) => {
        if (io.quiet) return;
        cacheBar ??= createProgress({ label: 'decode images', total, stream: io.stream, unit: 'images' });
        cacheBar.update(done);
        if (done === total) cacheBar.finish();
      },
      onEval: (step: number, report: EvalReport) => write(`${bar ? '\n' : ''}eval @${step}: ${evalLine(report)}\n`),
    },
    step(step: number, totalSteps: number, text: string): void {
      note = text;
      if (io.quiet || totalSteps === 0) return;
      bar ??= createProgress({ label, total: totalSteps, stream: io.stream, unit: 'steps' });
      bar.setTotal(totalSteps);
      bar.update(step, text);
    },
    finish(): void {
      bar?.finish(note || undefined);
    },
  };
}
