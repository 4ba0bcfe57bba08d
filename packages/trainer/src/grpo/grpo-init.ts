import { access, copyFile, link } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError, loadCheckpoint, readCheckpointManifest, resolveCheckpointDir, type LoadedCheckpoint, type ModelConfig } from '@spatial-ssrl/model';
import { paramSpecs } from '@spatial-ssrl/model/training';

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** A loaded starting checkpoint, with where it came from and its weights' SHA-256. */
export interface InitCheckpoint extends LoadedCheckpoint {
  readonly dir: string;
  readonly sha256: string;
}

/** Loads the checkpoint behind a run folder or checkpoint directory (see `resolveCheckpointDir`). */
export async function loadInitCheckpoint(dir: string): Promise<InitCheckpoint> {
  const resolved = await resolveCheckpointDir(dir);
  const manifest = await readCheckpointManifest(resolved);
  const ckpt = await loadCheckpoint(resolved);
  return { ...ckpt, dir: resolved, sha256: manifest.weights.sha256 };
}

/**
 * Checks that a checkpoint (`what`, e.g. the reference policy) has exactly the policy's
 * parameters and input size; a difference is a `CheckpointError` (`weights-mismatch`) naming
 * the first tensor that differs.
 */
export function checkSameArchitecture(policy: ModelConfig, other: ModelConfig, source: string, what: string): void {
  const a = paramSpecs(policy);
  const b = new Map(paramSpecs(other).map((s) => [s.name, s]));
  for (const spec of a) {
    const o = b.get(spec.name);
    if (!o) throw new CheckpointError('weights-mismatch', source, `${what} has no tensor ${spec.name} (the policy's is ${spec.shape.join('×')})`);
    if (o.shape.join('x') !== spec.shape.join('x')) {
      throw new CheckpointError(
        'weights-mismatch',
        source,
        `${what} tensor ${spec.name} has shape ${o.shape.join('×')} but the policy's is ${spec.shape.join('×')}`,
      );
    }
    b.delete(spec.name);
  }
  const extra = [...b.keys()];
  if (extra.length > 0) throw new CheckpointError('weights-mismatch', source, `${what} has tensor ${extra[0]}, which the policy lacks`);
  if (policy.imageSize !== other.imageSize) {
    throw new CheckpointError('weights-mismatch', source, `${what} reads ${other.imageSize} px images but the policy reads ${policy.imageSize} px`);
  }
}

/**
 * Puts the init run folder's decoded-image cache (`image-cache-<px>.bin`, written by `trainSft`)
 * at `file` when `file` does not exist yet: a hard link, or a copy across file systems. The
 * cache checks its own key when read, so a cache of other images is rebuilt, not used.
 */
export async function seedImageCache(initDir: string, file: string): Promise<boolean> {
  const source = path.join(initDir, path.basename(file));
  if ((await exists(file)) || !(await exists(source))) return false;
  await link(source, file).catch(() => copyFile(source, file));
  return true;
}
