import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (t: string) => writes.push(t) } };
}

describe('createProgress', () => {
  it('prints plain periodic lines with rate and ETA when not a TTY', () => {
    let t = 0;
    const { writes, stream } = fakeStream(false);
    const p = createProgress({ label: 'generate', total: 100, stream, unit: 'samples', lineIntervalMs: 1000, now: () => t });
    p.update(0);
    t = 500;
    p.update(10);
    t = 2000;
    p.update(40);
    t = 2500;
    p.update(45);
    t = 5000;
    p.update(100);
    p.finish('3 rejected');
    expect(writes).toEqual([
      'generate: 40/100,  40%, 20.0 samples/s, ETA 0:03\n',
      'generate: 100/100, 100%, 20.0 samples/s, ETA 0:00\n',
      'generate: 100/100, 100%, 20.0 samples/s, in 0:05, 3 rejected\n',
    ]);
  });

  it('takes a new total, as when a trainer refits its schedule', () => {
    let t = 0;
    const { writes, stream } = fakeStream(false);
    const p = createProgress({ label: 'sft', total: 100, stream, unit: 'steps', lineIntervalMs: 0, now: () => t });
    p.update(0);
    t = 1000;
    p.update(10);
    p.setTotal(50);
    t = 2000;
    p.update(20);
    expect(writes.at(-1)).toBe('sft: 20/50,  40%, 10.0 steps/s, ETA 0:03\n');
  });

  it('measures the rate from the first update, not from zero', () => {
    let t = 0;
    const { writes, stream } = fakeStream(false);
    const p = createProgress({ label: 'g', total: 100, stream, unit: 'x', lineIntervalMs: 0, now: () => t });
    p.update(60);
    t = 1000;
    p.update(70);
    expect(writes.at(-1)).toBe('g: 70/100,  70%, 10.0 x/s, ETA 0:03\n');
  });

  it('redraws one bar line on a TTY and ends it with a newline', () => {
    let t = 0;
    const { writes, stream } = fakeStream(true);
    const p = createProgress({ label: 'generate', total: 10, stream, unit: 'samples', now: () => t });
    p.update(0);
    t = 1000;
    p.update(5);
    t = 1050;
    p.update(6);
    t = 2000;
    p.update(10);
    p.finish();
    expect(writes).toHaveLength(4);
    expect(writes.every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(writes[1]).toContain('[###############...............] 5/10   50%  5.0 samples/s  ETA 0:01');
    expect(writes[3].endsWith('\n')).toBe(true);
    expect(writes[3]).toContain('10/10');
  });
});

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    expect(formatDuration(5.4)).toBe('0:05');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
