import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { SsrlError } from '../errors.js';

/** How an option's text becomes its value: `list` splits at commas, `json` parses JSON, `enum` takes one of `choices`. */
export type CliOptionType = 'string' | 'number' | 'int' | 'boolean' | 'json' | 'list' | 'enum';

/** One command-line option, declared once: its parser entry, its validation and its help line all come from here. */
export interface CliOption {
  readonly type: CliOptionType;
  /** Help text; `\n` starts a continuation line, `{default}` marks where the default is shown (else at the end). */
  readonly description: string;
  /** Name of the value in help, e.g. `DIR` (default: the choices of an enum joined by `|`, else `VALUE`). */
  readonly value?: string;
  /** One-letter alias, e.g. `h` for `-h`. */
  readonly short?: string;
  /** Value when the option is absent (the parsed value, not its text); shown in help. */
  readonly default?: unknown;
  /** Default shown in help when it is not a plain value (e.g. `number of CPU cores`), or when it is applied further down. */
  readonly defaultText?: string;
  readonly required?: boolean;
  /** The option may be given several times; its value is then an array. */
  readonly repeatable?: boolean;
  /** Allowed values of an `enum`, or of each item of a `list`. */
  readonly choices?: readonly string[];
  /** Smallest accepted `number` or `int` (inclusive unless `exclusiveMin`). */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  /** Largest accepted `number` or `int`, inclusive. */
  readonly max?: number;
  /** Further validation (and transformation) of the typed value, e.g. the shape of a JSON object. */
  readonly schema?: z.ZodType;
  /** Heading of the help section the option is listed under (default `Options`). */
  readonly group?: string;
}

/** A positional argument of a command. */
export interface CliPositional {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** Takes every remaining argument (the last positional only); its value is an array. */
  readonly variadic?: boolean;
}

/** Everything a command says about its command line. */
export interface CliCommandSpec<O extends Record<string, CliOption>, P extends readonly CliPositional[]> {
  /** The program, e.g. `ssrl-train`. */
  readonly program: string;
  /** The subcommand, e.g. `generate` (empty for a program without subcommands). */
  readonly name: string;
  /** One line for the program's command list. */
  readonly summary: string;
  /** The usage line after `Usage: `. */
  readonly usage: string;
  /** Prose between the usage line and the options. */
  readonly description?: string;
  readonly options: O;
  readonly positionals?: P;
  /** Pairs of options that exclude each other. */
  readonly conflicts?: readonly (readonly [keyof O & string, keyof O & string])[];
  /** Text after the options, e.g. examples. */
  readonly epilog?: string;
}

type ChoiceOf<O> = O extends { readonly choices: readonly (infer C)[] } ? C : string;
type BaseOf<O extends CliOption> = O extends { readonly schema: infer S extends z.ZodType }
  ? z.output<S>
  : O['type'] extends 'number' | 'int'
    ? number
    : O['type'] extends 'boolean'
      ? boolean
      : O['type'] extends 'json'
        ? unknown
        : O['type'] extends 'list'
          ? ChoiceOf<O>[]
          : O['type'] extends 'enum'
            ? ChoiceOf<O>
            : string;
type ValueOf<O extends CliOption> = O extends { readonly repeatable: true } ? BaseOf<O>[] : BaseOf<O>;
type Present<O extends CliOption> = O extends { readonly required: true } | { readonly default: unknown } | { readonly type: 'boolean' } | { readonly repeatable: true } ? true : false;

type PresentKeys<O extends Record<string, CliOption>> = { [K in keyof O]: Present<O[K]> extends true ? K : never }[keyof O];

/** The parsed values of a command's options and positionals. */
export type CliArgs<O extends Record<string, CliOption>, P extends readonly CliPositional[] = []> = {
  -readonly [K in PresentKeys<O>]: ValueOf<O[K]>;
} & {
  -readonly [K in Exclude<keyof O, PresentKeys<O>>]?: ValueOf<O[K]> | undefined;
} & {
  -readonly [Q in P[number] as Q['name']]: Q extends { readonly variadic: true } ? string[] : Q extends { readonly required: true } ? string : string | undefined;
};

