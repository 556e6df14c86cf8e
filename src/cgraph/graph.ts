// The code graph over a set of FileFacts: definitions by name, callers,
// field assignments, ops-table slots and kworker registrations. A patched
// image is the base graph with a few files replaced: `withFiles()` layers a
// small index over the big one instead of rebuilding it.

import type { Assignment, CallPath, CallerEdge, CallSite, CodeGraph, FileFacts, FileSummary, FunctionFacts, OpsTable, WorkFn } from './types.js';

class Index {
  readonly files = new Map<string, FileFacts>();
  readonly byName = new Map<string, FunctionFacts[]>();
  readonly callers = new Map<string, CallerEdge[]>();
  readonly fields = new Map<string, { fn: FunctionFacts; assign: Assignment }[]>();
  readonly slots = new Map<string, { table: OpsTable; slot: string; file: string }[]>();
  readonly work = new Map<string, (WorkFn & { file: string })[]>();

  /**
   * `rank`, for a graph that loads files lazily: entries stay in the order
   * they would have had with every file loaded up front (by file rank, then
   * as they stand in the file), so answers do not depend on what was asked first.
   */
  constructor(files: Iterable<FileFacts>, private readonly rank?: (path: string) => number) {
    for (const f of files) this.add(f);
  }

  add(f: FileFacts): void {
    this.files.set(f.path, f);
    const r = this.rank ? this.rank(f.path) : 0;
    const put = <V>(m: Map<string, V[]>, k: string, v: V, file: (v: V) => string): void => {
      const l = m.get(k);
      if (!l) m.set(k, [v]);
      else if (!this.rank) l.push(v);
      else if (file(l[l.length - 1]!) === f.path || this.rank(file(l[l.length - 1]!)) <= r) l.push(v);
      else {
        // after every entry of a file ranked at or before this one
        let i = l.length;
        while (i > 0 && this.rank(file(l[i - 1]!)) > r) i--;
        l.splice(i, 0, v);
      }
    };
    for (const fn of f.functions) {
      put(this.byName, fn.name, fn, (x) => x.file);
      for (const site of fn.calls) if (site.kind === 'direct') put(this.callers, site.callee, { caller: fn, site }, (x) => x.caller.file);
      for (const a of fn.assigns) {
        const m = FIELD.exec(a.lhs);
        if (m) put(this.fields, m[1]!, { fn, assign: a }, (x) => x.fn.file);
      }
    }
    for (const t of f.opsTables) for (const [slot, name] of Object.entries(t.slots)) put(this.slots, name, { table: t, slot, file: f.path }, (x) => x.file);
    for (const w of f.workFns) put(this.work, w.fn, { ...w, file: f.path }, (x) => x.file);
  }
}

/** The field an assignment's left side ends in: `buf->mapping` -> `mapping`. */
const FIELD = /(?:->|\.)([A-Za-z_]\w*)$/;

/** The summary of a file's facts (see FileSummary). */
export function summarize(f: FileFacts): FileSummary {
  return summarizeSkeleton(skeletonOf(f));
}

/** What a function offers a summary: its name, lines, callees, assigned fields, and whether it switches credentials. */
export interface FunctionSkeleton {
  name: string;
  line: number;
  endLine: number;
  /** Every callee (direct and member calls), each once, in call order. */
  callees: string[];
  /** Fields it assigns (`->mapping` -> `mapping`), each once. */
  fields: string[];
  credScopes: boolean;
}

/**
 * A file's facts cut down to what summaries are made of, function by
 * function: the prefilter summarizes only the functions a patch can reach,
 * and the embedded model ships these (model/*.index.json) so that neither
 * the prefilter nor a lazy graph parses a whole shard.
 */
export interface FileSkeleton {
  path: string;
  functions: FunctionSkeleton[];
  slots: string[];
  work: string[];
  localIncludes: string[];
  exports: string[];
}

export function skeletonOf(f: FileFacts): FileSkeleton {
  return {
    path: f.path,
    functions: f.functions.map((fn) => {
      const fields = new Set<string>();
      for (const a of fn.assigns) {
        const m = FIELD.exec(a.lhs);
        if (m) fields.add(m[1]!);
      }
      return { name: fn.name, line: fn.line, endLine: fn.endLine, callees: [...new Set(fn.calls.map((c) => c.callee))], fields: [...fields], credScopes: fn.credScopes.length > 0 };
    }),
    slots: [...new Set(f.opsTables.flatMap((t) => Object.values(t.slots)))],
    work: [...new Set(f.workFns.map((w) => w.fn))],
    localIncludes: f.includes.filter((i) => !i.system).map((i) => i.path),
    exports: f.exports.map((e) => e.name),
  };
}

