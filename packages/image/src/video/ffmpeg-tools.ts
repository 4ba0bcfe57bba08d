import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { ClipSourceError } from '../errors.js';

/** Oldest ffmpeg release the video source is tested against (major, minor). */
export const MIN_FFMPEG_VERSION: readonly [number, number] = [4, 2];

/** The command that installs the programs on Debian and Ubuntu, quoted in errors. */
export const FFMPEG_INSTALL_HINT = 'apt-get install ffmpeg';

/** The `ffmpeg` and `ffprobe` programs found on PATH, with the release they report. */
export interface FfmpegTools {
  /** Absolute paths of the programs. */
  readonly ffmpeg: string;
  readonly ffprobe: string;
  /** The version string `ffmpeg -version` prints, e.g. `5.1.6-0+deb12u1`. */
  readonly version: string;
  /** Major and minor release, or `null` for builds that print no release number (git snapshots). */
  readonly release: readonly [number, number] | null;
}

/** Output of one program run. */
export interface ToolRun {
  /** Exit code, or `null` when the process was killed. */
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

const cache = new Map<string, Promise<FfmpegTools>>();

async function findOnPath(program: string, path: string): Promise<string | null> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** Parses the release of `ffmpeg -version` output: `ffmpeg version 5.1.6-0+deb12u1 …` → `[5, 1]`. */
function parseFfmpegRelease(versionLine: string): { version: string; release: readonly [number, number] | null } {
  const version = /^\S+ version (\S+)/m.exec(versionLine)?.[1] ?? 'unknown';
  const m = /^n?(\d+)\.(\d+)/.exec(version);
  return { version, release: m ? [Number(m[1]), Number(m[2])] : null };
}

/**
 * Finds `ffmpeg` and `ffprobe` on `env.PATH` (default: the process's) and checks the release is
 * at least {@link MIN_FFMPEG_VERSION}; the result is cached per PATH. A missing program is a
 * `ClipSourceError` `ffmpeg-missing` naming `apt-get install ffmpeg`; an old one `ffmpeg-too-old`.
 */
export function ffmpegTools(env: NodeJS.ProcessEnv = process.env): Promise<FfmpegTools> {
  const path = env.PATH ?? '';
  let found = cache.get(path);
  if (!found) {
    found = locate(path);
    cache.set(path, found);
    // A failed lookup is not cached: installing ffmpeg mid-session should work on the next call.
    found.catch(() => cache.delete(path));
  }
  return found;
}

async function locate(path: string): Promise<FfmpegTools> {
  const [ffmpeg, ffprobe] = await Promise.all([findOnPath('ffmpeg', path), findOnPath('ffprobe', path)]);
  const missing = [ffmpeg ? null : 'ffmpeg', ffprobe ? null : 'ffprobe'].filter((p): p is string => p !== null);
  if (missing.length > 0 || !ffmpeg || !ffprobe) {
    throw new ClipSourceError(
      'ffmpeg-missing',
      missing.join(' and '),
      `not found on PATH; video sources decode through the ffmpeg programs: install them with \`${FFMPEG_INSTALL_HINT}\` (Debian/Ubuntu) or put ffmpeg ${MIN_FFMPEG_VERSION.join('.')} or later on PATH`,
    );
  }
  const run = await runTool(ffmpeg, ['-hide_banner', '-version']).catch((error: unknown) => {
    throw new ClipSourceError('ffmpeg-failed', ffmpeg, `cannot run: ${(error as Error).message}`, { cause: error });
  });
  const text = run.stdout.toString('utf8');
  if (run.code !== 0) throw new ClipSourceError('ffmpeg-failed', ffmpeg, `\`ffmpeg -version\` exited with code ${run.code}: ${run.stderr.trim()}`);
  const { version, release } = parseFfmpegRelease(text);
  if (release && (release[0] < MIN_FFMPEG_VERSION[0] || (release[0] === MIN_FFMPEG_VERSION[0] && release[1] < MIN_FFMPEG_VERSION[1]))) {
    throw new ClipSourceError(
      'ffmpeg-too-old',
      ffmpeg,
      `is release ${version}; video sources need ${MIN_FFMPEG_VERSION.join('.')} or later (\`${FFMPEG_INSTALL_HINT}\` on a current Debian/Ubuntu)`,
    );
  }
  return { ffmpeg, ffprobe, version, release };
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Called with each stdout chunk instead of collecting stdout. */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Called with each complete stderr line (stderr is still collected). */
  readonly onStderrLine?: (line: string) => void;
  /** Largest stdout collected, bytes; more is an error. Default 64 MiB. */
  readonly maxStdout?: number;
}

/**
 * Runs a program with arguments (no shell) and collects its output. The returned `kill()` ends it
 * early; the promise then resolves with `code: null`.
 */
export function startTool(program: string, args: readonly string[], options: RunToolOptions = {}): { done: Promise<ToolRun>; kill(): void } {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  let pending = '';
  let overflow = false;
  const maxStdout = options.maxStdout ?? 64 * 2 ** 20;
  child.stdout.on('data', (chunk: Buffer) => {
    if (options.onStdout) {
      options.onStdout(chunk);
      return;
    }
    size += chunk.length;
    if (size > maxStdout) {
      overflow = true;
      child.kill('SIGKILL');
      return;
    }
    chunks.push(chunk);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    // Keep the tail only: a long decode can log a line per frame.
    stderr = (stderr + text).slice(-65536);
    if (!options.onStderrLine) return;
    pending += text;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      options.onStderrLine(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  });
  const done = new Promise<ToolRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending && options.onStderrLine) options.onStderrLine(pending);
      if (overflow) {
        reject(new Error(`${program} wrote more than ${maxStdout} bytes to stdout`));
        return;
      }
      resolve({ code, stdout: Buffer.concat(chunks), stderr });
    });
  });
  return { done, kill: () => child.kill('SIGKILL') };
}

/** Runs a program to completion; see {@link startTool}. */
export function runTool(program: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolRun> {
  return startTool(program, args, options).done;
}
