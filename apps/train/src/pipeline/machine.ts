import { createRequire } from 'node:module';
import { cpus, release, totalmem, type as osType } from 'node:os';

/** The machine and software a pipeline ran on, for the report. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  /** Total memory in GiB. */
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** Versions of the workspace packages the pipeline composes. */
  readonly packages: Readonly<Record<string, string>>;
}

const PACKAGES = ['@spatial-ssrl/image', '@spatial-ssrl/scenes', '@spatial-ssrl/tasks', '@spatial-ssrl/rewards', '@spatial-ssrl/grpo', '@spatial-ssrl/model', '@spatial-ssrl/trainer', '@spatial-ssrl/bench'];

/** Describes this machine (CPU model, cores, memory, OS, Node) and the package versions in use. */
export function machineInfo(): MachineInfo {
  const fromApp = createRequire(import.meta.url);
  // A package the app does not depend on itself (scenes, through tasks) is looked up from the
  // packages that do.
  const requirers = [fromApp, ...PACKAGES.flatMap((name) => {
    try {
      return [createRequire(fromApp.resolve(`${name}/package.json`))];
    } catch {
      return [];
    }
  })];
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    packages[name] = 'unknown';
    for (const require of requirers) {
      try {
        packages[name] = (require(`${name}/package.json`) as { version: string }).version;
        break;
      } catch {
        // not reachable from this package; try the next
      }
    }
  }
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    packages,
  };
}