/** A command whose flags, help and validation all derive from one {@link CliCommandSpec}. */
export interface CliCommand<O extends Record<string, CliOption> = Record<string, CliOption>, P extends readonly CliPositional[] = readonly CliPositional[]> {
  readonly spec: CliCommandSpec<O, P>;
  readonly name: string;
  readonly summary: string;
  /** The whole `--help` text, ending in a newline. */
  readonly help: string;
  /** The `node:util` `parseArgs` configuration (strict; `--help`/`-h` included). */
  readonly parseArgsConfig: ParseArgsConfig;
  /** The zod schema the raw `parseArgs` values (and named positionals) are validated with. */
  readonly schema: z.ZodType<CliArgs<O, P>>;
  /** Whether `argv` asks for help (`--help` or `-h` anywhere). */
  wantsHelp(argv: readonly string[]): boolean;
  /** Parses and validates `argv`; throws {@link UsageError} naming the flag and what is wrong. */
  parse(argv: readonly string[]): CliArgs<O, P>;
}

/** Bad command-line usage (exit code 2): the message names the flag, e.g. `--count: must be a whole number`. */
export class UsageError extends SsrlError<'usage'> {
  /** The subcommand the arguments were for, when there is one. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super('usage', message);
    this.command = command;
  }
}

const HELP_OPTION: CliOption = { type: 'boolean', short: 'h', description: 'show this help' };

function orList(items: readonly string[]): string {
  return items.length <= 2 ? items.join(' or ') : `one of ${items.join(', ')}`;
}

function rangeMessage(o: CliOption): string {
  const lo = o.exclusiveMin ? '(' : '[';
  if (o.min !== undefined && o.max !== undefined) return `must be in ${lo}${o.min}, ${o.max}]`;
  if (o.min !== undefined) return `must be ${o.exclusiveMin ? '>' : '≥'} ${o.min}`;
  return `must be ≤ ${o.max}`;
}

function withRange(o: CliOption, schema: z.ZodType<number>): z.ZodType<number> {
  if (o.min === undefined && o.max === undefined) return schema;
  const message = rangeMessage(o);
  return schema.refine((v) => (o.min === undefined || (o.exclusiveMin ? v > o.min : v >= o.min)) && (o.max === undefined || v <= o.max), message);
}

const text = (what: string) => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : what) });

// The schema of one occurrence of an option: its text in, its typed value out.
function valueSchema(name: string, o: CliOption): z.ZodType {
  let base: z.ZodType;
  switch (o.type) {
    case 'boolean':
      return z.boolean();
    case 'string':
      base = text('must be text').min(1, 'must not be empty');
      break;
    case 'int':
      base = withRange(o, text('must be a whole number').regex(/^\d+$/, 'must be a whole number').transform(Number));
      break;
    case 'number':
      base = withRange(
        o,
        text('must be a number')
          .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i, 'must be a number')
          .transform(Number),
      );
      break;
    case 'json':
      base = text('must be JSON').transform((value, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
          return z.NEVER;
        }
      });
      break;
    case 'enum': {
      const choices = o.choices ?? [];
      if (choices.length === 0) throw new TypeError(`option --${name}: an enum needs choices`);
      base = text(`must be ${orList(choices)}`).refine((v) => choices.includes(v), `must be ${orList(choices)}`);
      break;
    }
    case 'list': {
      const choices = o.choices;
      base = text('must be a comma-separated list')
        .transform((v) => v.split(',').map((s) => s.trim()))
        .refine((items) => items.every((s) => s.length > 0), 'must be a comma-separated list without empty entries')
        .refine((items) => choices === undefined || items.every((s) => choices.includes(s)), `must list ${choices === undefined ? '' : choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices[0]}, comma-separated`);
      break;
    }
  }
  return o.schema ? base.pipe(o.schema as z.ZodType<unknown, unknown>) : base;
}

function optionSchema(name: string, o: CliOption): z.ZodType {
  const one = valueSchema(name, o);
  if (o.type === 'boolean') return z.boolean().default((o.default as boolean | undefined) ?? false);
  if (o.repeatable) {
    const list = z.array(one, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be given as flags') });
    return o.required ? list.min(1, 'is required') : list.default((o.default as unknown[] | undefined) ?? []);
  }
  if (o.default !== undefined) return one.default(o.default);
  return o.required ? one : one.optional();
}

function defaultShown(o: CliOption): string | undefined {
  if (o.defaultText !== undefined) return o.defaultText;
  if (o.default === undefined || o.type === 'boolean') return undefined;
  if (Array.isArray(o.default)) return o.default.length > 0 ? o.default.join(',') : undefined;
  return typeof o.default === 'object' ? JSON.stringify(o.default) : String(o.default);
}

function optionLabel(name: string, o: CliOption): string {
  const flag = `${o.short ? `-${o.short}, ` : ''}--${name}`;
  if (o.type === 'boolean') return flag;
  return `${flag} ${o.value ?? (o.type === 'enum' && o.choices ? o.choices.join('|') : 'VALUE')}`;
}

// A help line longer than this moves an appended tag (default, [required]) to a line of its own.
const LINE = 100;

function optionText(o: CliOption, column: number): string {
  const shownDefault = defaultShown(o);
  // Prose defaults read "(default: number of CPU cores)", values "(default 32)".
  const def = shownDefault === undefined ? undefined : /\s/.test(shownDefault) ? `default: ${shownDefault}` : `default ${shownDefault}`;
  const tags = [o.repeatable ? 'repeatable' : undefined, def].filter((t) => t !== undefined);
  const tag = tags.length > 0 ? `(${tags.join(', ')})` : '';
  const append = (body: string, suffix: string): string => {
    if (!suffix) return body;
    const last = body.split('\n').at(-1)!;
    return column + last.length + 1 + suffix.length > LINE && last.length > 0 ? `${body}\n${suffix}` : `${body}${last.length > 0 ? ' ' : ''}${suffix}`;
  };
  const body = o.description.includes('{default}') ? o.description.replace('{default}', tag).replace(/ +(?=\n|$)/g, '') : append(o.description, tag);
  return append(body, o.required ? '[required]' : '');
}

// Longer labels than this take a line of their own, their text starting on the next one.
const MAX_LABEL = 24;

function block(rows: readonly (readonly [string, string])[], width: number): string {
  const indent = ' '.repeat(2 + width + 2);
  return rows
    .map(([label, body]) => {
      const lines = body.split('\n').map((line, i) => (i === 0 ? line : `${indent}${line}`));
      return label.length > width ? `  ${label}\n${indent}${lines.join('\n')}` : `  ${label.padEnd(width)}  ${lines.join('\n')}`;
    })
    .join('\n');
}

/** The `Arguments:` and options sections of a help text (`Options:` or each option's `group`), aligned in one column. */
export function renderOptionsHelp(options: Readonly<Record<string, CliOption>>, positionals: readonly CliPositional[] = []): string {
  const declared = Object.entries(options);
  // `--help` closes the last section.
  const lastGroup = declared.at(-1)?.[1].group;
  const all: [string, CliOption][] = [...declared, ['help', lastGroup === undefined ? HELP_OPTION : { ...HELP_OPTION, group: lastGroup }]];
  const labels = all.map(([name, o]) => optionLabel(name, o));
  const posLabels = positionals.map((p) => `<${p.name}>${p.variadic ? '…' : ''}`);
  // One column for every section, so the help reads as one table.
  const width = Math.min(MAX_LABEL, Math.max(...[...labels, ...posLabels].map((label) => label.length)));
  const rows = all.map(([, o], i) => [labels[i]!, optionText(o, width + 4)] as const);
  const posRows = positionals.map((p, i) => [posLabels[i]!, `${p.description}${p.required ? ' [required]' : ''}`] as const);
  const sections: string[] = [];
  if (posRows.length > 0) sections.push(`Arguments:\n${block(posRows, width)}`);
  const groups = new Map<string, (readonly [string, string])[]>();
  all.forEach(([, o], i) => {
    const g = o.group ?? 'Options';
    groups.set(g, [...(groups.get(g) ?? []), rows[i]!]);
  });
  for (const [g, r] of groups) sections.push(`${g}:\n${block(r, width)}`);
  return sections.join('\n\n');
}

function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  const flag = quoted?.split(' ')[0];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag ?? error.message}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    return /does not take/.test(error.message) ? `option ${flag} does not take a value` : `option ${flag} needs a value`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted) return `unexpected argument "${quoted}"`;
  return error.message.split('\n')[0]!;
}

