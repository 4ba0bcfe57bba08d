import { CloudGrid } from './cloud-grid.js';
import { encodeChannel, encodeLut } from './color.js';
import { createGroundScratch, groundAlbedoRow, type GroundScratch } from './ground-material.js';
import { fbm2 } from './noise.js';
import { objectAlbedoRow } from './object-material.js';
import { RAY_OX, RAY_OY, RAY_OZ } from './primitives.js';
import type { CompiledScene } from './scene-compile.js';
import { SEGMENT_BACKDROP, SEGMENT_FIRST_OBJECT, SEGMENT_GROUND, SEGMENT_SKY, SceneTracer } from './scene-tracer.js';
import { hazeAmount } from './shading.js';
import { SIDE_GLOW, createSkyScratch, skyRow, sunSide, type SkyScratch } from './sky.js';

/** Largest path between interpolated hill-crown samples, in cells of their finest octave, and most columns apart. */
const CROWN_SPACING = 0.6;
const MAX_CROWN_STRIDE = 6;

/**
 * A {@link SceneTracer} that also shades what its rays hit: sky with sun glow and clouds, the
 * textured ground with shadows and sheen, the hills, and the objects, all under one sun with an
 * ambient sky term and aerial haze. After `traceRow`, `shadeRow` writes the row's colours as
 * 8-bit sRGB or, for averaging several rays per pixel, as linear light in `rowRgb`.
 */
export class SceneShader extends SceneTracer {
  /** Linear colour of each column of the last row shaded without a byte output, `r, g, b` per column. */
  readonly rowRgb: Float64Array;

  /** Per pixel column: how much the column faces the sun's azimuth (see `sunSide`), for sky glow. */
  private readonly side: Float64Array;
  /** Per pixel column: the haze colour, horizon tinted towards the sun's azimuth, `r, g, b`. */
  private readonly hazeColour: Float64Array;
  private readonly clouds: CloudGrid | null;
  /** Cloud density per column of the current row (sky runs only). */
  private readonly rowCloud: Float64Array;
  private readonly skyScratch: SkyScratch;
  /** Per column of the current run: an object's pixel footprint (metres) or the hills' crown noise. */
  private readonly rowValue: Float64Array;
  private readonly groundScratch: GroundScratch;
  private rowOffset = 0;
  private readonly lut = encodeLut();
  /** Output of the row being shaded (null: linear light into `rowRgb`) and the index of its first byte. */
  private bytes: Uint8Array | null = null;
  private bytesAt = 0;

  constructor(scene: CompiledScene, width: number, height: number, options: { shadows: boolean; clouds: boolean }) {
    super(scene, width, height, options);
    this.rowRgb = new Float64Array(width * 3);
    this.side = new Float64Array(width);
    this.hazeColour = new Float64Array(width * 3);
    for (let x = 0; x < width; x++) {
      const side = sunSide(scene, (x + 0.5 - width / 2) / this.focal, scene.cosPitch);
      this.side[x] = side;
      const tint = SIDE_GLOW * 0.6 * side;
      for (let c = 0; c < 3; c++) this.hazeColour[x * 3 + c] = scene.horizon[c] + scene.sun[c] * tint;
    }
    this.clouds = options.clouds ? new CloudGrid(scene, width, height, this.focal) : null;
    this.rowCloud = new Float64Array(width);
    this.skyScratch = createSkyScratch(width);
    this.rowValue = new Float64Array(width);
    this.groundScratch = createGroundScratch(width);
  }

  /** Traces the current row at screen x `x + 0.5 + offset` per column `x`; see {@link SceneTracer.traceRow}. */
  override traceRow(offset: number): void {
    this.rowOffset = offset;
    super.traceRow(offset);
  }

  /**
   * Shades the last traced row, one run of equal segments at a time: as 8-bit sRGB straight into
   * `bytes` from index `at` on, or with `bytes` null as linear light into `rowRgb`.
   */
  shadeRow(bytes: Uint8Array | null, at: number): void {
    const seg = this.rowSeg;
    const width = this.width;
    this.bytes = bytes;
    this.bytesAt = at;
    let x = 0;
    while (x < width) {
      const code = seg[x];
      let end = x + 1;
      while (end < width && seg[end] === code) end++;
      if (code === SEGMENT_SKY) this.shadeSky(x, end);
      else if (code === SEGMENT_GROUND) this.shadeGround(x, end);
      else if (code === SEGMENT_BACKDROP) this.shadeBackdrop(x, end);
      else this.shadeObject(code - SEGMENT_FIRST_OBJECT, x, end);
      x = end;
    }
  }

  /** Writes the linear colour `(r, g, b)` of column `x`: encoded into `bytes` when set, else into `rowRgb`. */
  private emit(x: number, r: number, g: number, b: number): void {
    const bytes = this.bytes;
    if (bytes === null) {
      const out = this.rowRgb;
      out[x * 3] = r;
      out[x * 3 + 1] = g;
      out[x * 3 + 2] = b;
      return;
    }
    const lut = this.lut;
    const at = this.bytesAt + x * 3;
    bytes[at] = encodeChannel(lut, r);
    bytes[at + 1] = encodeChannel(lut, g);
    bytes[at + 2] = encodeChannel(lut, b);
  }

