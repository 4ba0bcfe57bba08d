/** One line of a chart: points `[x, y]` drawn against the left or right y axis. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Which y axis the series uses; default `left`. */
  readonly axis?: 'left' | 'right';
  /** CSS colour. */
  readonly color: string;
  /** Draw a marker at each point (for sparse series such as evaluations). */
  readonly markers?: boolean;
}

/** An axis: its label and optional fixed range (otherwise fitted to the data). */
interface ChartAxis {
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
}

/** A two-axis line chart. */
export interface LineChart {
  readonly title: string;
  readonly x: ChartAxis;
  readonly left: ChartAxis;
  readonly right?: ChartAxis;
  readonly series: readonly ChartSeries[];
  /** Size in px; default 800×450. */
  readonly width?: number;
  readonly height?: number;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Round tick steps: 1, 2 or 5 times a power of ten, about `count` ticks over the range.
function ticks(min: number, max: number, count: number): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function range(axis: ChartAxis, values: number[]): [number, number] {
  let lo = axis.min ?? Math.min(...values);
  let hi = axis.max ?? Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

function label(v: number): string {
  return Math.abs(v) >= 1000 || v === Math.round(v) ? String(Math.round(v)) : String(Number(v.toPrecision(3)));
}

/** Renders a self-contained SVG line chart (no scripts, no external fonts); lines are clipped to fixed axis ranges. */
export function renderLineChart(chart: LineChart): string {
  const w = chart.width ?? 800;
  const h = chart.height ?? 450;
  // Room under the plot for the x label and one 16-px legend row per four series.
  const legendRows = Math.max(1, Math.ceil(chart.series.length / 4));
  const pad = { l: 70, r: chart.right ? 70 : 20, t: 40, b: 56 + 16 * legendRows };
  const pw = w - pad.l - pad.r;
  const ph = h - pad.t - pad.b;
  const xs = chart.series.flatMap((s) => s.points.map((p) => p[0]));
  const [x0, x1] = range(chart.x, xs.length ? xs : [0, 1]);
  const side = (a: 'left' | 'right'): [number, number] => {
    const ys = chart.series.filter((s) => (s.axis ?? 'left') === a).flatMap((s) => s.points.map((p) => p[1]));
    return range(a === 'left' ? chart.left : (chart.right ?? chart.left), ys.length ? ys : [0, 1]);
  };
  const yl = side('left');
  const yr = side('right');
  const sx = (x: number): number => pad.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number, [lo, hi]: [number, number]): number => pad.t + ph - ((y - lo) / (hi - lo)) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<clipPath id="plot"><rect x="${pad.l}" y="${pad.t}" width="${pw}" height="${ph}"/></clipPath>`,
    `<text x="${w / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`,
  ];
  for (const t of ticks(x0, x1, 8)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${pad.t}" x2="${x}" y2="${pad.t + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${pad.t + ph + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ticks(yl[0], yl[1], 6)) {
    const y = sy(t, yl).toFixed(1);
    parts.push(`<line x1="${pad.l}" y1="${y}" x2="${pad.l + pw}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${pad.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(t)}</text>`);
  }
  if (chart.right) {
    for (const t of ticks(yr[0], yr[1], 6)) {
      parts.push(`<text x="${pad.l + pw + 6}" y="${sy(t, yr).toFixed(1)}" dominant-baseline="middle">${label(t)}</text>`);
    }
  }
  parts.push(`<rect x="${pad.l}" y="${pad.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${pad.l + pw / 2}" y="${pad.t + ph + 34}" text-anchor="middle">${escapeXml(chart.x.label)}</text>`);
  parts.push(
    `<text transform="translate(18 ${pad.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.left.label)}</text>`,
  );
  if (chart.right) {
    parts.push(
      `<text transform="translate(${w - 14} ${pad.t + ph / 2}) rotate(90)" text-anchor="middle">${escapeXml(chart.right.label)}</text>`,
    );
  }
  chart.series.forEach((s, i) => {
    const yr2 = (s.axis ?? 'left') === 'left' ? yl : yr;
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (pts.length > 0) {
      const d = pts.map((p, j) => `${j ? 'L' : 'M'}${sx(p[0]).toFixed(1)} ${sy(p[1], yr2).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6" clip-path="url(#plot)"/>`);
      if (s.markers) {
        for (const p of pts) parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1], yr2).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
      }
    }
    const lx = pad.l + (i % 4) * (pw / 4);
    const ly = pad.t + ph + 56 + Math.floor(i / 4) * 16;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 18}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 22}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
