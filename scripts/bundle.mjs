// Bundles each command into one file under dist/bin/ (plus the workers), so
// `kreview check` loads a handful of modules instead of dozens: module
// loading was a third of its start-up (docs/benchmarks.md). Native and heavy
// packages stay external; Ink, React and marked are only reached by the
// commands that use them.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
// CommonJS loads faster than ES modules on Node 20 (no module graph, no ESM
// facades for node: built-ins); Ink and marked are ES-only, so the two
// commands that use them (review, explain) are ES bundles. import.meta.url
// is given to the CommonJS bundles by the banner.
const cjsEntries = {
  kreview: `${root}cli/kreview.ts`,
  'commands/index-worker': `${root}src/cgraph/index-worker.ts`,
  'commands/check-worker': `${root}cli/tui/check-worker.ts`,
  'scripts/corpus': `${root}scripts/corpus.ts`,
  'scripts/sweep-check': `${root}scripts/sweep-check.ts`,
  'scripts/index-worker': `${root}src/cgraph/index-worker.ts`,
  bench: `${root}bench/run.ts`,
};
const esmEntries = {};
for (const f of readdirSync(`${root}cli/commands`)) {
  if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
  const name = f.slice(0, -3);
  (['review', 'explain'].includes(name) ? esmEntries : cjsEntries)[`commands/${name}`] = `${root}cli/commands/${f}`;
}

const common = {
  outdir: `${root}dist/bin`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  splitting: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['tree-sitter', 'tree-sitter-c', 'ink', 'react', 'react/jsx-runtime', 'marked', 'marked-terminal', 'simple-git'],
};

await build({
  ...common,
  entryPoints: cjsEntries,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // import.meta.url is built only when something asks for it (a URL is 0.3 ms to make)
  define: { 'import.meta.url': '__kreviewMeta.url' },
  banner: { js: "const __kreviewMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
});
await build({
  ...common,
  entryPoints: esmEntries,
  format: 'esm',
  banner: { js: "import { createRequire as __kreviewCreateRequire } from 'node:module'; const require = __kreviewCreateRequire(import.meta.url);" },
});