  /**
   * Combines albedo `(ar, ag, ab)` under diffuse light `(lr, lg, lb)` plus a sun highlight
   * `spec` with haze amount `haze` and emits it for column `x`.
   */
  private finish(x: number, ar: number, ag: number, ab: number, lr: number, lg: number, lb: number, spec: number, haze: number): void {
    const sun = this.s.sun;
    const tint = this.hazeColour;
    const keep = 1 - haze;
    const at = x * 3;
    this.emit(
      x,
      (ar * lr + sun[0] * spec) * keep + tint[at] * haze,
      (ag * lg + sun[1] * spec) * keep + tint[at + 1] * haze,
      (ab * lb + sun[2] * spec) * keep + tint[at + 2] * haze,
    );
  }

  private shadeSky(x0: number, x1: number): void {
    const clouds = this.clouds;
    if (clouds !== null) clouds.sampleRow(this.rowPy, this.rowOffset, x0, x1, this.rowCloud);
    skyRow(this.s, this.rowU, x0, x1, this.rowDy, this.rowDz, this.side, clouds === null ? null : this.rowCloud, this.skyScratch, this.rowRgb, this.bytes, this.bytesAt);
  }

  private shadeGround(x0: number, x1: number): void {
    const s = this.s;
    const t = this.groundT;
    const dy = this.rowDy;
    const dz = this.rowDz;
    const dyz2 = dy * dy + this.rowDz2;
    const rowU = this.rowU;
    const out = this.rowRgb;
    // The albedo goes into rowRgb first and is lit in place below.
    groundAlbedoRow(s, rowU, x0, x1, this.groundX0, this.groundXu, this.groundZ0, this.groundZu, this.groundFootprint, this.groundScratch, out);
    const shadowCount = this.shadows ? this.activeShadowCount : 0;
    const span = this.shadowSpan;
    const sunR = s.sun[0];
    const sunG = s.sun[1];
    const sunB = s.sun[2];
    const ambR = s.ambient[0];
    const ambG = s.ambient[1];
    const ambB = s.ambient[2];
    const haze = this.groundHaze;
    // Broad Phong sheen: the mirrored view ray against the sun, so the ground brightens towards the sun.
    const sheenY = -dy * s.ly + dz * s.viewLz;
    const lx = s.viewLx;
    const gx0 = this.groundX0;
    const gxu = this.groundXu;
    const gz0 = this.groundZ0;
    const gzu = this.groundZu;
    const gloss = s.groundGloss;
    const offset = this.rowOffset + 0.5;
    for (let x = x0; x < x1; x++) {
      const u = rowU[x];
      let sunlit = s.ly;
      if (shadowCount > 0) {
        const px = x + offset;
        let n = 0;
        for (let k = 0; k < shadowCount; k++) {
          if (px >= span[k * 2] && px <= span[k * 2 + 1]) this.candidates[n++] = this.activeShadow[k];
        }
        if (n > 0) {
          this.ray[RAY_OX] = gx0 + gxu * u;
          this.ray[RAY_OY] = 0;
          this.ray[RAY_OZ] = gz0 + gzu * u;
          if (this.occluded(this.candidates, 0, n)) sunlit = 0;
          this.restoreRay();
        }
      }
      let spec = 0;
      if (sunlit > 0) {
        // gloss · cos², with the cosine's numerator and squared denominator: no square root.
        const c = u * lx + sheenY;
        if (c > 0) spec = (gloss * c * c) / (u * u + dyz2);
      }
      const at = x * 3;
      this.finish(x, out[at], out[at + 1], out[at + 2], ambR + sunR * sunlit, ambG + sunG * sunlit, ambB + sunB * sunlit, spec, haze);
    }
  }

