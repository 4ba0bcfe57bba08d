// Fails when shared code names a pretext task: a string literal in packages/*/src (outside
// packages/tasks/src/tasks/) or apps/*/src that is a task id, quotes one ("depth", 'flip'),
// lists them (shuffle,flip) or tags one (task:crop), or an object keyed by task ids. Tasks
// declare what shared code needs as data; tests and benchmark scripts (`src/bench/`) are
// exempt. Task ids are the folder names under packages/tasks/src/tasks/.
// A line may opt out with a trailing comment `// not a task id: <why>`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const taskDir = join(root, 'packages', 'tasks', 'src', 'tasks');
const ids = readdirSync(taskDir).filter((n) => !n.startsWith('_') && statSync(join(taskDir, n)).isDirectory());
const word = `(?:${ids.join('|')})`;
const patterns = [
  new RegExp(`^\\s*${word}\\s*$`),
  new RegExp(`["'\`]${word}["'\`]`),
  new RegExp(`\\btask:${word}\\b`),
  new RegExp(`(?:^|[\\s=,])${word}(?::\\d+(?:\\.\\d+)?)?,${word}\\b`),
];

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    // Benchmark scripts, like tests, measure named tasks against their reference numbers.
    if (name === 'node_modules' || name === 'dist' || name === '__fixtures__' || name === 'bench') continue;
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.test\.ts$|\.d\.ts$/.test(name)) yield path;
  }
}

const roots = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const src = join(root, group, name, 'src');
    try {
      if (statSync(src).isDirectory()) roots.push(src);
    } catch {}
  }
}

// The prompt conditioning of the model still recognises the five prompt templates; a text
// encoder that reads the prompt replaces it, and then this entry goes.
const PENDING = new Set(['packages/model/src/conditioning.ts']);

const problems = [];
for (const src of roots) {
  for (const file of sourceFiles(src)) {
    if (file.startsWith(taskDir + '/') || PENDING.has(relative(root, file))) continue;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const keysCount = !/\/packages\/(spec|image|scenes|grpo|rewards|tasks)\//.test(file);
    const visit = (node) => {
      let literal;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal = node.text;
      else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) literal = node.text;
      else if (ts.isRegularExpressionLiteral(node)) literal = node.text;
      // Objects keyed by task ids (`{ flip: 0.5, shuffle: 0.5 }`: two or more such keys; a lone
      // `depth` or `position` field is a raster's or an index), except in tasks and below it.
      if (literal === undefined && keysCount && ts.isObjectLiteralExpression(node)) {
        const keys = node.properties
          .filter((p) => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && ids.includes(p.name.text))
          .map((p) => p.name.text);
        if (keys.length >= 2) literal = keys.join(',');
      }
      if (literal !== undefined && patterns.some((p) => p.test(literal))) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
        if (!/\/\/ not a task id: \S/.test(lines[line])) {
          problems.push(`${relative(root, file)}:${line + 1}: ${JSON.stringify(literal.length > 70 ? literal.slice(0, 67) + '...' : literal)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}

if (problems.length > 0) {
  console.error(`Shared code names a task (${ids.join(', ')}); declare what it needs on the task instead:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`task ids: no literal ${ids.join(', ')} outside packages/tasks/src/tasks/ (${roots.length} source folders)`);
