import { describe, expect, it } from 'vitest';
import { progressLine, progressReporter } from './progress.js';

const p = { benchmark: 'viewspatial', total: 100, done: 40, cached: 10, errors: 2, scoreSum: 20, elapsedMs: 10_000 };

describe('progress', () => {
  it('shows counts, rate of asked items, ETA and running score', () => {
    expect(progressLine(p, 10)).toBe('viewspatial ████░░░░░░ 40/100 3.0 it/s ETA 0:20 score 50.0% cached 10 errors 2');
  });

  it('prints a plain line at the first item and at each 10 % step when not on a terminal', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    const r = progressReporter(stream);
    for (let done = 1; done <= 100; done++) r.update({ ...p, done, cached: 0, errors: 0, scoreSum: done / 2 });
    r.end();
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toMatch(/^viewspatial ██████████ 100\/100 .* score 50\.0%\n$/);
  });

  it('redraws one line in place on a terminal', () => {
    const out: string[] = [];
    const stream = { isTTY: true, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream;
    const r = progressReporter(stream);
    r.update({ ...p, done: 100 });
    r.end();
    expect(out[0]!.startsWith('\r\x1b[2K')).toBe(true);
    expect(out.at(-1)).toBe('\n');
  });
});
