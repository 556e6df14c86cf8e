// Building the embedded model from a kernel tree's facts (`kreview model
// build`): what the model keeps of each file, grouped into shards, with the
// index read.ts uses to read one file's facts alone.

import type { FileFacts, FunctionFacts } from '../types.js';
import { skeletonOf } from '../graph.js';
import { OUT_ARG } from '../ctext.js';
import { FACTS_VERSION } from '../extract/index.js';
import { IO_USERS_SHARD, MODEL_FORMAT, MODEL_SCOPE, shardFor, type IndexLine, type ModelManifest, type ModelShard } from './read.js';
import { CHECKED_IO, CRED_FORMS, FOREIGN_FILE_SOURCES, FILE_SETTERS, RAW_IO } from '../../kb/index.js';


function indexLine(f: FileFacts, at: [number, number]): IndexLine {
  const s = skeletonOf(f);
  return {
    path: s.path,
    at,
    fns: s.functions.map((fn) => [fn.name, fn.line, fn.endLine, fn.callees, fn.fields, fn.credScopes ? 1 : 0]),
    ...(s.slots.length ? { slots: s.slots } : {}),
    ...(s.work.length ? { work: s.work } : {}),
    ...(s.localIncludes.length ? { inc: s.localIncludes } : {}),
    ...(s.exports.length ? { exp: s.exports } : {}),
  };
}

/**
 * What the model keeps of a file: the facts the rules ask of callers and
 * callees. Argument texts only where the dataflow reads them (calls into the
 * model's own functions and the APIs the knowledge base names); no locals.
 */
export function compact(f: FileFacts, keepArgs: (callee: string) => boolean = () => true): FileFacts {
  return {
    ...f,
    includes: f.includes.filter((i) => !i.system),
    functions: f.functions.map((fn) => ({
      ...fn,
      locals: [],
      assigns: fn.assigns.filter(relevantAssign),
      // a call's guard is compared only where a hunk shows it (a widened condition): the model keeps none
      calls: fn.calls.map(({ guard: _guard, guardLine: _guardLine, ...c }) => (c.kind === 'direct' && !keepArgs(c.callee) ? { ...c, args: [] } : c)),
    })),
  };
}

/**
 * A compacted file as the shard stores it: what inflate() (read.ts) puts back
 * is left out (a function's file, a parameter's line when it is the
 * function's, the empty lists, a direct call's kind, the
 * body's own block), which halves a shard: most of it is calls with none of
 * those.
 */
export function serialize(f: FileFacts): string {
  return JSON.stringify({
    ...f,
    functions: f.functions.map((fn) => {
      const { file, locals, credScopes, assigns, calls, params, ...rest } = fn;
      return {
        ...rest,
        params: params.map((v) => (v.line === fn.line ? { name: v.name, type: v.type } : v)),
        ...(file !== f.path ? { file } : {}),
        ...(locals.length ? { locals } : {}),
        ...(credScopes.length ? { credScopes } : {}),
        ...(assigns.length ? { assigns } : {}),
        calls: calls.map((c) => {
          const { kind, args, block, creds, ...call } = c;
          return { ...call, ...(kind !== 'direct' ? { kind } : {}), ...(args.length ? { args } : {}), ...(block !== '0' ? { block } : {}), ...(creds.length ? { creds } : {}) };
        }),
      };
    }),
  });
}

