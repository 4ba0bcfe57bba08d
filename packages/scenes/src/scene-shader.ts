import { CloudGrid } from './cloud-grid.js';
import { groundAlbedo } from './ground-material.js';
import { fbm2 } from './noise.js';
import { objectAlbedo } from './object-material.js';
import { HIT_NX, HIT_NY, HIT_NZ, RAY_OX, RAY_OY, RAY_OZ } from './primitives.js';
import type { CompiledScene } from './scene-compile.js';
import { SEGMENT_BACKDROP, SEGMENT_GROUND, SEGMENT_SKY, SceneTracer } from './scene-tracer.js';
import { SHADE_B, SHADE_G, SHADE_R, SHADE_SIZE, hazeAmount } from './shading.js';
import { SIDE_GLOW, skyColor, sunSide } from './sky.js';

/**
 * A {@link SceneTracer} that also shades what its rays hit: sky with sun glow and clouds, the
 * textured ground with shadows and sheen, the hills, and the objects, all under one sun with an
 * ambient sky term and aerial haze. After `trace()`, `shade()` leaves the linear colour in `r, g, b`.
 */
export class SceneShader extends SceneTracer {
  /** Linear colour of the last shaded ray. */
  r = 0.5;
  g = 0.5;
  b = 0.5;

  /** Per pixel column: how much the column faces the sun's azimuth (see `sunSide`), for sky glow and haze tint. */
  private readonly side: Float64Array;
  private readonly clouds: CloudGrid | null;
  private readonly io = new Float64Array(SHADE_SIZE);
  /** Diffuse light r, g, b, sun highlight and haze amount for `finish`. */
  private readonly light = new Float64Array(5);

  constructor(scene: CompiledScene, width: number, height: number, options: { shadows: boolean; clouds: boolean }) {
    super(scene, width, height, options);
    this.side = new Float64Array(width);
    for (let x = 0; x < width; x++) this.side[x] = sunSide(scene, (x + 0.5 - width / 2) / this.focal, scene.cosPitch);
    this.clouds = options.clouds ? new CloudGrid(scene, width, height, this.focal) : null;
  }

  /** Shades the last traced ray into `r, g, b` (linear light). */
  shade(): void {
    switch (this.hitSegment) {
      case SEGMENT_SKY:
        this.shadeSky();
        return;
      case SEGMENT_GROUND:
        this.shadeGround();
        return;
      case SEGMENT_BACKDROP:
        this.shadeBackdrop();
        return;
      default:
        this.shadeObject();
    }
  }

  /** Combines the albedo in `io` with `light` (diffuse r, g, b, sun highlight, haze) into `r, g, b`. */
  private finish(): void {
    const s = this.s;
    const io = this.io;
    const light = this.light;
    const spec = light[3];
    const haze = light[4];
    const keep = 1 - haze;
    const tint = SIDE_GLOW * 0.6 * this.side[this.column()];
    this.r = (io[SHADE_R] * light[0] + s.sun[0] * spec) * keep + (s.horizon[0] + s.sun[0] * tint) * haze;
    this.g = (io[SHADE_G] * light[1] + s.sun[1] * spec) * keep + (s.horizon[1] + s.sun[1] * tint) * haze;
    this.b = (io[SHADE_B] * light[2] + s.sun[2] * spec) * keep + (s.horizon[2] + s.sun[2] * tint) * haze;
  }

  /** The pixel column of `px`, clamped to the image. */
  private column(): number {
    const px = this.px;
    return px < 0 ? 0 : px >= this.side.length ? this.side.length - 1 : px | 0;
  }

  private shadeSky(): void {
    const u = this.u;
    const dy = this.rowDy;
    const inv = 1 / Math.sqrt(u * u + dy * dy + this.rowDz2);
    const io = this.io;
    io[0] = u * inv;
    io[1] = dy * inv;
    io[2] = this.rowDz * inv;
    io[3] = this.pixelAngle;
    io[5] = this.side[this.column()];
    io[6] = this.clouds === null ? -1 : this.clouds.sample(this.px, this.rowPy);
    skyColor(this.s, io);
    this.r = io[SHADE_R];
    this.g = io[SHADE_G];
    this.b = io[SHADE_B];
  }

