import os from 'node:os';
import { renderScene, type SceneQuality } from '../index.js';

interface Stats {
  readonly median: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function run(quality: SceneQuality, seeds: number, width: number, height: number): void {
  for (let seed = 0; seed < 10; seed++) renderScene({ seed: 1_000_000 + seed, width, height, quality });
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    renderScene({ seed, width, height, quality });
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  const w = stats(wall);
  const c = stats(cpu);
  console.log(
    `${quality.padEnd(8)} ${width}x${height} over ${seeds} seeds: wall median ${w.median.toFixed(1)} ms, p90 ${w.p90.toFixed(1)} ms ` +
      `(min ${w.min.toFixed(1)}, max ${w.max.toFixed(1)}); cpu median ${c.median.toFixed(1)} ms, p90 ${c.p90.toFixed(1)} ms`,
  );
}

const cpus = os.cpus();
console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`node ${process.version} (${process.platform} ${process.arch})`);
run('standard', 200, 640, 480);
run('draft', 200, 640, 480);
run('high', 20, 640, 480);
