import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commandDeclarationProblems, defineCommand, UsageError } from './cli-options.js';

const demo = defineCommand({
  program: 'demo',
  name: 'make',
  summary: 'make things',
  usage: 'demo make <input> --out DIR [options]',
  description: 'Makes things.',
  positionals: [{ name: 'input', description: 'what to read', required: true }],
  options: {
    out: { type: 'string', value: 'DIR', description: 'output folder', required: true },
    count: { type: 'int', value: 'N', description: 'how many, 1-200', min: 1, max: 200, default: 24 },
    lr: { type: 'number', value: 'LR', description: 'learning rate', min: 0, exclusiveMin: true, defaultText: '1e-4' },
    format: { type: 'enum', choices: ['png', 'jpeg'], description: 'image encoding', default: 'png' },
    mode: { type: 'enum', choices: ['a', 'b', 'c'], description: 'mode' },
    features: { type: 'list', value: 'LIST', choices: ['rgb', 'edges'], description: 'channels', default: ['rgb'] },
    params: { type: 'json', value: 'JSON', description: 'params by id', schema: z.record(z.string(), z.number(), { error: 'must be a JSON object of numbers' }) },
    source: { type: 'string', value: 'SPEC', description: 'source {default}:\n  synthetic  the scenes', repeatable: true, default: ['synthetic'] },
    minutes: { type: 'number', value: 'M', description: 'time budget', group: 'Budget' },
    steps: { type: 'int', value: 'N', description: 'step budget', group: 'Budget' },
    'a-very-long-option-name': { type: 'string', value: 'VALUE', description: 'first line\nsecond line' },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
  conflicts: [['minutes', 'steps']],
  epilog: 'Example:\n  demo make in --out x',
});

const parse = (...argv: string[]) => demo.parse(['in', '--out', 'o', ...argv]);
const error = (...argv: string[]): string => {
  try {
    demo.parse(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).command).toBe('make');
    return (e as Error).message;
  }
  throw new Error('parsed');
};

describe('defineCommand', () => {
  it('parses typed values with defaults', () => {
    const a = parse('--count', '3', '--lr', '2e-3', '--features', 'rgb, edges', '--params', '{"x":1}', '--source', 'a', '--source', 'b', '--quiet');
    expect(a).toEqual({
      input: 'in',
      out: 'o',
      count: 3,
      lr: 0.002,
      format: 'png',
      features: ['rgb', 'edges'],
      params: { x: 1 },
      source: ['a', 'b'],
      quiet: true,
    });
    const d = parse();
    expect(d.count).toBe(24);
    expect(d.source).toEqual(['synthetic']);
    expect(d.features).toEqual(['rgb']);
    expect(d.quiet).toBe(false);
    expect(d.lr).toBeUndefined();
  });

  it('names the flag and what is wrong', () => {
    expect(error('in')).toBe('--out: is required');
    expect(error('--out', 'o')).toBe('<input>: is required');
    expect(error('in', '--out', 'o', '--colour')).toBe('unknown option --colour');
    expect(error('in', '--out')).toBe('option --out needs a value');
    expect(error('in', '--out', 'o', 'extra')).toBe('unexpected argument "extra"');
    expect(error('in', '--out', 'o', '--count', 'ten')).toBe('--count: must be a whole number');
    expect(error('in', '--out', 'o', '--count', '0')).toBe('--count: must be in [1, 200]');
    expect(error('in', '--out', 'o', '--lr', '0')).toBe('--lr: must be > 0');
    expect(error('in', '--out', 'o', '--lr', 'fast')).toBe('--lr: must be a number');
    expect(error('in', '--out', 'o', '--format', 'gif')).toBe('--format: must be png or jpeg');
    expect(error('in', '--out', 'o', '--mode', 'd')).toBe('--mode: must be one of a, b, c');
    expect(error('in', '--out', 'o', '--features', 'rgb,depth')).toBe('--features: must list rgb or edges, comma-separated');
    expect(error('in', '--out', 'o', '--params', '{')).toBe('--params: is not valid JSON');
    expect(error('in', '--out', 'o', '--params', '[1]')).toBe('--params: must be a JSON object of numbers');
    expect(error('in', '--out', 'o', '--out', '')).toBe('--out: must not be empty');
    expect(error('in', '--out', 'o', '--minutes', '1', '--steps', '2')).toBe('--steps: give --minutes or --steps, not both');
  });

  it('derives an aligned help with defaults, groups, positionals and the help flag', () => {
    expect(demo.help).toBe(`Usage: demo make <input> --out DIR [options]

Makes things.

Arguments:
  <input>                   what to read [required]

Options:
  --out DIR                 output folder [required]
  --count N                 how many, 1-200 (default 24)
  --lr LR                   learning rate (default 1e-4)
  --format png|jpeg         image encoding (default png)
  --mode a|b|c              mode
  --features LIST           channels (default rgb)
  --params JSON             params by id
  --source SPEC             source (repeatable, default synthetic):
                              synthetic  the scenes
  --a-very-long-option-name VALUE
                            first line
                            second line
  --quiet                   no progress output
  -h, --help                show this help

Budget:
  --minutes M               time budget
  --steps N                 step budget

Example:
  demo make in --out x
`);
    expect(demo.wantsHelp(['x', '-h'])).toBe(true);
    expect(demo.wantsHelp(['x'])).toBe(false);
  });

  it('finds no drift in a derived command, and finds hand-written option lines', () => {
    expect(commandDeclarationProblems(demo)).toEqual([]);
    const drifted = { ...demo, help: `${demo.help}  --stale N   an option nobody declared\n` };
    expect(commandDeclarationProblems(drifted)).toEqual(['the help lists --stale, which is not declared']);
  });

  it('refuses to redeclare --help', () => {
    expect(() => defineCommand({ program: 'p', name: 'n', summary: '', usage: '', options: { help: { type: 'boolean', description: '' } } })).toThrow(/--help is added/);
  });
});