/**
 * Declares a command's options and positionals once; derives from them the `parseArgs`
 * configuration, the zod schema (messages `--flag: what is wrong`) and the help text.
 */
export function defineCommand<const O extends Record<string, CliOption>, const P extends readonly CliPositional[] = []>(
  spec: CliCommandSpec<O, P>,
): CliCommand<O, P> {
  if ('help' in spec.options) throw new TypeError(`${spec.program} ${spec.name}: --help is added by defineCommand`);
  const positionals: readonly CliPositional[] = spec.positionals ?? [];
  const parseArgsConfig: ParseArgsConfig = {
    options: Object.fromEntries(
      [...Object.entries(spec.options), ['help', HELP_OPTION] as const].map(([name, o]) => [
        name,
        { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.repeatable ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) },
      ]),
    ),
    strict: true,
    allowPositionals: positionals.length > 0,
  };
  const fields: Record<string, z.ZodType> = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, optionSchema(name, o)]));
  for (const p of positionals) {
    const one = z.string({ error: 'is required' }).min(1, 'must not be empty');
    fields[p.name] = p.variadic ? (p.required ? z.array(one).min(1, 'is required') : z.array(one).default([])) : p.required ? one : one.optional();
  }
  let object: z.ZodType = z.object(fields);
  for (const [a, b] of spec.conflicts ?? []) {
    object = object.refine((v) => (v as Record<string, unknown>)[a] === undefined || (v as Record<string, unknown>)[b] === undefined, { message: `give --${a} or --${b}, not both`, path: [b] });
  }
  const schema = object as z.ZodType<CliArgs<O, P>>;
  const help =
    [`Usage: ${spec.usage}`, spec.description?.trimEnd(), renderOptionsHelp(spec.options, positionals), spec.epilog?.trimEnd()].filter((s) => s !== undefined && s !== '').join('\n\n') + '\n';
  const labelOf = (key: string): string => (positionals.some((p) => p.name === key) ? `<${key}>` : `--${key}`);
  return {
    spec,
    name: spec.name,
    summary: spec.summary,
    help,
    parseArgsConfig,
    schema,
    wantsHelp: (argv) => argv.includes('--help') || argv.includes('-h'),
    parse(argv) {
      let parsed: { values: Record<string, unknown>; positionals: string[] };
      try {
        parsed = parseArgs({ ...parseArgsConfig, args: [...argv] }) as typeof parsed;
      } catch (error) {
        throw new UsageError(describeParseError(error as Error & { code?: string }), spec.name);
      }
      const { help: _help, ...input } = parsed.values;
      const variadic = positionals.at(-1)?.variadic === true;
      if (!variadic && parsed.positionals.length > positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.length]}"`, spec.name);
      positionals.forEach((p, i) => {
        const value = p.variadic ? parsed.positionals.slice(i) : parsed.positionals[i];
        if (value !== undefined) input[p.name] = value;
      });
      const result = schema.safeParse(input);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        const where = issue.path.length > 0 ? labelOf(String(issue.path[0])) : 'arguments';
        throw new UsageError(`${where}: ${issue.message}`, spec.name);
      }
      return result.data;
    },
  };
}

