import { describe, expect, it } from 'vitest';
import { renderContactSheet } from './contact-sheet.js';
import { createRgb } from './raster.js';

describe('renderContactSheet', () => {
  it('lays cells on a grid with their images scaled into the cell and text under them', () => {
    const red = createRgb(400, 200, [255, 0, 0]);
    const blue = createRgb(100, 100, [0, 0, 255]);
    const sheet = renderContactSheet('title', [{ images: [red, blue], lines: [{ text: 'two images' }] }, { images: [blue], lines: [] }], {
      columns: 2,
      cellWidth: 200,
      imageHeight: 80,
      textHeight: 9,
    });
    expect(sheet.width).toBe(2 * 200 + 3 * 10);
    let reds = 0;
    let blues = 0;
    for (let i = 0; i < sheet.data.length; i += 3) {
      if (sheet.data[i] === 255 && sheet.data[i + 1] === 0 && sheet.data[i + 2] === 0) reds++;
      if (sheet.data[i] === 0 && sheet.data[i + 1] === 0 && sheet.data[i + 2] === 255) blues++;
    }
    // The red image keeps its 2:1 aspect at a height that fits beside the blue one.
    expect(reds).toBeGreaterThan(2000);
    expect(blues).toBeGreaterThan(2000);
  });
});
