import type { RewardMeans, RolloutLogLine } from './grpo-run-files.js';
import type { Rollout } from './rollout.js';

function means(rows: readonly Rollout[]): RewardMeans {
  let overall = 0;
  let accuracy = 0;
  let format = 0;
  for (const r of rows) {
    overall += r.reward.overall;
    accuracy += r.reward.accuracy;
    format += r.reward.format;
  }
  const n = rows.length;
  return n === 0 ? { overall: 0, accuracy: 0, format: 0, n } : { overall: overall / n, accuracy: accuracy / n, format: format / n, n };
}

/** Mean rewards of a rollout batch, overall and per task (tasks in sorted order). */
export function summariseRewards(rows: readonly Rollout[]): { reward: RewardMeans; rewardByTask: Record<string, RewardMeans> } {
  const byTask = new Map<string, Rollout[]>();
  for (const r of rows) {
    const list = byTask.get(r.example.record.task) ?? [];
    list.push(r);
    byTask.set(r.example.record.task, list);
  }
  const rewardByTask: Record<string, RewardMeans> = {};
  for (const task of [...byTask.keys()].sort()) rewardByTask[task] = means(byTask.get(task)!);
  return { reward: means(rows), rewardByTask };
}

/** The `rollouts.jsonl` line of one group: the prompt's id, task and answer, each response with its reward and advantage. */
export function rolloutLogLine(step: number, group: readonly Rollout[], advantages?: ReadonlyMap<Rollout, number>): RolloutLogLine {
  const record = group[0].example.record;
  return {
    step,
    id: record.id,
    task: record.task,
    answer: record.answer,
    responses: group.map((r) => ({
      text: r.text,
      finishReason: r.finishReason,
      overall: r.reward.overall,
      accuracy: r.reward.accuracy,
      format: r.reward.format,
      ...(advantages?.has(r) ? { advantage: advantages.get(r) } : {}),
    })),
  };
}