  private shadeObject(i: number, x0: number, x1: number): void {
    const s = this.s;
    const o = this.objects[i];
    const dy = this.rowDy;
    const dz = this.rowDz;
    const dyz2 = dy * dy + this.rowDz2;
    const rowU = this.rowU;
    const rowT = this.rowT;
    const rowHit = this.rowHit;
    const foot = this.rowValue;
    const out = this.rowRgb;
    const cosYaw = o.cosYaw;
    const sinYaw = o.sinYaw;
    const viewCos = o.viewCos;
    const viewSin = o.viewSin;
    for (let x = x0; x < x1; x++) {
      const u = rowU[x];
      const h = x * 6;
      const nlx = rowHit[h + 3];
      const nlz = rowHit[h + 5];
      const len = Math.sqrt(u * u + dyz2);
      // The normal in the camera's axes against the ray, which is given in them too.
      const facing = Math.abs((viewCos * nlx + viewSin * nlz) * u + rowHit[h + 4] * dy + (-viewSin * nlx + viewCos * nlz) * dz) / len;
      foot[x] = (rowT[x] * len * this.pixelAngle) / (facing > 0.3 ? facing : 0.3);
    }
    // The albedo goes into rowRgb first and is lit in place below.
    objectAlbedoRow(o, rowHit, foot, x0, x1, out);
    const from = this.occluders.start[i];
    const to = this.occluders.start[i + 1];
    const shadows = this.shadows && to > from;
    const invB = 1 / o.b;
    const invHaze = 1 / s.hazeDistance;
    const camHeight = s.camHeight;
    const { lx, ly, lz, camX, camZ, camCos, camSin } = s;
    const ambR = s.ambient[0];
    const ambG = s.ambient[1];
    const ambB = s.ambient[2];
    const sunR = s.sun[0];
    const sunG = s.sun[1];
    const sunB = s.sun[2];
    const tint = this.hazeColour;
    const ray = this.ray;
    for (let x = x0; x < x1; x++) {
      const t = rowT[x];
      const h = x * 6;
      const nlx = rowHit[h + 3];
      const nly = rowHit[h + 4];
      const nlz = rowHit[h + 5];
      const nx = cosYaw * nlx + sinYaw * nlz;
      const nz = -sinYaw * nlx + cosYaw * nlz;
      const ndl = nx * lx + nly * ly + nz * lz;
      let sunlit = ndl > 0 ? ndl : 0;
      if (sunlit > 0 && shadows) {
        // The hit in world axes; for the scene's own camera these are t·u and t·dz exactly.
        const u = rowU[x];
        ray[RAY_OX] = camX + t * (camCos * u + camSin * dz) + nx * 1e-3;
        ray[RAY_OY] = camHeight + t * dy + nly * 1e-3;
        ray[RAY_OZ] = camZ + t * (camCos * dz - camSin * u) + nz * 1e-3;
        if (this.occluded(this.occluders.list, from, to)) sunlit = 0;
        this.restoreRay();
      }
      // Sky light: more on upward faces, and less low down where the ground hides part of the sky.
      const height = rowHit[h + 1] * invB;
      const sky = (0.6 + 0.4 * nly) * (0.55 + 0.45 * Math.sqrt(height > 0 ? (height < 1 ? height : 1) : 0));
      const haze = hazeAmount(t * invHaze);
      const keep = 1 - haze;
      const at = x * 3;
      this.emit(
        x,
        out[at] * (ambR * sky + sunR * sunlit) * keep + tint[at] * haze,
        out[at + 1] * (ambG * sky + sunG * sunlit) * keep + tint[at + 1] * haze,
        out[at + 2] * (ambB * sky + sunB * sunlit) * keep + tint[at + 2] * haze,
      );
    }
  }

  /** Hill-crown noise of column `x` of the current row; see {@link shadeBackdrop}. */
  private crownsAt(x: number): number {
    const s = this.s;
    const t = this.rowT[x];
    const wy = s.camHeight + t * this.rowDy;
    return fbm2(this.rowHit[x * 6] * s.backdropDistance * 0.45, wy * 0.6, s.salt + 131, 3, t * this.pixelAngle * 0.6);
  }

  private shadeBackdrop(x0: number, x1: number): void {
    const s = this.s;
    const rowT = this.rowT;
    const rowHit = this.rowHit;
    const albedo = s.backdropAlbedo;
    const invHaze = 1 / s.hazeDistance;
    const crowns = this.rowValue;
    // The crown noise is evaluated every few columns where neighbouring points lie close in its
    // finest octave (4 cycles per unit), and interpolated linearly in between.
    const sx = s.backdropDistance * 0.45 * 4;
    const sy = this.rowDy * 0.6 * 4;
    let a = x0;
    crowns[a] = this.crownsAt(a);
    while (a < x1 - 1) {
      let b = a;
      let path = 0;
      while (b < x1 - 1 && b - a < MAX_CROWN_STRIDE) {
        path += Math.max(Math.abs((rowHit[b * 6 + 6] - rowHit[b * 6]) * sx), Math.abs((rowT[b + 1] - rowT[b]) * sy));
        if (path > CROWN_SPACING && b > a) break;
        b++;
      }
      crowns[b] = this.crownsAt(b);
      const slope = (crowns[b] - crowns[a]) / (b - a);
      for (let x = a + 1; x < b; x++) crowns[x] = crowns[a] + slope * (x - a);
      a = b;
    }
    for (let x = x0; x < x1; x++) {
      const t = rowT[x];
      const st = rowHit[x * 6];
      const ct = rowHit[x * 6 + 1];
      const wy = s.camHeight + t * this.rowDy;
      // The hills face the camera and lean back by 35°, so the sun side of the ring is brighter.
      const ndl = -0.57 * (st * s.lx + ct * s.lz) + 0.82 * s.ly;
      const sun = ndl > 0 ? ndl : 0;
      // Darker clumps of trees, lighter towards the ridge where the canopy catches more sky.
      const top = this.hillHeight(st);
      const k = (0.45 + crowns[x]) * (0.8 + 0.35 * Math.min(1, wy / top));
      this.finish(
        x,
        albedo[0] * k,
        albedo[1] * k,
        albedo[2] * k,
        s.ambient[0] + s.sun[0] * sun,
        s.ambient[1] + s.sun[1] * sun,
        s.ambient[2] + s.sun[2] * sun,
        0,
        hazeAmount(t * invHaze),
      );
    }
  }
}
