import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PYTHON_PACKAGES = Object.freeze(['datasets', 'pyarrow', 'pillow', 'openai', 'fastapi', 'uvicorn', 'aiohttp']);

const LOCK_STALE_MS = 15 * 60_000;

async function withLock(dir, fn) {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function which(program) {
  const r = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export async function pythonEnv(options = {}) {
  const log = options.log ?? (() => {});
  if (process.env.SSRL_PYTHON) return { ok: true, python: process.env.SSRL_PYTHON };
  const base = which('python3');
  if (!base) return { ok: false, reason: 'python3 is not on PATH' };
  const key = createHash('sha256').update(PYTHON_PACKAGES.join(',')).digest('hex').slice(0, 12);
  const cache = process.env.SSRL_PYTHON_CACHE ?? join(workspaceRoot, 'node_modules', '.cache', 'ssrl-python');
  const dir = join(cache, key);
  const python = join(dir, 'bin', 'python');
  const done = join(dir, '.complete');
  const failed = join(dir, '.failed');
  if (existsSync(done)) return { ok: true, python };
  return withLock(dir, async () => {
    if (existsSync(done)) return { ok: true, python };
    // A failure is remembered for this cache so that every test file does not retry the install.
    if (existsSync(failed)) return { ok: false, reason: readFileSync(failed, 'utf8') };
    rmSync(dir, { recursive: true, force: true });
    try {
      log(`creating a Python environment in ${dir}`);
      await run(base, ['-m', 'venv', dir], { timeout: 120_000 });
      log(`pip install ${PYTHON_PACKAGES.join(' ')}`);
      // No retries: an unreachable index fails fast and pip goes on with the configured mirrors.
      await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--retries', '0', '--timeout', '20', '-q', ...PYTHON_PACKAGES], {
        timeout: 900_000,
        maxBuffer: 64 << 20,
      });
      const check = PYTHON_PACKAGES.map((p) => (p === 'pillow' ? 'PIL' : p)).join(', ');
      await run(python, ['-c', `import ${check}`], { timeout: 120_000 });
      writeFileSync(done, new Date().toISOString());
      return { ok: true, python };
    } catch (error) {
      const tail = String(error.stderr ?? error.message ?? error).trim().split('\n').slice(-3).join(' | ');
      const reason = `could not install ${PYTHON_PACKAGES.join(', ')} with pip: ${tail}`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(failed, reason);
      return { ok: false, reason };
    }
  });
}

export async function debianPrograms(programs, options = {}) {
  const log = options.log ?? (() => {});
  const missing = programs.filter((p) => !which(p.program));
  if (missing.length === 0) return { ok: true };
  const names = missing.map((p) => p.pkg).join(' ');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { ok: false, reason: `${missing.map((p) => p.program).join(', ')} not found; install with: sudo apt-get install -y ${names}` };
  }
  if (!which('apt-get')) return { ok: false, reason: `${missing.map((p) => p.program).join(', ')} not found and apt-get is not available` };
  return withLock(join(workspaceRoot, 'node_modules', '.cache', 'ssrl-apt'), async () => {
    const still = missing.filter((p) => !which(p.program));
    if (still.length === 0) return { ok: true };
    const pkgs = still.map((p) => p.pkg);
    try {
      log(`apt-get install -y ${pkgs.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      await run('apt-get', ['update', '-qq'], { timeout: 600_000, env, maxBuffer: 64 << 20 }).catch(() => {});
      await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { timeout: 900_000, env, maxBuffer: 64 << 20 });
    } catch (error) {
      const tail = String(error.stderr ?? error.message ?? error).trim().split('\n').slice(-2).join(' | ');
      return { ok: false, reason: `apt-get install ${pkgs.join(' ')} failed: ${tail}` };
    }
    const absent = still.filter((p) => !which(p.program));
    return absent.length === 0 ? { ok: true } : { ok: false, reason: `${absent.map((p) => p.program).join(', ')} still missing after apt-get` };
  });
}
