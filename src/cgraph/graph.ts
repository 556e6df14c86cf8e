// The code graph over a set of FileFacts: definitions by name, callers,
// field assignments, ops-table slots and kworker registrations. A patched
// image is the base graph with a few files replaced: `withFiles()` layers a
// small index over the big one instead of rebuilding it.

import type { Assignment, CallPath, CallerEdge, CallSite, CodeGraph, FileFacts, FunctionFacts, OpsTable, WorkFn } from './types.js';

class Index {
  readonly files = new Map<string, FileFacts>();
  readonly byName = new Map<string, FunctionFacts[]>();
  readonly callers = new Map<string, CallerEdge[]>();
  readonly fields = new Map<string, { fn: FunctionFacts; assign: Assignment }[]>();
  readonly slots = new Map<string, { table: OpsTable; slot: string; file: string }[]>();
  readonly work = new Map<string, (WorkFn & { file: string })[]>();

  constructor(files: Iterable<FileFacts>) {
    for (const f of files) this.add(f);
  }

  private add(f: FileFacts): void {
    this.files.set(f.path, f);
    for (const fn of f.functions) {
      push(this.byName, fn.name, fn);
      for (const site of fn.calls) if (site.kind === 'direct') push(this.callers, site.callee, { caller: fn, site });
      for (const a of fn.assigns) {
        const m = /(?:->|\.)([A-Za-z_]\w*)$/.exec(a.lhs);
        if (m) push(this.fields, m[1]!, { fn, assign: a });
      }
    }
    for (const t of f.opsTables) for (const [slot, name] of Object.entries(t.slots)) push(this.slots, name, { table: t, slot, file: f.path });
    for (const w of f.workFns) push(this.work, w.fn, { ...w, file: f.path });
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export class MemoryCodeGraph implements CodeGraph {
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

  withFiles(replaced: FileFacts[], removed: string[] = []): MemoryCodeGraph {
    if (!replaced.length && !removed.length) return this;
    const topFiles = new Map(this.top?.files ?? []);
    for (const p of removed) topFiles.delete(p);
    for (const f of replaced) topFiles.set(f.path, f);
    const hidden = new Set(this.hidden);
    for (const f of replaced) hidden.add(f.path);
    for (const p of removed) hidden.add(p);
    return new MemoryCodeGraph(this.base, new Index(topFiles.values()), hidden);
  }

  private visible<T>(fromBase: T[] | undefined, fromTop: T[] | undefined, file: (t: T) => string): T[] {
    const a = fromBase ? (this.hidden.size ? fromBase.filter((t) => !this.hidden.has(file(t))) : fromBase) : [];
    return fromTop?.length ? [...a, ...fromTop] : a;
  }

  functions(name: string): FunctionFacts[] {
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
    for (const f of this.files()) yield* f.functions;
  }

  file(path: string): FileFacts | undefined {
    return this.top?.files.get(path) ?? (this.hidden.has(path) ? undefined : this.base.files.get(path));
  }

  *files(): Iterable<FileFacts> {
    for (const [p, f] of this.base.files) if (!this.hidden.has(p)) yield f;
    if (this.top) yield* this.top.files.values();
  }

  callers(name: string): CallerEdge[] {
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
    return this.visible(this.base.fields.get(field), this.top?.fields.get(field), (x) => x.fn.file);
  }

  opsSlots(fnName: string): { table: OpsTable; slot: string; file: string }[] {
    return this.visible(this.base.slots.get(fnName), this.top?.slots.get(fnName), (x) => x.file);
  }

  workRegistrations(fnName: string): (WorkFn & { file: string })[] {
    return this.visible(this.base.work.get(fnName), this.top?.work.get(fnName), (x) => x.file);
  }
}
