import { builtinTasks, extraTasks, taskNeeds } from '@spatial-ssrl/tasks';

const ids = builtinTasks.map((t) => t.id);
const mirrored = builtinTasks.filter((t) => t.mirrorAnswer).map((t) => t.id);
const unmirrored = builtinTasks.find((t) => !t.mirrorAnswer);
const reasoned = builtinTasks.find((t) => t.rationaleTemplate !== undefined);
const tuned = builtinTasks.find((t) => t.lowResolutionParams !== undefined);
const clipTasks = extraTasks.filter((t) => {
  const defaults = t.params.safeParse({});
  return defaults.success && taskNeeds(t, defaults.data).kind === 'clip';
});
const json = (value: unknown): string => `'${JSON.stringify(value)}'`;

/** Examples for help texts, made from the built-in tasks' ids and declared data (never written by hand). */
export const TASK_EXAMPLES = {
  /** Every built-in task id, comma-separated. */
  all: ids.join(','),
  /** A `--tasks` list with weights. */
  weighted: [ids[0], `${ids[1]}:2`, ids.at(-2)].join(','),
  /** Every task, the last two weighted 2. */
  mix: ids.map((id, i) => (i >= ids.length - 2 ? `${id}:2` : id)).join(','),
  /** `--params` JSON: a task's low-resolution params. */
  params: tuned ? json({ [tuned.id]: tuned.lowResolutionParams }) : "'{}'",
  /** The task that declares a rationale template, and `--task-templates` JSON using it. */
  rationaleTask: reasoned?.id ?? ids[0],
  templates: json({ [reasoned?.id ?? ids[0]]: reasoned?.rationaleTemplate ?? '<think></think>\\boxed{{answer}}' }),
  /** `--task-weights` JSON. */
  weights: json({ [ids.at(-2)!]: 0.5, [ids[1]]: 1.5 }),
  /** `--mirror` JSON over two tasks with a mirror rule, and a task without one. */
  mirror: json(Object.fromEntries(mirrored.slice(0, 2).map((id) => [id, 0.5]))),
  unmirrored: unmirrored?.id ?? '(none)',
  /** The built-in tasks that take clips, comma-separated. */
  clips: clipTasks.map((t) => t.id).join(',') || '(none)',
} as const;
