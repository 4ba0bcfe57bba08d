import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from '../serve-command.js';

const PLUGIN = fileURLToPath(new URL('../__fixtures__/halves-plugin.mjs', import.meta.url));
let exact: Serving;
let partial: Serving;

beforeAll(async () => {
  exact = await startServe(parseServeArgs(['--port', '0', '--plugin', PLUGIN]), () => {});
  partial = await startServe(parseServeArgs(['--port', '0', '--partial-credit']), () => {});
});
afterAll(async () => {
  await exact?.close();
  await partial?.close();
});

async function post(server: Serving, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  return { status: res.status, json: await res.json() };
}

const boxed = (answer: string): string => `<think>compare the edges</think>\\boxed{${answer}}`;

// Each item: the response, the ground truth, the task, and the accuracy with partial credit.
const items = [
  { response: boxed('0-2-1-3'), truth: '0-2-3-1', task: 'shuffle', credit: 0.5 },
  { response: boxed('2-0'), truth: '2-1', task: 'flip', credit: 0.5 },
  { response: boxed('0-4-7-1-8-2-6-3-5'), truth: '4-0-7-1-8-2-6-3-5', task: 'jigsaw', credit: (0.2 * 7) / 9 },
  { response: boxed('3-2-1'), truth: '3-1-2', task: 'depth', credit: 1 / 3 },
  { response: boxed('2-0-1-3'), truth: '2-0-3-1', task: 'frame-order', credit: 0.5 },
  { response: boxed('B'), truth: 'A', task: 'crop', credit: 0 },
  { response: boxed('0-2-2-3'), truth: '0-2-3-1', task: 'shuffle', credit: 0 },
  { response: 'no box at all 0-2-3-1', truth: '0-2-3-1', task: 'shuffle', credit: 0 },
  { response: boxed('0-2-3-1'), truth: '0-2-3-1', task: 'shuffle', credit: 1 },
] as const;
const overall = (accuracy: number, format: number, w = 0.1) => (1 - w) * accuracy + w * format;
const formats = items.map((i) => (i.response.startsWith('<think>') ? 1 : 0));
const exactAccuracy = items.map((i) => (i.response === boxed(i.truth) ? 1 : 0));
const partialAccuracy = items.map((i) => i.credit);

function close(got: readonly number[], want: readonly number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, k) => expect(g, `item ${k}`).toBeCloseTo(want[k], 12));
}