/** Assignments the dataflow follows: files, mappings, kiocbs, creds, and anything held in a field. */
function relevantAssign(a: FunctionFacts['assigns'][number]): boolean {
  // (and what a file source gives: `f = fdget(fd)` in sys_finit_module(), whose struct fd the name does not say)
  return /file|filp|mapping|kiocb|iocb|cred|->|\./.test(a.lhs + ' ' + (a.declType ?? '')) || /file|mapping|cred/.test(a.rhs) || OUT_ARG.test(a.rhs) || !!FOREIGN_FILE_SOURCES[/^(\w+)\s*\(/.exec(a.rhs)?.[1] ?? ''];
}

/**
 * A file that opens a file or does I/O on one: it calls a checked or raw I/O
 * entry point, a raw method through `->`, an opener, or switches
 * credentials (the knowledge base's tables, so a new entry widens the model
 * on its next build). Tested on each C file's text when the model is built.
 */
export function ioUserPattern(): RegExp {
  // fget()/fdget() is every fd lookup in the kernel: the files that keep what they get and do I/O on it call an entry point too
  const opens = Object.entries(FOREIGN_FILE_SOURCES).filter(([k, v]) => v.opens && !/^fd?get/.test(k)).map(([k]) => k);
  // the kernel's file loaders (modules, kexec, firmware, IMA, LoadPin) read a file of any filesystem,
  // handed in by fd or path: a patch there that peeks at the file first is judged with their callers
  const loaders = ['kernel_read_file', 'kernel_read_file_from_path', 'kernel_read_file_from_path_initns', 'kernel_read_file_from_fd'];
  // a kiocb set up on a file (swap's sio->iocb in mm/page_io.c) is where a raw call elsewhere in the file gets it
  const direct = [...Object.keys(CHECKED_IO), ...Object.keys(RAW_IO).filter((k) => !k.includes('->')), ...opens, ...Object.keys(CRED_FORMS).filter((k) => /^\w+$/.test(k)), ...Object.keys(FILE_SETTERS), ...loaders];
  const members = Object.keys(RAW_IO).filter((k) => k.includes('->')).map((k) => k.replace('->', '\\s*->\\s*'));
  return new RegExp(`\\b(?:${[...new Set(direct)].sort().join('|')})\\s*\\(|\\b(?:${[...new Set(members)].sort().join('|')})\\s*\\(`);
}

/** Directories never part of the model: tools and samples are not kernel code that runs. */
export const NOT_KERNEL = /^(?:tools|samples|scripts|Documentation|usr)\//;

/** Tree paths (for SourceTree.list) the model is built from. */
export function modelPaths(): string[] {
  // a `_` prefix is listed by its directory; buildModel() keeps what shardFor() places
  return [...new Set(MODEL_SCOPE.flatMap((s) => (s.name === 'vfs' ? ['fs'] : s.prefixes.map((p) => (p.endsWith('_') ? p.slice(0, p.lastIndexOf('/') + 1) : p)))))];
}

/**
 * Group indexed facts into shards (only files inside the model's scope; of fs/
 * only the top-level VFS files) and produce the files to write. The caller
 * says which calls' arguments to keep (src/engine/triggers.ts
 * modelArgumentCalls(): what the rules trigger on and the dataflow follows).
 */
export function buildModel(facts: FileFacts[], kernel: string, argumentCalls: ReadonlySet<string>, ioUsers: ReadonlySet<string> = new Set()): { manifest: ModelManifest; shards: { file: string; data: Buffer }[] } {
  const shardOf = (p: string): string | undefined => shardFor(p, ioUsers);
  const inScope = facts.filter((f) => shardOf(f.path));
  const defined = new Set(inScope.flatMap((f) => f.functions.map((fn) => fn.name)));
  // arguments of calls into the model's own functions, and of the calls the rules and the dataflow read (modelArgumentCalls())
  const keepArgs = (callee: string): boolean => defined.has(callee) || argumentCalls.has(callee);
  const groups = new Map<string, FileFacts[]>();
  for (const f of inScope) {
    const s = shardOf(f.path)!;
    const list = groups.get(s) ?? [];
    list.push(compact(f, keepArgs));
    groups.set(s, list);
  }
  const shards: { file: string; data: Buffer }[] = [];
  const entries: ModelShard[] = [];
  const ioShard = { name: IO_USERS_SHARD, prefixes: [...(groups.get(IO_USERS_SHARD) ?? [])].map((f) => f.path).sort() };
  for (const s of [...MODEL_SCOPE, ioShard]) {
    const list = (groups.get(s.name) ?? []).sort((a, b) => (a.path < b.path ? -1 : 1));
    if (!list.length) continue;
    const file = `${s.name}.json`;
    const index = `${s.name}.index.json`;
    // one file a line: still one JSON array, and the index says where each
    // file's line is, so a single file is read and parsed alone (modelFileFacts)
    const lines = list.map(serialize);
    const idx: string[] = [];
    let offset = Buffer.byteLength('[\n');
    for (const [i, l] of lines.entries()) {
      const length = Buffer.byteLength(l);
      idx.push(JSON.stringify(indexLine(list[i]!, [offset, length])));
      offset += length + Buffer.byteLength(',\n');
    }
    shards.push({ file, data: Buffer.from(`[\n${lines.join(',\n')}\n]\n`) });
    shards.push({ file: index, data: Buffer.from(idx.join('\n') + '\n') });
    entries.push({ name: s.name, prefixes: s.prefixes, file, index, files: list.length, functions: list.reduce((n, f) => n + f.functions.length, 0) });
  }
  return { manifest: { format: MODEL_FORMAT, factsVersion: FACTS_VERSION, kernel, built: new Date().toISOString().slice(0, 10), shards: entries }, shards };
}