  private shadeGround(): void {
    const s = this.s;
    const t = this.groundT;
    const u = this.u;
    const px = this.px;
    const io = this.io;
    const wx = t * u;
    const wz = t * this.rowDz;
    io[0] = wx;
    io[1] = wz;
    io[2] = this.groundFootprint;
    groundAlbedo(s, io);
    let sunlit = s.ly;
    if (this.shadows && this.activeShadowCount > 0) {
      let n = 0;
      for (let k = 0; k < this.activeShadowCount; k++) {
        if (px >= this.shadowSpan[k * 2] && px <= this.shadowSpan[k * 2 + 1]) this.candidates[n++] = this.activeShadow[k];
      }
      if (n > 0) {
        this.ray[RAY_OX] = wx;
        this.ray[RAY_OY] = 0;
        this.ray[RAY_OZ] = wz;
        if (this.occluded(this.candidates, 0, n)) sunlit = 0;
        this.restoreRay();
      }
    }
    let spec = 0;
    if (sunlit > 0) {
      // Broad Phong sheen: the mirrored view ray against the sun, so the ground brightens towards the sun.
      const dy = this.rowDy;
      const c = (u * s.lx - dy * s.ly + this.rowDz * s.lz) / Math.sqrt(u * u + dy * dy + this.rowDz2);
      if (c > 0) spec = s.groundGloss * c * c;
    }
    const light = this.light;
    light[0] = s.ambient[0] + s.sun[0] * sunlit;
    light[1] = s.ambient[1] + s.sun[1] * sunlit;
    light[2] = s.ambient[2] + s.sun[2] * sunlit;
    light[3] = spec;
    light[4] = this.groundHaze;
    this.finish();
  }

  private shadeObject(): void {
    const s = this.s;
    const io = this.io;
    const t = this.hitT;
    const u = this.u;
    const dy = this.rowDy;
    const dz = this.rowDz;
    const i = this.hitObject;
    const o = this.objects[i];
    const nlx = this.best[HIT_NX];
    const nly = this.best[HIT_NY];
    const nlz = this.best[HIT_NZ];
    const nx = o.cosYaw * nlx + o.sinYaw * nlz;
    const nz = -o.sinYaw * nlx + o.cosYaw * nlz;
    const len = Math.sqrt(u * u + dy * dy + this.rowDz2);
    const facing = Math.abs(nx * u + nly * dy + nz * dz) / len;
    io[0] = this.localX;
    io[1] = this.localY;
    io[2] = this.localZ;
    io[3] = nlx;
    io[4] = nly;
    io[5] = nlz;
    io[6] = (t * len * this.pixelAngle) / (facing > 0.3 ? facing : 0.3);
    objectAlbedo(o, io);
    const ndl = nx * s.lx + nly * s.ly + nz * s.lz;
    let sunlit = ndl > 0 ? ndl : 0;
    const from = this.occluders.start[i];
    const to = this.occluders.start[i + 1];
    if (sunlit > 0 && this.shadows && to > from) {
      this.ray[RAY_OX] = t * u + nx * 1e-3;
      this.ray[RAY_OY] = s.camHeight + t * dy + nly * 1e-3;
      this.ray[RAY_OZ] = t * dz + nz * 1e-3;
      if (this.occluded(this.occluders.list, from, to)) sunlit = 0;
      this.restoreRay();
    }
    // Sky light: more on upward faces, and less low down where the ground hides part of the sky.
    const height = this.localY / o.b;
    const sky = (0.6 + 0.4 * nly) * (0.55 + 0.45 * Math.sqrt(height > 0 ? (height < 1 ? height : 1) : 0));
    const light = this.light;
    light[0] = s.ambient[0] * sky + s.sun[0] * sunlit;
    light[1] = s.ambient[1] * sky + s.sun[1] * sunlit;
    light[2] = s.ambient[2] * sky + s.sun[2] * sunlit;
    light[3] = 0;
    light[4] = hazeAmount(t / s.hazeDistance);
    this.finish();
  }

  private shadeBackdrop(): void {
    const s = this.s;
    const io = this.io;
    const t = this.hitT;
    const st = this.bearing;
    const ct = this.bearingCos;
    const wy = s.camHeight + t * this.rowDy;
    // The hills face the camera and lean back by 35°, so the sun side of the ring is brighter.
    const ndl = -0.57 * (st * s.lx + ct * s.lz) + 0.82 * s.ly;
    const sun = ndl > 0 ? ndl : 0;
    const footprint = t * this.pixelAngle;
    const crowns = fbm2(st * s.backdropDistance * 0.45, wy * 0.6, s.salt + 131, 3, footprint * 0.6);
    // Darker clumps of trees, lighter towards the ridge where the canopy catches more sky.
    const top = this.hillHeight(st);
    const k = (0.45 + crowns) * (0.8 + 0.35 * Math.min(1, wy / top));
    io[SHADE_R] = s.backdropAlbedo[0] * k;
    io[SHADE_G] = s.backdropAlbedo[1] * k;
    io[SHADE_B] = s.backdropAlbedo[2] * k;
    const light = this.light;
    light[0] = s.ambient[0] + s.sun[0] * sun;
    light[1] = s.ambient[1] + s.sun[1] * sun;
    light[2] = s.ambient[2] + s.sun[2] * sun;
    light[3] = 0;
    light[4] = hazeAmount(t / s.hazeDistance);
    this.finish();
  }
}
