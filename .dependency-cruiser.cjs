// Import boundaries of the house (see CONTRIBUTING.md): arrows point down only, no cycles (type
// imports included), no reaching into another package's files, and each package imports only
// the packages below it. Workspace packages resolve to their sources.
const below = {
  spec: [],
  image: ['spec'],
  rewards: ['spec'],
  grpo: [],
  scenes: ['spec', 'image'],
  tasks: ['spec', 'image', 'scenes', 'rewards'],
  model: ['spec', 'image'],
  trainer: ['spec', 'image', 'model', 'grpo', 'rewards', 'tasks'],
  bench: ['spec', 'image', 'scenes', 'rewards'],
};

const layering = Object.entries(below).map(([pkg, allowed]) => ({
  name: `layer-${pkg}`,
  comment: `@spatial-ssrl/${pkg} may import only ${allowed.length ? allowed.map((p) => `@spatial-ssrl/${p}`).join(', ') : 'no other workspace package'}`,
  severity: 'error',
  from: { path: `^packages/${pkg}/` },
  // tools/ holds test-time installers, a dev dependency of tests only (see tools-only-in-tests).
  to: { path: '^(packages|apps|examples|tools)/', pathNot: [`^packages/${pkg}/`, '^tools/', ...allowed.map((p) => `^packages/${p}/`)] },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-deep-imports',
      comment: 'another package is imported by its name and exported entry points, never by a relative path into its files',
      severity: 'error',
      from: { path: '^(packages|apps|examples|tools)/([^/]+)/' },
      to: { dependencyTypes: ['local'], path: '^(packages|apps|examples|tools)/', pathNot: '^$1/$2/' },
    },
    {
      name: 'no-app-imports',
      comment: 'packages and apps never import an app',
      severity: 'error',
      from: { pathNot: '^apps/([^/]+)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-each-other',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'tools-only-in-tests',
      comment: 'the private tools (test-time installers) are imported by tests and benchmark scripts only',
      severity: 'error',
      from: { path: '^(packages|apps|examples)/[^/]+/src/', pathNot: ['\\.test\\.ts$', '/src/bench/', '/__fixtures__/'] },
      to: { path: '^tools/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'every import resolves (a subpath a package does not export does not)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    ...layering,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@spatial-ssrl/source', 'import', 'types', 'node', 'default'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
