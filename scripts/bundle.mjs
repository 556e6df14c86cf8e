// Bundles each command into one file under dist/bin/ (plus the workers), so
// `kreview check` loads a handful of modules instead of dozens: module
// loading was a third of its start-up (docs/benchmarks.md). Native packages,
// simple-git and marked stay external; Ink and React are bundled into
// `review`, the one command that uses them, so an installed kreview does
// not carry their dependency tree (es-toolkit alone is 19 MB installed, for
// the one throttle() Ink uses). Developer scripts (bench, corpus, sweep) go
// to dist/dev/, which the package does not ship.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { factsDigest } from './facts-digest.mjs';

const root = new URL('..', import.meta.url).pathname;
// CommonJS loads faster than ES modules on Node 20 (no module graph, no ESM
// facades for node: built-ins); Ink and marked are ES-only, so the two
// commands that use them (review, explain) are ES bundles. import.meta.url
// is given to the CommonJS bundles by the banner.
const cjsEntries = {
  kreview: `${root}cli/kreview.ts`,
  'commands/index-worker': `${root}src/cgraph/index-worker.ts`,
  'commands/check-worker': `${root}cli/tui/check-worker.ts`,
};
const devEntries = {
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

// The facts cache (src/cgraph/cache.ts) is keyed by a digest of the code that
// makes facts, so a kreview whose extraction changed never reads facts an
// older one cached, whether or not FACTS_VERSION was bumped.
const factsBuild = { __KREVIEW_FACTS_BUILD__: JSON.stringify(factsDigest(root)) };

const common = {
  outdir: `${root}dist/bin`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  splitting: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['tree-sitter', 'tree-sitter-c', 'marked', 'marked-terminal', 'simple-git'],
};

// Ink loads its React devtools hook (ink/build/devtools.js, which needs
// react-devtools-core) only when DEV=true, with import() in a try that warns
// when the package is missing. Bundled, that file's static import of the
// missing package would be hoisted to the top of review.js and fail at load:
// it stays out of the bundle, so DEV=true gets Ink's own "not installed".
const inkDevtoolsStaysOut = {
  name: 'ink-devtools-stays-out',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (a) => (/[\\/]ink[\\/]build$/.test(a.resolveDir) ? { path: a.path, external: true } : undefined));
  },
};

const cjs = {
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // import.meta.url is built only when something asks for it (a URL is 0.3 ms to make)
  define: { 'import.meta.url': '__kreviewMeta.url', ...factsBuild },
  banner: { js: "const __kreviewMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
};
await build({ ...cjs, entryPoints: cjsEntries });
await build({ ...cjs, entryPoints: devEntries, outdir: `${root}dist/dev` });
await build({
  ...common,
  entryPoints: esmEntries,
  format: 'esm',
  // React's production build, as its package.json selects it for NODE_ENV=production
  define: { 'process.env.NODE_ENV': '"production"', ...factsBuild },
  plugins: [inkDevtoolsStaysOut],
  banner: { js: "import { createRequire as __kreviewCreateRequire } from 'node:module'; const require = __kreviewCreateRequire(import.meta.url);" },
});
