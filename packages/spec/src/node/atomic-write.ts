import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

// Unique per process, per thread and per call: worker threads share the pid.
function tempTag(): string {
  return `${process.pid}-${threadId}-${randomBytes(6).toString('hex')}`;
}

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * Directory for the temp file, on the same file system as the target (default: beside the
   * target); a writer that clears it on start leaves no stray temp files after a crash.
   */
  readonly tmpDir?: string;
}

/**
 * Writes `data` to `file` atomically: a temp file named by pid, thread id and random bytes, then
 * a rename over the target, so readers see the old content or the new, never a half-written
 * file. Creates the parent directory; removes the temp file on failure.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const name = `${path.basename(file)}.tmp-${tempTag()}`;
  const tmp = options.tmpDir !== undefined ? path.join(options.tmpDir, name) : path.join(path.dirname(file), name);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Replaces directory `dir` atomically with one filled by `fill(tmpDir)`: the new content is
 * written to a sibling temp directory, then moved into place by {@link moveDirAtomic}. A crash
 * leaves either the old or the new directory at `dir` (plus a stray temp directory, never a
 * half-written one); when `fill` throws, the temp directory is removed and `dir` is untouched.
 */
export async function replaceDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${tempTag()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await moveDirAtomic(tmp, dir);
}

/**
 * Moves the finished directory `from` to `dir`, replacing any directory there: the old one (if
 * any) is moved aside, the new one renamed into place, then the old one deleted, so `dir` holds
 * the old content or the new, never a mix. `from` must be on the same file system as `dir` (a
 * sibling); use it when the new content is built in a temp directory that outlives one call
 * (a resumable job), otherwise {@link replaceDirAtomic}.
 */
export async function moveDirAtomic(from: string, dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const old = `${dir}.old-${tempTag()}`;
  let moved = false;
  try {
    await rename(dir, old);
    moved = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await rename(from, dir);
  } catch (err) {
    if (moved) await rename(old, dir);
    throw err;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
