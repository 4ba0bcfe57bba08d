/** A stream progress is drawn on; a TTY gets a redrawn bar, anything else periodic lines. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of `createProgress`. */
export interface ProgressOptions {
  /** Short name shown first, e.g. `generate`. */
  readonly label: string;
  /** Total units of work (> 0). */
  readonly total: number;
  readonly stream: ProgressStream;
  /** Unit name in the rate, e.g. `samples`. */
  readonly unit?: string;
  /** Minimum ms between two plain lines (non-TTY); default 5,000. */
  readonly lineIntervalMs?: number;
  /** Minimum ms between two bar redraws (TTY); default 100. */
  readonly redrawIntervalMs?: number;
  /** Clock in ms, for tests; default `performance.now`. */
  readonly now?: () => number;
}

/** A progress display: feed it the units done so far, then finish it once. */
export interface Progress {
  /** Reports `done` units (absolute, not a delta) and an optional short note (e.g. rejection count). */
  update(done: number, note?: string): void;
  /** Changes the total, e.g. when a trainer refits its schedule to a time budget. */
  setTotal(total: number): void;
  /** Draws the final state and ends the line. */
  finish(note?: string): void;
}

/**
 * Creates a progress display with rate and ETA. The rate counts only work done since the first
 * update, so a resumed run that starts at 40 % does not report an inflated speed.
 */
export function createProgress(options: ProgressOptions): Progress {
  const { label, stream } = options;
  let total = Math.max(0, options.total);
  const unit = options.unit ?? 'items';
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const interval = tty ? (options.redrawIntervalMs ?? 100) : (options.lineIntervalMs ?? 5000);
  let first: { t: number; done: number } | undefined;
  let lastDraw = -Infinity;
  let current = 0;
  let finished = false;

  const render = (note: string | undefined, final: boolean): string => {
    const t = now();
    const start = first ?? { t, done: current };
    const elapsed = (t - start.t) / 1000;
    const rate = elapsed > 0 ? (current - start.done) / elapsed : 0;
    const pct = total > 0 ? Math.min(100, (100 * current) / total) : 100;
    const eta = rate > 0 ? (total - current) / rate : Number.NaN;
    const parts = [
      `${current}/${total}`,
      `${pct.toFixed(0).padStart(3)}%`,
      `${rate.toFixed(1)} ${unit}/s`,
      final ? `in ${formatDuration(elapsed)}` : `ETA ${Number.isFinite(eta) ? formatDuration(eta) : '--:--'}`,
    ];
    if (note) parts.push(note);
    if (!tty) return `${label}: ${parts.join(', ')}`;
    const columns = stream.columns && stream.columns > 20 ? stream.columns : 80;
    const text = parts.join('  ');
    // A fixed width per terminal size keeps the bar from jumping as the numbers grow.
    const barWidth = Math.max(10, Math.min(30, columns - label.length - 60));
    const filled = total > 0 ? Math.round((barWidth * Math.min(current, total)) / total) : barWidth;
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${text}`;
    return line.length > columns - 1 ? line.slice(0, columns - 1) : line;
  };

  const draw = (note: string | undefined, final: boolean): void => {
    lastDraw = now();
    const line = render(note, final);
    stream.write(tty ? `\r\x1b[2K${line}${final ? '\n' : ''}` : `${line}\n`);
  };

  return {
    update(done, note) {
      if (finished) return;
      current = done;
      if (!first) {
        first = { t: now(), done };
        lastDraw = first.t;
        if (tty) draw(note, false);
        return;
      }
      if (now() - lastDraw >= interval) draw(note, false);
    },
    setTotal(next) {
      total = Math.max(0, next);
    },
    finish(note) {
      if (finished) return;
      finished = true;
      draw(note, true);
    },
  };
}

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
