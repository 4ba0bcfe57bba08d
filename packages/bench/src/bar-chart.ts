// Grouped bar charts with interval whiskers, drawn as self-contained SVG (no scripts, no fonts
// to fetch): the held-out task chart and the run comparison figure both use these pieces.

/** One bar: a score and its interval, fractions 0-1. */
interface BarValue {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** A group of bars, one per series (`undefined` where a series has no value), with an optional dashed reference line (e.g. chance), 0-1. */
export interface BarGroup {
  readonly label: string;
  readonly bars: readonly (BarValue | undefined)[];
  readonly reference?: number;
}

/** A plot area: where it sits in the SVG, in px. */
export interface PanelBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Colours of series 0, 1, … (repeating). */
const BAR_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2'];

/** Escapes text for SVG. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Splits a label into lines of at most `maxChars` characters: at line breaks, then at spaces and
 * after `_` or `-`; at most `maxLines` lines, the last one cut with an ellipsis when needed.
 */
export function wrapLabel(label: string, maxChars: number, maxLines = 3): string[] {
  const width = Math.max(3, Math.floor(maxChars));
  const lines: string[] = [];
  for (const para of label.split('\n')) {
    let line = '';
    for (const word of para.split(/(?<=[ _-])/)) {
      if (line && (line + word).trimEnd().length > width) {
        lines.push(line.trimEnd());
        line = '';
      }
      line += word;
      while (line.length > width) {
        lines.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    lines.push(line.trimEnd());
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1]!;
  kept[maxLines - 1] = `${last.slice(0, Math.max(0, width - 1))}…`;
  return kept;
}

/** One decimal, the precision of every coordinate. */
export const f1 = (x: number): string => x.toFixed(1);

/** The opening of an SVG document on a white background, with a centred title. */
export function svgHeader(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${f1(width / 2)}" y="20" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
}

/**
 * Draws one panel of grouped bars into `out`: grid lines every 20 %, the y axis label, one bar
 * per series with a whisker from `lower` to `upper`, each group's reference line and label, and
 * the baseline. A label wider than its group (or holding line breaks) is wrapped under it in a
 * smaller font.
 */
export function drawBarPanel(out: string[], box: PanelBox, groups: readonly BarGroup[], series: number, yLabel: string): void {
  const { left, top, width: plotW, height: plotH } = box;
  const right = left + plotW;
  const groupW = plotW / Math.max(1, groups.length);
  const barW = (groupW * 0.8) / Math.max(1, series);
  const y = (v: number): number => top + plotH * (1 - v);
  for (let t = 0; t <= 100; t += 20) {
    const yy = f1(y(t / 100));
    out.push(`<line x1="${left}" y1="${yy}" x2="${right}" y2="${yy}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${t}</text>`);
  }
  const midY = f1(top + plotH / 2);
  out.push(`<text x="${left - 42}" y="${midY}" text-anchor="middle" transform="rotate(-90 ${left - 42} ${midY})">${escapeXml(yLabel)}</text>`);
  groups.forEach((group, g) => {
    const x0 = left + g * groupW + groupW * 0.1;
    group.bars.forEach((bar, r) => {
      if (!bar) return;
      const x = x0 + r * barW;
      const cx = f1(x + barW / 2);
      out.push(`<rect x="${f1(x + 1)}" y="${f1(y(bar.estimate))}" width="${f1(Math.max(1, barW - 2))}" height="${f1(plotH * bar.estimate)}" fill="${BAR_COLOURS[r % BAR_COLOURS.length]}"/>`);
      const cap = Math.min(6, barW / 4);
      const lo = f1(y(bar.lower));
      const hi = f1(y(bar.upper));
      const capLeft = f1(x + barW / 2 - cap);
      out.push(`<path d="M${cx} ${lo}V${hi}M${capLeft} ${lo}h${f1(2 * cap)}M${capLeft} ${hi}h${f1(2 * cap)}" stroke="#222" fill="none"/>`);
    });
    if (group.reference !== undefined) {
      out.push(`<line x1="${f1(x0 - 2)}" y1="${f1(y(group.reference))}" x2="${f1(x0 + groupW * 0.8 + 2)}" y2="${f1(y(group.reference))}" stroke="#000" stroke-dasharray="4 3"/>`);
    }
    const lx = f1(left + (g + 0.5) * groupW);
    if (!group.label.includes('\n') && group.label.length * 6.8 <= groupW) {
      out.push(`<text x="${lx}" y="${f1(top + plotH + 18)}" text-anchor="middle">${escapeXml(group.label)}</text>`);
    } else {
      const lines = wrapLabel(group.label, (groupW - 4) / 6, 4);
      const spans = lines.map((l, i) => `<tspan x="${lx}" dy="${i === 0 ? 0 : 12}">${escapeXml(l)}</tspan>`).join('');
      out.push(`<text x="${lx}" y="${f1(top + plotH + 16)}" text-anchor="middle" font-size="10.5">${spans}</text>`);
    }
  });
  out.push(`<line x1="${left}" y1="${f1(y(0))}" x2="${right}" y2="${f1(y(0))}" stroke="#222"/>`);
}

/** Draws a legend row at `(x, y)`: a colour square and the label of each series; returns the x where it ends. */
export function drawLegend(out: string[], x: number, y: number, labels: readonly string[]): number {
  let lx = x;
  labels.forEach((label, r) => {
    out.push(`<rect x="${f1(lx)}" y="${y}" width="12" height="12" fill="${BAR_COLOURS[r % BAR_COLOURS.length]}"/>`);
    out.push(`<text x="${f1(lx + 16)}" y="${y + 10}">${escapeXml(label)}</text>`);
    lx += 28 + 7 * label.length;
  });
  return lx;
}
