import { pathToFileURL } from 'node:url';
import {
  extractBoxed,
  normalizeTagSpacing,
  rewardBatch,
  scoreResponse,
  scoreResponseWith,
  type AnswerGraderName,
} from '@spatial-ssrl/rewards';

/** One model reply to score, with the task's ground-truth answer. */
export interface ExampleReply {
  readonly task: string;
  readonly response: string;
  readonly answer: string;
}

/** Replies a policy might give on the five pretext tasks, good and bad. */
export const exampleReplies: readonly ExampleReply[] = [
  { task: 'shuffle', response: '<think>The sky strip belongs on top.</think>\\boxed{0-2-3-1}', answer: '0-2-3-1' },
  { task: 'shuffle', response: '<think>Edges match.</think>\\boxed{0-2-1-3}', answer: '0-2-3-1' },
  { task: 'flip', response: '< think >Patch 3 is upside down.</ think >\n\\boxed{3-0}', answer: '3-0' },
  { task: 'crop', response: 'The missing part is \\boxed{B}', answer: 'B' },
  { task: 'crop', response: '<think>Option B continues the fence.</think>\\boxed{(B) }', answer: 'B' },
  { task: 'depth', response: '<think>Region 3 is nearest.</think>\\boxed{3-2-1}', answer: '3-1-2' },
  { task: 'position', response: '<think>The marker is to the camera right.</think>\\boxed{D', answer: 'D' },
];

/** A partial-credit grader suited to each task's answer; not what EasyR1 trains with. */
const taskGrader: Readonly<Record<string, AnswerGraderName>> = {
  shuffle: 'sequence',
  flip: 'exact',
  crop: 'option-letter',
  depth: 'pairwise',
  position: 'option-letter',
};

/** Scores the replies (default {@link exampleReplies}) and returns the lines of a plain-text table. */
export function rewardTable(replies: readonly ExampleReply[] = exampleReplies): string[] {
  const header = ['task', 'prediction', 'truth', 'format', 'accuracy', 'overall', 'grader', 'graded'];
  const rows = replies.map((r) => {
    const easyR1 = scoreResponse(r.response, r.answer);
    const grader = taskGrader[r.task] ?? 'exact';
    const graded = scoreResponseWith(r.response, r.answer, { grader });
    const prediction = extractBoxed(normalizeTagSpacing(r.response));
    return [
      r.task,
      JSON.stringify(prediction),
      r.answer,
      String(easyR1.format),
      String(easyR1.accuracy),
      easyR1.overall.toFixed(2),
      grader,
      graded.overall.toFixed(2),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Prints the table and an OpenRLHF-style batch reply; returns the printed lines. */
export function main(print: (line: string) => void = console.log): string[] {
  const lines = rewardTable();
  const prompt = '<|im_start|>user\nSort the depths.<|im_end|>\n<|im_start|>assistant\n';
  const batch = rewardBatch({
    query: exampleReplies.map((r) => `${prompt}${r.response}<|im_end|>`),
    prompts: exampleReplies.map(() => prompt),
    labels: exampleReplies.map((r) => r.answer),
  });
  lines.push('', `OpenRLHF rewards: ${JSON.stringify(batch.rewards)}`);
  for (const l of lines) print(l);
  return lines;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