describe('reward routes with partial credit', () => {
  it('EasyR1: exact match by default, partial credit per request or per server, from each input\'s task', async () => {
    const inputs = items.map((i) => ({ response: i.response, response_length: 9, ground_truth: i.truth, task: i.task }));
    const plain = await post(exact, '/easyr1/reward', { reward_inputs: inputs });
    expect(plain.status).toBe(200);
    close(plain.json.map((s: any) => s.accuracy), exactAccuracy);
    const asked = await post(exact, '/easyr1/reward', { reward_inputs: inputs, partial_credit: true, format_weight: 0.2 });
    close(asked.json.map((s: any) => s.accuracy), partialAccuracy);
    close(asked.json.map((s: any) => s.overall), partialAccuracy.map((a, k) => overall(a, formats[k], 0.2)));
    close(asked.json.map((s: any) => s.format), formats);
    const server = await post(partial, '/easyr1/reward', inputs);
    close(server.json.map((s: any) => s.accuracy), partialAccuracy);
    const optedOut = await post(partial, '/easyr1/reward', { reward_inputs: inputs, partial_credit: false });
    close(optedOut.json.map((s: any) => s.accuracy), exactAccuracy);
    // Without a task an input keeps exact match.
    const untagged = await post(partial, '/easyr1/reward', inputs.map(({ task: _task, ...rest }) => rest));
    close(untagged.json.map((s: any) => s.accuracy), exactAccuracy);
  });

  it('verl: the task comes from extra_info, one call or a batch', async () => {
    const calls = items.map((i, k) => ({ data_source: 'spatial-ssrl', solution_str: i.response, ground_truth: i.truth, extra_info: { task: i.task, index: k } }));
    const one = await post(exact, '/verl/compute_score', { ...calls[0], partial_credit: true });
    expect(one.json).toEqual({ score: overall(0.5, 1), format: 1, accuracy: 0.5 });
    expect((await post(exact, '/verl/compute_score', calls[0])).json.accuracy).toBe(0);
    const batch = await post(partial, '/verl/compute_score', calls);
    close(batch.json.map((s: any) => s.accuracy), partialAccuracy);
    close(batch.json.map((s: any) => s.score), partialAccuracy.map((a, k) => overall(a, formats[k])));
    const plain = await post(exact, '/verl/compute_score', calls);
    close(plain.json.map((s: any) => s.accuracy), exactAccuracy);
  });

  it('OpenRLHF: the tasks array names each item\'s task', async () => {
    const prompt = '<|im_start|>user\nput the strips back<|im_end|>\n<|im_start|>assistant\n';
    const body = {
      query: items.map((i) => `${prompt}${i.response}<|im_end|>`),
      prompts: items.map(() => prompt),
      labels: items.map((i) => i.truth),
      tasks: items.map((i) => i.task),
    };
    const asked = await post(exact, '/get_reward', { ...body, partial_credit: true });
    close(asked.json.extra_logs.accuracy, partialAccuracy);
    close(asked.json.rewards, partialAccuracy.map((a, k) => overall(a, formats[k])));
    expect(asked.json.scores).toEqual(asked.json.rewards);
    close((await post(exact, '/get_reward', body)).json.extra_logs.accuracy, exactAccuracy);
    close((await post(partial, '/get_reward', body)).json.extra_logs.accuracy, partialAccuracy);
    const { tasks: _tasks, ...untagged } = body;
    close((await post(partial, '/get_reward', untagged)).json.extra_logs.accuracy, exactAccuracy);
  });

  it('refuses a task it does not know with a 400 naming the field, and a malformed switch', async () => {
    const unknown = await post(partial, '/easyr1/reward', { reward_inputs: [{ response: boxed('top'), ground_truth: 'top', task: 'halves' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ param: 'reward_inputs[0].task', code: 'unknown_task' });
    expect(unknown.json.error.message).toMatch(/unknown task "halves"/);
    // A plugin task without a rule is known and keeps exact match.
    const plugin = await post(exact, '/easyr1/reward', { reward_inputs: [{ response: boxed('top'), ground_truth: 'top', task: 'halves' }], partial_credit: true });
    expect(plugin.json).toEqual([{ overall: 1, format: 1, accuracy: 1 }]);
    const verl = await post(partial, '/verl/compute_score', [{ solution_str: 'x', ground_truth: 'y' }, { solution_str: 'x', ground_truth: 'y', extra_info: { task: 'nope' } }]);
    expect(verl.status).toBe(400);
    expect(verl.json.error.param).toBe('[1].extra_info.task');
    const lengths = await post(exact, '/get_reward', { query: ['a', 'b'], labels: ['a', 'b'], tasks: ['shuffle'] });
    expect(lengths.status).toBe(400);
    expect(JSON.stringify(lengths.json.error)).toMatch(/tasks/);
    const flag = await post(exact, '/easyr1/reward', { reward_inputs: [], partial_credit: 'yes' });
    expect(flag.status).toBe(400);
    expect(JSON.stringify(flag.json.error)).toMatch(/partial_credit/);
  });

  it('says in /health and /v1/tasks whether partial credit is on and what each task declares', async () => {
    expect(((await (await fetch(`${exact.url}/health`)).json()) as any).partial_credit).toBe(false);
    expect(((await (await fetch(`${partial.url}/health`)).json()) as any).partial_credit).toBe(true);
    const list = (await (await fetch(`${exact.url}/v1/tasks`)).json()) as any;
    const byId = Object.fromEntries(list.data.map((t: { id: string }) => [t.id, t]));
    expect(byId.flip.partial_credit).toMatchObject({ kind: 'parts' });
    expect(byId.shuffle.partial_credit).toEqual({ kind: 'positions', scale: 1, identity: false });
    expect(byId.crop.partial_credit).toBeNull();
  });
});
