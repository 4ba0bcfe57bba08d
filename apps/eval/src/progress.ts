import type { RunProgress } from '@spatial-ssrl/bench';

function clock(ms: number): string {
  if (!Number.isFinite(ms)) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One status line: counts, rate, ETA and running score. */
export function progressLine(p: RunProgress, width = 24): string {
  const frac = p.total ? p.done / p.total : 1;
  const filled = Math.round(frac * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const asked = p.done - p.cached;
  const rate = p.elapsedMs > 0 ? asked / (p.elapsedMs / 1000) : 0;
  const eta = rate > 0 ? ((p.total - p.done) / rate) * 1000 : Number.POSITIVE_INFINITY;
  const acc = p.done ? ((p.scoreSum / p.done) * 100).toFixed(1) : '–';
  return `${p.benchmark} ${bar} ${p.done}/${p.total} ${rate.toFixed(1)} it/s ETA ${clock(eta)} score ${acc}%${p.cached ? ` cached ${p.cached}` : ''}${p.errors ? ` errors ${p.errors}` : ''}`;
}

/** Progress reporter: a redrawn bar on a TTY, a plain line every 10 % (and at the end) otherwise. */
export function progressReporter(stream: NodeJS.WriteStream): { update(p: RunProgress): void; end(): void } {
  let lastDecile = -1;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(p) {
      if (stream.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.done < p.total) return;
        lastDraw = now;
        stream.write(`\r\x1b[2K${progressLine(p, 24)}`);
        drawn = true;
        return;
      }
      const decile = Math.floor((p.done * 10) / Math.max(1, p.total));
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${progressLine(p, 10)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
      lastDecile = -1;
    },
  };
}
