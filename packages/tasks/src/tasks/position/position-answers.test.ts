import { describe, expect, it } from 'vitest';
import { FACINGS, POSITION_ANSWERS, positionAnswer, usesCompound, type Facing } from './position-answers.js';

// The answer table of the task specification, row by row, columns left / right / me / away.
const SPEC_ROWS = {
  near: ['Back/Front', 'Front/Back', 'Left/Right', 'Right/Left'],
  farSameX: ['Right/Left', 'Left/Right', 'Back/Front', 'Front/Back'],
  farDiffX: [
    'Right-Back / Left-Back / Right-Front / Left-Front',
    'Left-Front / Right-Front / Left-Back / Right-Back',
    'Left-Back / Left-Front / Right-Back / Right-Front',
    'Right-Front / Right-Back / Left-Front / Left-Back',
  ],
};

// Independent derivation: viewer frame (x to the right of the image, d away from the viewer);
// the camera's forward vector f and right vector r = (f_d, −f_x).
function derive(facing: Facing, dx: number, dd: number, compound: boolean, kind: 'near' | 'far'): string {
  const f = { left: [-1, 0], right: [1, 0], me: [0, -1], away: [0, 1] }[facing];
  const r = [f[1], -f[0]];
  const vx = Math.sign(dx >= 0 ? 1 : -1);
  const vd = Math.sign(dd >= 0 ? 1 : -1);
  const v = kind === 'near' ? [vx, 0] : compound ? [vx, vd] : [0, vd];
  const front = v[0] * f[0] + v[1] * f[1];
  const right = v[0] * r[0] + v[1] * r[1];
  const fb = front > 0 ? 'Front' : front < 0 ? 'Back' : '';
  const lr = right > 0 ? 'Right' : right < 0 ? 'Left' : '';
  return fb !== '' && lr !== '' ? `${lr}-${fb}` : lr + fb;
}

describe('POSITION_ANSWERS', () => {
  FACINGS.forEach((facing, col) => {
    it(`matches every cell of the spec table for facing ${facing}`, () => {
      const [nearPlus, nearMinus] = SPEC_ROWS.near[col].split('/');
      expect(POSITION_ANSWERS[facing].near['+']).toBe(nearPlus);
      expect(POSITION_ANSWERS[facing].near['-']).toBe(nearMinus);
      const [samePlus, sameMinus] = SPEC_ROWS.farSameX[col].split('/');
      expect(POSITION_ANSWERS[facing].farSameX['+']).toBe(samePlus);
      expect(POSITION_ANSWERS[facing].farSameX['-']).toBe(sameMinus);
      const diff = SPEC_ROWS.farDiffX[col].split(' / ');
      expect(POSITION_ANSWERS[facing].farDiffX['++']).toBe(diff[0]);
      expect(POSITION_ANSWERS[facing].farDiffX['+-']).toBe(diff[1]);
      expect(POSITION_ANSWERS[facing].farDiffX['-+']).toBe(diff[2]);
      expect(POSITION_ANSWERS[facing].farDiffX['--']).toBe(diff[3]);
    });
  });

  it('agrees with a rotation of the viewer frame into the camera frame in every cell', () => {
    for (const facing of FACINGS) {
      for (const dx of [-400, -151, -10, 0, 10, 151, 400]) {
        for (const dd of [-2, -0.5, 0, 0.5, 2]) {
          for (const kind of ['near', 'far'] as const) {
            const c = { kind, facing, dx, dd, compoundDx: 150 };
            expect(positionAnswer(c)).toBe(derive(facing, dx, dd, usesCompound(c), kind));
          }
        }
      }
    }
  });

  it('uses compound options only for far pairs with |Δx| above the threshold, and counts 0 as +', () => {
    expect(usesCompound({ kind: 'far', facing: 'me', dx: 150, dd: 1, compoundDx: 150 })).toBe(false);
    expect(usesCompound({ kind: 'far', facing: 'me', dx: -151, dd: 1, compoundDx: 150 })).toBe(true);
    expect(usesCompound({ kind: 'near', facing: 'me', dx: 900, dd: 1, compoundDx: 150 })).toBe(false);
    expect(positionAnswer({ kind: 'near', facing: 'left', dx: 0, dd: -1, compoundDx: 150 })).toBe('Back');
    expect(positionAnswer({ kind: 'far', facing: 'me', dx: 0, dd: 0, compoundDx: 150 })).toBe('Back');
  });
});
