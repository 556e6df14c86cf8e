// `kreview graph callers|callees|path|show NAME [TO] [--tree DIR]`: what the
// code graph knows, for debugging a finding (and for tests).

import { parseArgs, str, UsageError } from '../args.js';
import { writeOut } from '../io.js';
import { useModel } from '../model-option.js';

const HELP = `usage: kreview graph callers NAME [--tree DIR]
       kreview graph callees NAME
       kreview graph path FROM TO [--depth N]
       kreview graph show NAME

Queries the code graph: the tree (its default scope, from the cache) when
there is one, else the embedded model (or the one --model DIR or
KREVIEW_MODEL names). 'show' prints a function's calls,
credential scopes, page-cache accesses and assignments.
`;

export async function run(argv: string[]): Promise<number> {
  let p;
  try {
    p = parseArgs(argv, { help: { kind: 'flag', short: 'h' }, tree: { kind: 'string' }, depth: { kind: 'string' }, model: { kind: 'string' } });
  } catch (err) {
    if (err instanceof UsageError) {
      writeOut(2, `kreview graph: ${err.message}\n${HELP}`);
      return 2;
    }
    throw err;
  }
  const [what, name, to] = p.positionals;
  if (p.flags.help || !what || !name || (what === 'path' && !to)) {
    writeOut(1, HELP);
    return p.flags.help ? 0 : 2;
  }
  const model = useModel('graph', str(p, 'model'));
  if (model !== undefined) return model;
  const { openTree } = await import('../../src/tree/trees.js');
  const { MemoryCodeGraph } = await import('../../src/cgraph/graph.js');
  const { indexTree, DEFAULT_SCOPE } = await import('../../src/cgraph/indexer.js');
  const { loadManifest, loadModelFacts } = await import('../../src/cgraph/model/read.js');
  const { kb } = await import('../../src/engine/rule-api.js');
  const tree = await openTree({ ...(str(p, 'tree') ? { tree: str(p, 'tree')! } : {}), cwd: process.cwd() });
  let facts;
  if (tree.kind === 'empty') {
    const m = loadManifest();
    facts = loadModelFacts(m ? m.shards.flatMap((s) => s.prefixes.map((x) => (x.endsWith('/') ? `${x}x.c` : x))) : []);
  } else facts = (await indexTree(tree, DEFAULT_SCOPE)).facts;
  const g = MemoryCodeGraph.fromFiles(facts);
  const out = (s: string): void => writeOut(1, s + '\n');
  const defs = g.functions(name);
  if (what !== 'path' && !defs.length) {
    writeOut(2, `kreview graph: no function '${name}' in ${tree.kind === 'empty' ? 'the embedded model' : tree.describe()}\n`);
    return 1;
  }
  switch (what) {
    case 'callers':
      for (const e of g.callers(name)) out(`${e.caller.name}  ${e.caller.file}:${e.site.line}`);
      for (const s of g.opsSlots(name)) out(`(${s.table.struct}.${s.slot} in ${s.table.name})  ${s.file}:${s.table.line}`);
      for (const w of g.workRegistrations(name)) out(`(${w.api}${w.in ? ` in ${w.in}()` : ''}: a kworker)  ${w.file}:${w.line}`);
      return 0;
    case 'callees':
      for (const fn of defs) for (const c of g.callees(fn)) out(`${c.site.callee}${c.site.receiver ? ` on ${c.site.receiver}` : ''}  ${fn.file}:${c.site.line}${c.target ? `  -> ${c.target.file}:${c.target.line}` : ''}`);
      return 0;
    case 'path': {
      const paths = g.paths(name, to!, Number(str(p, 'depth') ?? 6));
      if (!paths.length) {
        out(`no call path from ${name} to ${to}`);
        return 1;
      }
      for (const path of paths) out(path.steps.map((s) => `${s.fn.name}${s.site ? ` (${s.fn.file}:${s.site.line})` : ''}`).join(' -> '));
      return 0;
    }
    case 'show':
      for (const fn of defs) {
        out(`${fn.static ? 'static ' : ''}${fn.returns} ${fn.name}(${fn.params.map((x) => `${x.type} ${x.name}`).join(', ')})  ${fn.file}:${fn.line}-${fn.endLine}`);
        for (const s of fn.credScopes) out(`  cred scope ${s.api}(${s.cred}) lines ${s.startLine}-${s.endLine}${s.leaks.length ? `  LEAKS: ${s.leaks.map((l) => `${l.kind}@${l.line}`).join(', ')}` : ''}`);
        for (const c of fn.calls) {
          const tags = [kb.CHECKED_IO[c.callee] && 'checked I/O', kb.RAW_IO[c.callee] && 'raw I/O', kb.PAGE_CACHE_APIS[c.callee] && 'page cache', kb.VFS_INTERNAL_HELPERS[c.callee] && 'VFS-internal'].filter(Boolean);
          if (tags.length || c.kind === 'member' || c.creds.length) out(`  ${c.line}: ${c.callee}(${c.args.join(', ')})${c.receiver ? ` on ${c.receiver}` : ''}  [${tags.join(', ') || c.kind}]${c.creds.length ? `  creds: ${c.creds.map((i) => fn.credScopes[i]!.cred).join(' > ')}` : ''}`);
        }
        for (const a of fn.assigns.filter((x) => /file|filp|mapping|cred|ki_filp/.test(x.lhs + x.rhs))) out(`  ${a.line}: ${a.lhs} = ${a.rhs}`);
      }
      return 0;
    default:
      writeOut(2, `kreview graph: unknown query '${what}'\n${HELP}`);
      return 2;
  }
}