/** What {@link commandDeclarationProblems} looks at: any {@link CliCommand}. */
export interface DeclaredCommand {
  readonly spec: { readonly options: Readonly<Record<string, CliOption>> };
  readonly help: string;
  readonly parseArgsConfig: ParseArgsConfig;
  parse(argv: readonly string[]): unknown;
}

/** The program's help: usage, an optional paragraph, its commands with their summaries, and where each command's options are. */
export function renderProgramHelp(program: string, commands: readonly Pick<CliCommand, 'name' | 'summary'>[], about?: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: ${program} <command> [options]
${about ? `\n${about.trimEnd()}\n` : ''}
Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "${program} <command> --help" for a command's options.
`;
}

/**
 * What is wrong between a command's declaration, help and parser, as sentences (none when they
 * agree): every declared option must appear in the help and be accepted by the parser, and every
 * option line of the help must be declared.
 */
export function commandDeclarationProblems(command: DeclaredCommand): string[] {
  const problems: string[] = [];
  const declared = new Set([...Object.keys(command.spec.options), 'help']);
  const flags = command.parseArgsConfig.options ?? {};
  for (const name of declared) {
    if (!new RegExp(`^ {2}(-\\w, )?--${name}( |$)`, 'm').test(command.help)) problems.push(`--${name} is declared but not in the help`);
    if (!(name in flags)) problems.push(`--${name} is declared but the parser does not accept it`);
    else {
      const o = name === 'help' ? HELP_OPTION : command.spec.options[name]!;
      const argv = o.type === 'boolean' ? [`--${name}`] : [`--${name}`, 'x'];
      try {
        command.parse(argv);
      } catch (error) {
        if (error instanceof UsageError && /^(unknown option|option .* (needs|does not take) a value)/.test(error.message)) problems.push(`--${name}: ${error.message}`);
      }
    }
  }
  for (const m of command.help.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z0-9-]*)/gm)) {
    if (!declared.has(m[1]!)) problems.push(`the help lists --${m[1]}, which is not declared`);
  }
  return problems;
}
