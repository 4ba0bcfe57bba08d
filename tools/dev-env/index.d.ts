/** A ready environment, or the reason it could not be made (for a visible skip). */
export type EnvResult = { readonly ok: true; readonly python: string } | { readonly ok: false; readonly reason: string };

/** The Python packages every project test and benchmark environment holds. */
export const PYTHON_PACKAGES: readonly string[];

/**
 * A Python virtual environment holding {@link PYTHON_PACKAGES}, created once under
 * `node_modules/.cache/ssrl-python/` (or `SSRL_PYTHON_CACHE`) and shared by every test process
 * (guarded by a lock directory). `SSRL_PYTHON` names an existing interpreter to use instead.
 */
export function pythonEnv(options?: { readonly log?: (line: string) => void }): Promise<EnvResult>;

/**
 * Makes sure each Debian package's program is on PATH, installing the missing ones with
 * `apt-get install -y --no-install-recommends` (as root only). Resolves to the reason when
 * they cannot be installed.
 */
export function debianPrograms(
  programs: readonly { readonly program: string; readonly pkg: string }[],
  options?: { readonly log?: (line: string) => void },
): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }>;

/** The workspace root (the folder holding `pnpm-workspace.yaml`). */
export const workspaceRoot: string;
