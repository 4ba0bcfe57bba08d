import type { CompiledScene } from './scene-compile.js';
import { cloudDensity } from './sky.js';

/** Spacing of the cloud grid, pixels. */
const STEP = 4;

/**
 * Cloud density sampled every 4 pixels over the image and interpolated in between: clouds are
 * soft, so this keeps their look at a sixteenth of the noise evaluations.
 */
export class CloudGrid {
  private readonly columns: number;
  private readonly rows: number;
  private readonly values: Float32Array;

  /** Samples the clouds for an image of `width × height` with focal length `focal` pixels. */
  constructor(s: CompiledScene, width: number, height: number, focal: number) {
    this.columns = Math.ceil(width / STEP) + 2;
    this.rows = Math.ceil(height / STEP) + 2;
    this.values = new Float32Array(this.columns * this.rows);
    // Detail much finer than the grid spacing would alias when interpolated; half of it still shows.
    const footprint = STEP / 2 / focal;
    for (let gy = 0; gy < this.rows; gy++) {
      const v = (height / 2 - gy * STEP) / focal;
      const dy = -s.sinPitch + v * s.cosPitch;
      const dz = s.cosPitch + v * s.sinPitch;
      for (let gx = 0; gx < this.columns; gx++) {
        const u = (gx * STEP - width / 2) / focal;
        const inv = 1 / Math.sqrt(u * u + dy * dy + dz * dz);
        this.values[gy * this.columns + gx] = cloudDensity(s, u * inv, dy * inv, dz * inv, footprint);
      }
    }
  }

  /** Interpolated density at screen point `(px, py)`; negative where any neighbouring sample has no clouds. */
  sample(px: number, py: number): number {
    const x = px < 0 ? 0 : px / STEP;
    const y = py < 0 ? 0 : py / STEP;
    const ix = x | 0;
    const iy = y | 0;
    const fx = x - ix;
    const fy = y - iy;
    const at = iy * this.columns + ix;
    const a = this.values[at];
    const b = this.values[at + 1];
    const c = this.values[at + this.columns];
    const d = this.values[at + this.columns + 1];
    if (a < 0 || b < 0 || c < 0 || d < 0) return -1;
    const top = a + (b - a) * fx;
    const bottom = c + (d - c) * fx;
    return top + (bottom - top) * fy;
  }
}
