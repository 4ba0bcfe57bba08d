import { describe, expect, it } from 'vitest';
import { progressNote, progressReporter } from './progress.js';

const p = { benchmark: 'viewspatial', total: 100, done: 40, cached: 10, errors: 2, scoreSum: 20, elapsedMs: 10_000 };

describe('progress', () => {
  it('notes the running score, cached items and failures', () => {
    expect(progressNote(p)).toBe('score 50.0%, cached 10, errors 2');
    expect(progressNote({ ...p, done: 0, cached: 0, errors: 0 })).toBe('score –');
  });

  it('prints plain lines with rate and ETA when not on a terminal, and a final line per benchmark', () => {
    const lines: string[] = [];
    let t = 0;
    const r = progressReporter({ isTTY: false, write: (s: string) => lines.push(s) }, () => t);
    for (let done = 1; done <= 100; done++) {
      t = done * 100;
      r.update({ ...p, done, cached: 0, errors: 0, scoreSum: done / 2 });
    }
    r.end();
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1)).toMatch(/^viewspatial: 100\/100, 100%, 10\.0 items\/s, in 0:10, score 50\.0%\n$/);
  });

  it('redraws one line in place on a terminal', () => {
    const out: string[] = [];
    const r = progressReporter({ isTTY: true, write: (s: string) => out.push(s) }, () => 0);
    r.update({ ...p, done: 100 });
    r.end();
    expect(out[0]!.startsWith('\r\x1b[2K')).toBe(true);
    expect(out.at(-1)!.endsWith('\n')).toBe(true);
  });
});
