import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './http/http-server.js';
import { parseServeArgs, startServe } from './serve-command.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServe(parseServeArgs(['--port', '0', '--max-body-bytes', '65536', '--max-batch', '50']), () => {});
});
afterAll(() => server.close());

/** POSTs raw bytes; resolves with the status and the parsed JSON reply. */
function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ok = { query: ['<|im_start|>assistant\n\\boxed{A}<|im_end|>'], prompts: [''], labels: ['A'] };

describe('malformed bodies get a 400 that names the problem', () => {
  const kinds: [string, string, string | Buffer, RegExp, string][] = [
    ['empty body', '/get_reward', '', /body is empty/, 'body'],
    ['not JSON', '/get_reward', '{"query": [', /body is not valid JSON/, 'body'],
    ['NaN as Python json.dumps writes it', '/easyr1/reward', '{"reward_inputs": [], "format_weight": NaN}', /body is not valid JSON/, 'body'],
    ['bytes that are not UTF-8', '/verl/compute_score', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), /not valid UTF-8/, 'body'],
    ['a JSON string instead of an object', '/get_reward', '"hello"', /^body: expected object, got string/, 'body'],
    ['a missing field', '/get_reward', JSON.stringify({ query: ['q'], prompts: ['p'] }), /^labels: expected array, got nothing/, 'labels'],
    ['a label that is null', '/get_reward', JSON.stringify({ ...ok, labels: [null] }), /^labels\[0\]: expected string, got null/, 'labels[0]'],
    ['arrays of different lengths', '/get_reward', JSON.stringify({ ...ok, labels: ['A', 'B'] }), /same length \(query has 1, labels has 2\)/, 'labels'],
    ['a number where a string belongs', '/easyr1/reward', JSON.stringify([{ response: 'r', ground_truth: 3 }]), /^body\[0\]\.ground_truth: expected string, got number 3/, 'body[0].ground_truth'],
    ['a format weight outside [0, 1]', '/easyr1/reward', JSON.stringify({ reward_inputs: [], format_weight: 2 }), /^format_weight: must be in \[0, 1\]/, 'format_weight'],
    ['a negative response length', '/easyr1/reward', JSON.stringify({ reward_inputs: [{ response: 'r', response_length: -3, ground_truth: 'A' }] }), /^reward_inputs\[0\]\.response_length/, 'reward_inputs[0].response_length'],
    ['extra_info that is not an object', '/verl/compute_score', JSON.stringify({ solution_str: 's', ground_truth: 'g', extra_info: 'x' }), /^extra_info: expected record, got string/, 'extra_info'],
  ];

  for (const [kind, path, body, message, param] of kinds) {
    it(kind, async () => {
      const reply = await post(path, body);
      expect(reply.status).toBe(400);
      expect(reply.json.error.type).toBe('invalid_request_error');
      expect(reply.json.error.message).toMatch(message);
      expect(reply.json.error.param).toBe(param);
    });
  }

  it('a grader error is a 400 too', async () => {
    const strict = await startServe(parseServeArgs(['--port', '0', '--grader', 'pairwise']), () => {});
    try {
      const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${strict.url}/verl/compute_score`, { method: 'POST' }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ solution_str: '\\boxed{1-2}', ground_truth: '1-1' }));
      });
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.text).error.message).toMatch(/repeats the item/);
    } finally {
      await strict.close();
    }
  });

  it('the server stays up and scores the next request', async () => {
    const reply = await post('/get_reward', JSON.stringify(ok));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ rewards: [0.9], scores: [0.9], extra_logs: { format: [0], accuracy: [1] } });
  });
});

describe('limits', () => {
  it('an oversize body is a 413, declared or chunked', async () => {
    const big = JSON.stringify({ query: ['x'.repeat(70_000)], labels: ['A'] });
    const declared = await post('/get_reward', big);
    expect(declared.status).toBe(413);
    expect(declared.json.error).toMatchObject({ type: 'payload_too_large', param: 'body', code: 'body_too_large' });
    expect(declared.json.error.message).toMatch(/exceeds the limit of 65536 bytes/);
    const chunked = await post('/get_reward', big, { 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(413);
  });

  it('a batch over --max-batch is a 413 naming the array', async () => {
    const items = Array.from({ length: 51 }, () => ({ response: 'r', ground_truth: 'A' }));
    const bare = await post('/easyr1/reward', JSON.stringify(items));
    expect(bare.status).toBe(413);
    expect(bare.json.error).toMatchObject({ param: 'body', code: 'batch_too_large' });
    expect((await post('/easyr1/reward', JSON.stringify({ reward_inputs: items }))).json.error.param).toBe('reward_inputs');
    const openrlhf = await post('/get_reward', JSON.stringify({ query: items.map(() => 'q'), labels: items.map(() => 'A') }));
    expect(openrlhf.json.error).toMatchObject({ param: 'query', code: 'batch_too_large' });
    expect((await post('/verl/compute_score', JSON.stringify(items.map(() => ({ solution_str: 's', ground_truth: 'g' }))))).status).toBe(413);
    expect((await post('/easyr1/reward', JSON.stringify(items.slice(0, 50)))).status).toBe(200);
  });
});
