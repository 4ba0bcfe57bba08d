import { serveCli } from './serve-command.js';
import { shimsCli } from './shims-command.js';

/** The commands of `ssrl-serve`, in help order; `serve` runs when none is named. */
export const commands = [serveCli, shimsCli] as const;
