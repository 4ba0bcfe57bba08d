import { describe, expect, it } from 'vitest';
import { renderLineChart } from './svg-chart.js';

describe('renderLineChart', () => {
  it('draws one path per series on two axes, with a legend and escaped text', () => {
    const svg = renderLineChart({
      title: 'loss & <accuracy>',
      x: { label: 'step', min: 0 },
      left: { label: 'loss', min: 0 },
      right: { label: 'accuracy', min: 0, max: 1 },
      series: [
        { name: 'loss', color: '#000', points: [[0, 3], [10, 1], [20, 0.5]] },
        { name: 'flip', color: '#0a0', axis: 'right', markers: true, points: [[0, 0.1], [20, 0.9]] },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('loss &amp; &lt;accuracy&gt;');
    expect(svg).not.toContain('NaN');
  });

  it('copes with empty and flat series', () => {
    const svg = renderLineChart({ title: 't', x: { label: 'x' }, left: { label: 'y' }, series: [{ name: 'flat', color: 'red', points: [[1, 2]] }, { name: 'none', color: 'blue', points: [] }] });
    expect(svg).not.toContain('NaN');
    expect(svg.match(/<path /g)).toHaveLength(1);
  });
});
