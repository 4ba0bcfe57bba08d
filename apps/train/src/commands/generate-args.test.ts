import { describe, expect, it } from 'vitest';
import { generateCli } from './generate-args.js';

const parse = (params: string) => generateCli.schema.safeParse({ params, count: '5', out: 'out' });
const message = (params: string): string => {
  const r = parse(params);
  return r.success ? '' : r.error.issues[0].message;
};

describe('generate --params', () => {
  it('takes a JSON object of task params', () => {
    const r = parse('{"crop":{"layout":"composite"}}');
    expect(r.success && r.data.params).toEqual({ crop: { layout: 'composite' } });
    expect(generateCli.parse(['--count', '5', '--out', 'out']).params).toEqual({});
  });

  it('says whether the text is not JSON or not an object', () => {
    expect(message('{crop:')).toBe('is not valid JSON');
    for (const bad of ['[1]', 'null', '"crop"']) expect(message(bad)).toMatch(/^must be a JSON object mapping task ids to params/);
  });
});
