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
        // The clouds hang in the world: turn the camera-axes ray into world axes (exact for yaw 0).
        const wx = s.camCos * u + s.camSin * dz;
        const wz = s.camCos * dz - s.camSin * u;
        this.values[gy * this.columns + gx] = cloudDensity(s, wx * inv, dy * inv, wz * inv, footprint);
      }
    }
  }

  /**
   * Interpolated densities at screen points `(x + 0.5 + offset, py)` for columns `x0..x1-1`,
   * written to `out[x]`; negative where any neighbouring sample has no clouds.
   */
  sampleRow(py: number, offset: number, x0: number, x1: number, out: Float64Array): void {
    const y = py < 0 ? 0 : py / STEP;
    const iy = y | 0;
    const fy = y - iy;
    const values = this.values;
    const top = iy * this.columns;
    const bottom = top + this.columns;
    for (let px = x0 + 0.5 + offset, k = x0; k < x1; k++, px++) {
      const x = px < 0 ? 0 : px / STEP;
      const ix = x | 0;
      const fx = x - ix;
      const a = values[top + ix];
      const b = values[top + ix + 1];
      const c = values[bottom + ix];
      const d = values[bottom + ix + 1];
      if (a < 0 || b < 0 || c < 0 || d < 0) {
        out[k] = -1;
        continue;
      }
      const upper = a + (b - a) * fx;
      const lower = c + (d - c) * fx;
      out[k] = upper + (lower - upper) * fy;
    }
  }
}