/** The summary of a skeleton, or of some of its functions (`keep`), without its exports when `noExports`. */
export function summarizeSkeleton(s: FileSkeleton, keep?: (fn: FunctionSkeleton) => boolean, o: { noExports?: boolean } = {}): FileSummary {
  const fns = keep ? s.functions.filter(keep) : s.functions;
  const callees = new Set<string>();
  const fields = new Set<string>();
  let credScopes = false;
  for (const fn of fns) {
    for (const c of fn.callees) callees.add(c);
    for (const f of fn.fields) fields.add(f);
    if (fn.credScopes) credScopes = true;
  }
  return {
    path: s.path,
    defs: [...new Set(fns.map((fn) => fn.name))],
    callees: [...callees],
    fields: [...fields],
    slots: s.slots,
    work: s.work,
    localIncludes: s.localIncludes,
    exports: o.noExports ? [] : s.exports,
    credScopes,
    lines: fns.length ? fns[fns.length - 1]!.endLine : 0,
    functions: fns.length,
  };
}

/** Files not loaded yet, found by the names a query asks for. */
export interface LazyFiles {
  summaries: Iterable<FileSummary>;
  load(path: string): FileFacts | undefined;
}

/** Files a lazy graph has not loaded yet, by the names that would need them. */
class Pending {
  readonly byDef = new Map<string, string[]>();
  readonly byCallee = new Map<string, string[]>();
  readonly byField = new Map<string, string[]>();
  readonly bySlot = new Map<string, string[]>();
  readonly byWork = new Map<string, string[]>();
  readonly paths = new Set<string>();

  constructor(readonly source: LazyFiles) {
    const add = (m: Map<string, string[]>, keys: string[], path: string): void => {
      for (const k of keys) {
        const l = m.get(k);
        if (l) l.push(path);
        else m.set(k, [path]);
      }
    };
    for (const s of source.summaries) {
      this.paths.add(s.path);
      add(this.byDef, s.defs, s.path);
      add(this.byCallee, s.callees, s.path);
      add(this.byField, s.fields, s.path);
      add(this.bySlot, s.slots, s.path);
      add(this.byWork, s.work, s.path);
    }
  }
}

export class MemoryCodeGraph implements CodeGraph {
  /** For a lazy graph: what is still on disk. Loading mutates `base`, which only a lazy graph does. */
  private pending: Pending | undefined;

  private constructor(
    private readonly base: Index,
    /** Files replacing (or adding to) the base; empty for a plain graph. */
    private readonly top: Index | undefined,
    /** Base paths hidden by the top layer (replaced or removed). */
    private readonly hidden: ReadonlySet<string>,
  ) {}

  static fromFiles(files: Iterable<FileFacts>): MemoryCodeGraph {
    return new MemoryCodeGraph(new Index(files), undefined, new Set());
  }

  /**
   * A graph over `loaded` that loads the files in `deferred` when a query
   * names something they define, call, assign or register. `rank` is the
   * order of all files (loaded and deferred) as fromFiles() would have added
   * them, so every answer is the same as with everything loaded up front.
   */
  static lazy(loaded: FileFacts[], deferred: LazyFiles, rank: (path: string) => number): MemoryCodeGraph {
    const g = new MemoryCodeGraph(new Index(loaded, rank), undefined, new Set());
    g.pending = new Pending(deferred);
    for (const f of loaded) g.pending.paths.delete(f.path);
    return g;
  }

  /** Load the deferred files a query needs. */
  private need(m: 'byDef' | 'byCallee' | 'byField' | 'bySlot' | 'byWork', key: string): void {
    const p = this.pending;
    const paths = p?.[m].get(key);
    if (!p || !paths) return;
    for (const path of paths) this.loadPath(path);
  }

  private loadPath(path: string): void {
    const p = this.pending;
    if (!p || !p.paths.delete(path)) return;
    const f = p.source.load(path);
    if (f) this.base.add(f);
  }

  withFiles(replaced: FileFacts[], removed: string[] = []): MemoryCodeGraph {
    if (!replaced.length && !removed.length) return this;
    const topFiles = new Map(this.top?.files ?? []);
    for (const p of removed) topFiles.delete(p);
    for (const f of replaced) topFiles.set(f.path, f);
    const hidden = new Set(this.hidden);
    for (const f of replaced) hidden.add(f.path);
    for (const p of removed) hidden.add(p);
    const g = new MemoryCodeGraph(this.base, new Index(topFiles.values()), hidden);
    g.pending = this.pending;
    return g;
  }

  private visible<T>(fromBase: T[] | undefined, fromTop: T[] | undefined, file: (t: T) => string): T[] {
    const a = fromBase ? (this.hidden.size ? fromBase.filter((t) => !this.hidden.has(file(t))) : fromBase) : [];
    return fromTop?.length ? [...a, ...fromTop] : a;
  }

  functions(name: string): FunctionFacts[] {
    this.need('byDef', name);
    return this.visible(this.base.byName.get(name), this.top?.byName.get(name), (f) => f.file);
  }

  resolve(name: string, fromFile?: string): FunctionFacts | undefined {
    const defs = this.functions(name);
    if (defs.length <= 1) return defs[0];
    if (fromFile) {
      const same = defs.find((d) => d.file === fromFile);
      if (same) return same;
    }
    const global = defs.filter((d) => !d.static);
    // a header's static inline is visible to every includer; prefer a real definition
    return global.find((d) => d.file.endsWith('.c')) ?? global[0] ?? defs.find((d) => d.file.endsWith('.h')) ?? defs[0];
  }

  *allFunctions(): Iterable<FunctionFacts> {
    for (const p of [...(this.pending?.paths ?? [])]) this.loadPath(p);
    for (const f of this.files()) yield* f.functions;
  }

  file(path: string): FileFacts | undefined {
    this.loadPath(path);
    return this.top?.files.get(path) ?? (this.hidden.has(path) ? undefined : this.base.files.get(path));
  }

  *files(): Iterable<FileFacts> {
    for (const p of [...(this.pending?.paths ?? [])]) this.loadPath(p);
    for (const [p, f] of this.base.files) if (!this.hidden.has(p)) yield f;
    if (this.top) yield* this.top.files.values();
  }

  callers(name: string): CallerEdge[] {
    this.need('byCallee', name);
    return this.visible(this.base.callers.get(name), this.top?.callers.get(name), (e) => e.caller.file);
  }

  callees(fn: FunctionFacts): { site: CallSite; target: FunctionFacts | undefined }[] {
    return fn.calls.map((site) => ({ site, target: site.kind === 'direct' ? this.resolve(site.callee, fn.file) : undefined }));
  }

  paths(from: string, to: string, maxDepth: number): CallPath[] {
    const out: CallPath[] = [];
    const start = this.resolve(from);
    if (!start) return out;
    const walk = (fn: FunctionFacts, steps: CallPath['steps'], seen: Set<FunctionFacts>): void => {
      if (out.length >= 50) return;
      if (fn.name === to && steps.length) {
        out.push({ steps: [...steps, { fn }] });
        return;
      }
      if (steps.length >= maxDepth) return;
      for (const site of fn.calls) {
        if (site.kind !== 'direct') continue;
        const next = this.resolve(site.callee, fn.file);
        if (!next || seen.has(next)) continue;
        seen.add(next);
        walk(next, [...steps, { fn, site }], seen);
        seen.delete(next);
      }
    };
    walk(start, [], new Set([start]));
    return out;
  }

  fieldAssignments(field: string): { fn: FunctionFacts; assign: Assignment }[] {
    this.need('byField', field);
    return this.visible(this.base.fields.get(field), this.top?.fields.get(field), (x) => x.fn.file);
  }

  opsSlots(fnName: string): { table: OpsTable; slot: string; file: string }[] {
    this.need('bySlot', fnName);
    return this.visible(this.base.slots.get(fnName), this.top?.slots.get(fnName), (x) => x.file);
  }

  workRegistrations(fnName: string): (WorkFn & { file: string })[] {
    this.need('byWork', fnName);
    return this.visible(this.base.work.get(fnName), this.top?.work.get(fnName), (x) => x.file);
  }
}
