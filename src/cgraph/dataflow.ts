// Graph analyses the rules share: where a file or mapping expression came
// from (def-use through locals, parameters, struct fields), whose credentials
// are in force at a call (through the callers), and dominance of one call
// over another. All are "may" analyses bounded in depth and breadth, so they
// stay fast and their answers come with the evidence (file:line steps).

import type { CallSite, CodeGraph, CredScope, FunctionFacts } from './types.js';
import { blockEncloses, normExpr, OUT_ARG, parseCall, parseMemberCall, sameExpr, splitMember, splitTernary } from './ctext.js';

export { normExpr, sameExpr };
import { BACKING_NAME_HINT, CALLER_ENTRIES, COMMAND_CONTEXT_TABLES, FOREIGN_INODE_SOURCES, CHECKED_IO, CONFIG_SLOTS, CRED_PASSTHROUGH, GENERIC_FIELDS, FILE_METHOD_SIGNATURES, FILE_METHOD_SLOTS, FILE_PASSTHROUGH, FOREIGN_FILE_FIELDS, FOREIGN_FILE_SOURCES, GENERIC_STRUCTS, type FileField, FILE_SETTERS, MOUNT_TIME_OPS, PRIVATE_FILE_FIELDS, PRIVATE_FILE_SOURCES, WORKER_SLOTS, type Stack, stackFor } from '../kb/index.js';

export interface OriginStep {
  expr: string;
  file: string;
  line: number;
  /** How we got from the previous expression to this one: `assigned`, `field`, `argument`, `kiocb`. */
  via: string;
  fn: string;
}

export interface Origin {
  /** The expression as it stands at the start, then each step back towards where it came from. */
  steps: OriginStep[];
  /** The last expression reached. */
  root: string;
}

export type FileClass =
  | { kind: 'own'; why: string; origin: Origin }
  | { kind: 'backing'; stack: Stack | undefined; why: string; strong: boolean; origin: Origin }
  | { kind: 'unknown'; origin: Origin };

const IDENT = /^[A-Za-z_]\w*$/;

/** The file fields the setters point at (`ki_filp`, `vm_file`). */
const SETTER_FIELDS: ReadonlySet<string> = new Set(Object.values(FILE_SETTERS).map((x) => x.field));


// ---------------------------------------------------------------------------
// origin tracing

interface TraceBudget {
  depth: number;
  /** Stop after this many origins in total. */
  left: number;
  seen: Set<string>;
}

/**
 * Every origin an expression of type `struct file *` may have at `line` of
 * `fn`: through local assignments, kiocb set-up, parameters (into callers)
 * and struct fields (anywhere in the graph).
 */
export function traceFile(graph: CodeGraph, fn: FunctionFacts, expr: string, line: number, depth = 4): Origin[] {
  const budget: TraceBudget = { depth, left: 24, seen: new Set() };
  return trace(graph, fn, normExpr(expr), line, budget, [], 'file');
}

/**
 * Like traceFile, for a `const struct cred *` expression: through locals,
 * parameters, struct fields (`iocb->cred = get_current_cred()` where the
 * iocb is set up) and get_cred(); the roots are where the credentials were
 * taken (`current_cred()`, `prepare_creds()`, `file->f_cred`, ...).
 */
export function traceCred(graph: CodeGraph, fn: FunctionFacts, expr: string, line: number, depth = 3): Origin[] {
  const budget: TraceBudget = { depth, left: 24, seen: new Set() };
  return trace(graph, fn, normExpr(expr), line, budget, [], 'cred');
}

/** Like traceFile, for an `struct address_space *` expression. */
export function traceMapping(graph: CodeGraph, fn: FunctionFacts, expr: string, line: number, depth = 4): Origin[] {
  const budget: TraceBudget = { depth, left: 24, seen: new Set() };
  return trace(graph, fn, normExpr(expr), line, budget, [], 'mapping');
}

function trace(
  graph: CodeGraph,
  fn: FunctionFacts,
  expr: string,
  line: number,
  budget: TraceBudget,
  steps: OriginStep[],
  what: 'file' | 'mapping' | 'cred',
  via = 'start',
): Origin[] {
  const here: OriginStep[] = [...steps, { expr, file: fn.file, line, via, fn: fn.name }];
  const done = (): Origin[] => [{ steps: here, root: expr }];
  const seenKey = `${fn.file}:${fn.name}:${expr}`;
  if (budget.left <= 0 || budget.seen.has(seenKey)) return done();
  budget.seen.add(seenKey);
  budget.left--;

  // Stop where the expression already says what it is.
  if (what === 'file' && isTerminalFile(fn, expr)) return done();
  if (what === 'mapping' && /(?:->|\.)(?:f_mapping|i_mapping|bd_mapping|i_data)$/.test(expr)) return done();
  // a file's f_cred is what it was opened with: where those creds came from is another question
  if (what === 'cred' && /(?:->|\.)f_cred$/.test(expr)) return done();

  // 1. assigned in this function before `line` (latest first)
  const assigns = fn.assigns.filter((a) => normExpr(a.lhs) === expr && a.line <= line).sort((a, b) => b.line - a.line);
  if (assigns.length) {
    const out: Origin[] = [];
    // The latest assignment at the same block level wins; we cannot see
    // branches here, so keep every assignment (a may-analysis).
    for (const a of assigns.slice(0, 4)) {
      const out1 = OUT_ARG.exec(a.rhs);
      if (out1) {
        const stored = outTrace(graph, fn, out1[1]!, Number(out1[2]), budget, here, what, 3);
        // filled in place by a call that says what it is (ovl_path_real(dentry, &realpath)): that call is the origin
        if (!stored.length && what === 'file' && FOREIGN_FILE_SOURCES[out1[1]!]) out.push({ steps: here, root: `${out1[1]}(&${expr})` });
        out.push(...stored);
        continue;
      }
      const rhs = normExpr(a.rhs);
      if (rhs === 'NULL' || rhs === '0' || /^ERR_PTR\(/.test(rhs)) continue;
      // `mapping = fb ? fb->file->f_mapping : inode->i_mapping`: either arm may be the one
      const arms = what === 'cred' ? undefined : splitTernary(rhs);
      if (arms) {
        for (const arm of [arms.then, arms.otherwise]) {
          const e = normExpr(arm);
          if (e !== 'NULL' && e !== '0') out.push(...trace(graph, fn, e, a.line, budget, here, what, 'assigned'));
        }
        continue;
      }
      out.push(...trace(graph, fn, rhs, a.line, budget, here, what, 'assigned'));
    }
    if (out.length) return out;
  }

  // 2. a kiocb's or a vma's file: init_sync_kiocb(&k, file), kiocb_clone(&k, orig, file), vma_set_file(vma, file)
  const kio = /^(.*)(?:\.|->)(\w+)$/.exec(expr);
  if (kio && what === 'file' && SETTER_FIELDS.has(kio[2]!)) {
    const k = normExpr(kio[1]!);
    const field = kio[2]!;
    for (const c of fn.calls) {
      if (c.line > line) continue;
      const setup = FILE_SETTERS[c.callee];
      if (setup && setup.field === field && c.args.length > setup.fileArg && normExpr(c.args[setup.objArg]!).replace(/^&\s*/, '') === k.replace(/^&\s*/, '')) {
        return trace(graph, fn, normExpr(c.args[setup.fileArg]!), c.line, budget, here, what, field === 'ki_filp' ? 'kiocb' : `${c.callee}()`);
      }
    }
    // a kiocb handed in by the caller (nfsd_iocb_write(&kiocb, iter)): where the caller set it up
    const kp = IDENT.test(k) && field === 'ki_filp' ? fn.params.findIndex((p) => p.name === k && /\bstruct kiocb \*$/.test(p.type)) : -1;
    if (kp >= 0) {
      const out = intoCallers(graph, fn, kp, budget, here, what, (a) => (a.startsWith('&') ? `${a.replace(/^&\s*/, '')}.ki_filp` : `${a}->ki_filp`));
      if (out.length) return out;
    }
    // a kiocb kept in a struct of this file's code (swap's sio->iocb, loop's cmd->iocb), set up
    // in another function of the file: every setup of that member (same struct type when known)
    const km = splitMember(k);
    if (km && budget.depth > 0) {
      const myT = baseType(fn, km.base);
      const out: Origin[] = [];
      budget.depth--;
      for (const f2 of graph.file(fn.file)?.functions ?? []) {
        if (f2 === fn || out.length >= 4) continue;
        for (const c of f2.calls) {
          const setup = FILE_SETTERS[c.callee];
          if (!setup || setup.field !== field || c.args.length <= setup.fileArg) continue;
          const ka = normExpr(c.args[setup.objArg]!).replace(/^&\s*/, '');
          const theirs = splitMember(ka);
          if (!theirs || theirs.field !== km.field) continue;
          const t = baseType(f2, theirs.base);
          if (myT && t && t !== myT) continue;
          out.push(...trace(graph, f2, normExpr(c.args[setup.fileArg]!), c.line, budget, here, what, `kiocb ${ka} set up by ${c.callee}()`));
        }
      }
      budget.depth++;
      if (out.length) return out;
    }
  }

  // 3. a parameter: follow into the callers
  if (IDENT.test(expr)) {
    const idx = fn.params.findIndex((p) => p.name === expr);
    if (idx >= 0) {
      // a struct path handed by address (ovl_do_getattr(&realpath, ...)): the caller's struct
      const byAddress = /\bstruct path \*$/.test(fn.params[idx]!.type);
      const out = intoCallers(graph, fn, idx, budget, here, what, (a) => (byAddress ? a.replace(/^&\s*/, '') : a));
      if (out.length) return out;
    }
    // a file-scope variable (neither parameter nor local): what the file's functions store in it
    // (init/do_mounts_rd.c: rd_load_image() sets the static in_file that compr_fill() reads)
    if (idx < 0 && budget.depth > 0 && !fn.locals.some((l) => l.name === expr)) {
      const out: Origin[] = [];
      budget.depth--;
      for (const f2 of graph.file(fn.file)?.functions ?? []) {
        if (f2 === fn || out.length >= 4 || f2.params.some((p) => p.name === expr) || f2.locals.some((l) => l.name === expr)) continue;
        for (const a of f2.assigns) {
          if (normExpr(a.lhs) !== expr || a.declType) continue;
          const rhs = normExpr(a.rhs);
          if (rhs === 'NULL' || rhs === '0' || /^ERR_PTR\(/.test(rhs)) continue;
          out.push(...trace(graph, f2, rhs, a.line, budget, here, what, `file-scope ${expr} set in ${f2.name}()`));
        }
      }
      budget.depth++;
      if (out.length) return out;
    }
    return done();
  }

  // 4. a call: passthroughs, well-known sources, and what a helper returns
  const call = parseCall(expr);
  if (call) {
    if (what === 'file' && FILE_PASSTHROUGH[call.name] && call.args[0]) {
      return trace(graph, fn, normExpr(call.args[0]), line, budget, here, what, `${call.name}()`);
    }
    if (what === 'cred' && CRED_PASSTHROUGH[call.name] && call.args[0]) {
      return trace(graph, fn, normExpr(call.args[0]), line, budget, here, what, `${call.name}()`);
    }
    const helper = budget.depth > 0 ? graph.resolve(call.name, fn.file) : undefined;
    if (helper?.rets) {
      const out: Origin[] = [];
      budget.depth--;
      for (const r of helper.rets.slice(0, 4)) {
        const e = normExpr(r.expr);
        // `return file;` of a parameter: this call's argument
        const idx = helper.params.findIndex((p) => p.name === e);
        if (idx >= 0 && call.args[idx] !== undefined) out.push(...trace(graph, fn, normExpr(call.args[idx]!), line, budget, here, what, `${call.name}() returns its argument`));
        else out.push(...trace(graph, helper, e, r.line, budget, here, what, 'returned'));
      }
      budget.depth++;
      if (out.length) return out;
    }
    return done();
  }
  if (parseMemberCall(expr)) return done();

  // 5. a struct field: every assignment to `->field` in the graph (same file
  // first), when the struct is one of the filesystem's own (its fields are
  // set in few places); the kernel's generic structures are set everywhere.
  const mem = splitMember(expr);
  // a field of a struct the caller hands in (erofs's buf->mapping): what each caller put there,
  // when every caller's own code says (a helper judged per path, not by every assignment anywhere)
  const param = mem && IDENT.test(mem.base) ? fn.params.findIndex((p) => p.name === mem.base) : -1;
  if (mem && param >= 0 && budget.depth > 0 && graph.callers(fn.name).length) {
    const probe: TraceBudget = { ...budget, seen: new Set(budget.seen) };
    const theirs = intoCallers(graph, fn, param, probe, here, what, (a, raw) => (/^\s*&/.test(raw) ? `${a}.${mem.field}` : `${a}->${mem.field}`));
    if (theirs.length && theirs.every((o) => splitMember(o.root)?.field !== mem.field)) {
      budget.left = probe.left;
      for (const k of probe.seen) budget.seen.add(k);
      return theirs;
    }
  }
  const myType = mem ? baseType(fn, mem.base) : undefined;
  if (mem && budget.depth > 0 && !(myType && GENERIC_STRUCTS.test(myType))) {
    // Same struct type when both are known; otherwise only assignments in the
    // same directory (a subsystem's own structures live there): `->file` and
    // `->mapping` are common field names across the tree.
    const dir = fn.file.slice(0, fn.file.lastIndexOf('/') + 1);
    const all = graph.fieldAssignments(mem.field).filter(({ fn: f2, assign }) => {
      const theirs = splitMember(normExpr(assign.lhs));
      const t = theirs ? baseType(f2, theirs.base) : undefined;
      if (myType && t) return t === myType;
      // a field only a generic structure has is set by every user of it: this file's
      // assignments only (kiocb->ki_filp: fs/aio.c's is not fs/io_uring.c's)
      if (GENERIC_FIELDS[mem.field]) return f2.file === fn.file;
      return f2.file.startsWith(dir) && !f2.file.slice(dir.length).includes('/');
    });
    const sorted = [...all].sort((a, b) => Number(b.fn.file === fn.file) - Number(a.fn.file === fn.file));
    const out: Origin[] = [];
    budget.depth--;
    for (const { fn: f2, assign } of sorted.slice(0, 6)) {
      const out1 = OUT_ARG.exec(assign.rhs);
      if (out1) {
        const at: OriginStep[] = [...here, { expr: normExpr(assign.lhs), file: f2.file, line: assign.line, via: `field &${normExpr(assign.lhs)} passed to ${out1[1]}()`, fn: f2.name }];
        out.push(...outTrace(graph, f2, out1[1]!, Number(out1[2]), budget, at, what, 3));
        continue;
      }
      const rhs = normExpr(assign.rhs);
      if (rhs === 'NULL' || rhs === '0') continue;
      // the field assignment is evidence of its own: record it, then keep going from its right side
      out.push(...trace(graph, f2, rhs, assign.line, budget, here, what, `field ${normExpr(assign.lhs)} =`));
    }
    budget.depth++;
    if (out.length) return out;
  }
  return done();
}


/**
 * A parameter followed into the callers (at most six): each caller's
 * argument, as `theirs` rewrites it into the expression to trace there.
 */
function intoCallers(graph: CodeGraph, fn: FunctionFacts, idx: number, budget: TraceBudget, here: OriginStep[], what: 'file' | 'mapping' | 'cred', theirs: (arg: string, raw: string) => string): Origin[] {
  if (budget.depth <= 0) return [];
  const out: Origin[] = [];
  budget.depth--;
  for (const e of graph.callers(fn.name).filter((x) => graph.resolve(fn.name, x.caller.file) === fn).slice(0, 6)) {
    const arg = e.site.args[idx];
    if (arg === undefined) continue;
    out.push(...trace(graph, e.caller, theirs(normExpr(arg), arg), e.site.line, budget, here, what, `argument ${idx + 1} of ${fn.name}()`));
  }
  budget.depth++;
  return out;
}

/**
 * What a callee stores through its `index`th argument (`*filp = file`),
 * following the pointer down into the functions it is handed on to.
 */
function outTrace(graph: CodeGraph, from: FunctionFacts, callee: string, index: number, budget: TraceBudget, steps: OriginStep[], what: 'file' | 'mapping' | 'cred', depth: number): Origin[] {
  const g = depth > 0 && budget.depth > 0 ? graph.resolve(callee, from.file) : undefined;
  const p = g?.params[index];
  if (!g || !p) return [];
  const out: Origin[] = [];
  budget.depth--;
  for (const a of g.assigns) {
    if (a.lhs.replace(/\s+/g, '') !== `*${p.name}`) continue;
    const rhs = normExpr(a.rhs);
    if (rhs === 'NULL' || rhs === '0' || /^ERR_PTR\(/.test(rhs)) continue;
    out.push(...trace(graph, g, rhs, a.line, budget, steps, what, `stored through *${p.name}`));
  }
  for (const c of g.calls) {
    if (c.kind !== 'direct') continue;
    const j = c.args.findIndex((x) => x.trim() === p.name);
    if (j >= 0) out.push(...outTrace(graph, g, c.callee, j, budget, steps, what, depth - 1));
  }
  budget.depth++;
  return out;
}

/** The struct type of a plain variable (`struct erofs_buf`), from the function's parameters and locals. */
export function baseType(fn: FunctionFacts, base: string): string | undefined {
  if (!IDENT.test(base)) return undefined;
  const v = fn.params.find((p) => p.name === base) ?? fn.locals.find((l) => l.name === base) ?? fn.assigns.find((a) => a.lhs === base && a.declType);
  const t = v ? ('type' in v ? v.type : (v as { declType?: string }).declType) : undefined;
  return t ? t.replace(/\bconst\b|\*/g, '').replace(/\s+/g, ' ').trim() : undefined;
}

/**
 * `nf->nf_file`, `obj->base.filp`: a field a table (FOREIGN_FILE_FIELDS,
 * PRIVATE_FILE_FIELDS) knows, of its struct, or of a base whose type is not
 * known when the code is inside the entry's paths (if it names any).
 */
function fieldFact(fields: Record<string, readonly FileField[]>, fn: FunctionFacts | undefined, path: string, expr: string): { name: string; struct: string } | undefined {
  const mem = splitMember(expr);
  const facts = mem ? fields[mem.field] : undefined;
  if (!mem || !facts) return undefined;
  const t = fn ? baseType(fn, mem.base) : undefined;
  const fact = facts.find((f) => (t ? t === f.struct : !f.paths || f.paths.some((p) => path.startsWith(p))));
  return fact ? { name: mem.field, struct: fact.struct } : undefined;
}

function isTerminalFile(fn: FunctionFacts, expr: string): boolean {
  const stack = stackFor(fn.file);
  if (stack && stack.backingFile.some((r) => r.test(expr))) return true;
  const call = parseCall(expr) ?? parseMemberCall(expr);
  if (call && (FOREIGN_FILE_SOURCES[call.name] || PRIVATE_FILE_SOURCES[call.name])) return true;
  return !!fieldFact(PRIVATE_FILE_FIELDS, fn, fn.file, expr);
}

// ---------------------------------------------------------------------------
// whose file is it?


/**
 * True when `expr` (at `line` of `fn`) is the file whose method `fn` implements:
 * the `struct file *` parameter or `iocb->ki_filp` of a read/write-style
 * method. A method forwarding to itself is not a cross-file call.
 */
export function isOwnFileExpr(graph: CodeGraph, fn: FunctionFacts, expr: string): boolean {
  const e = normExpr(expr);
  const fileParam = fn.params.find((p) => /\bstruct file\s*\*$/.test(p.type));
  const kiocbParam = fn.params.find((p) => /\bstruct kiocb\s*\*$/.test(p.type));
  // a checked entry point's file is the one it does I/O on for its caller (backing_file_write_iter()'s is the backing file)
  if (CHECKED_IO[fn.name]) return false;
  const isMethod = graph.opsSlots(fn.name).some((s) => FILE_METHOD_SLOTS.has(s.slot)) || looksLikeFileMethod(graph, fn);
  if (!isMethod) return false;
  if (fileParam && e === fileParam.name) return true;
  if (kiocbParam && e === `${kiocbParam.name}->ki_filp`) return true;
  // ->readahead(struct readahead_control *rac): rac->file is the file being read ahead
  const racParam = fn.params.find((p) => /\bstruct readahead_control\s*\*$/.test(p.type));
  if (racParam && e === `${racParam.name}->file`) return true;
  return false;
}

/**
 * Without a tree we may not see the ops table: a method's signature is a
 * good hint (a read_iter/write_iter-shaped one whatever the name; the others
 * with a name that ends in the slot's).
 */
function looksLikeFileMethod(graph: CodeGraph, fn: FunctionFacts): boolean {
  const types = fn.params.map((p) => p.type.replace(/\bconst\s+/g, '').replace(/\s+/g, ' ').trim());
  const shaped = (slot: string): boolean => {
    const want = FILE_METHOD_SIGNATURES[slot]!;
    return types.length === want.length && want.every((t, i) => types[i] === t) && !slotTakenByAnother(graph, fn, slot);
  };
  if (shaped('read_iter') || shaped('write_iter')) return true;
  const slot = /_(splice_read|splice_write|mmap|fsync|read_folio)$/.exec(fn.name)?.[1];
  return !!slot && shaped(slot);
}

/**
 * The file's own ops tables are in view and fill `slot` with another
 * function: `fn` only has a method's shape (overlayfs' .fsync is ovl_fsync();
 * an ovl_real_fsync(realfile, ...) beside it is a helper it calls).
 */
function slotTakenByAnother(graph: CodeGraph, fn: FunctionFacts, slot: string): boolean {
  const tables = graph.file(fn.file)?.opsTables ?? [];
  return tables.some((t) => t.slots[slot] !== undefined && t.slots[slot] !== fn.name) && !tables.some((t) => t.slots[slot] === fn.name);
}

/** Classify what a file expression refers to, with the origin that shows it. */
export function classifyFile(graph: CodeGraph, fn: FunctionFacts, expr: string, line: number): FileClass {
  if (isOwnFileExpr(graph, fn, expr)) {
    return { kind: 'own', why: `${normExpr(expr)} is the file ${fn.name}() implements`, origin: { steps: [{ expr: normExpr(expr), file: fn.file, line, via: 'start', fn: fn.name }], root: normExpr(expr) } };
  }
  const origins = traceFile(graph, fn, expr, line);
  let unknown: Origin | undefined;
  let own: Origin | undefined;
  for (const o of origins) {
    const c = classifyRoot(graph, o);
    if (c.kind === 'backing') return c;
    if (c.kind === 'own') own ??= o;
    else unknown ??= o;
  }
  // a trace that ends where the graph stops (a parameter whose callers are not in view) may have
  // passed a field that always holds another filesystem's file: cfi->cfi_container = host_file
  for (const o of unknown ? origins : []) {
    let f: { name: string; struct: string } | undefined;
    const i = o.steps.findIndex((st) => (f = fieldFact(FOREIGN_FILE_FIELDS, graph.resolve(st.fn, st.file), st.file, st.expr)));
    if (i < 0 || !f || classifyRoot(graph, o).kind === 'own') continue;
    const st = o.steps[i]!;
    const cut = { steps: o.steps.slice(0, i + 1), root: st.expr };
    return { kind: 'backing', stack: stackFor(st.file) ?? stackFor(o.steps[0]!.file), strong: true, why: `${st.expr} is ${f.struct}'s ${f.name}, a file of another filesystem`, origin: cut };
  }
  if (own && !unknown) return { kind: 'own', why: `${own.root} is the file ${lastFn(own)}() implements`, origin: own };
  return { kind: 'unknown', origin: unknown ?? own ?? { steps: [], root: normExpr(expr) } };
}

const reopening = new Set<string>();
/** Calls handed a `struct path *` that never point it elsewhere (include/linux/path.h, fs/open.c, fs/stat.c). */
const PATH_READERS = /^(?:path_get|path_put|dentry_open|vfs_truncate|vfs_getattr|vfs_getattr_nosec|vfs_statfs|d_path|path_equal)$/;

/**
 * `dentry_open(&payload->path, ...)` where every assignment of that field in
 * the file copies the `f_path` of a file this code made for its own use
 * (big_key pins its shmem_kernel_file_setup() file's path and reopens it to
 * read the key back): the same private file, opened again. Why, or undefined.
 */
function reopenedPrivate(graph: CodeGraph, path: string, arg: string): string | undefined {
  const field = /^&\s*\w+(?:->|\.)(\w+)$/.exec(arg.trim())?.[1];
  const facts = field ? graph.file(path) : undefined;
  if (!field || !facts || reopening.has(`${path}|${field}`)) return undefined;
  reopening.add(`${path}|${field}`);
  try {
    let seen: { fn: FunctionFacts; line: number; from: string } | undefined;
    for (const f of facts.functions) {
      for (const a of f.assigns) {
        const lhs = normExpr(a.lhs);
        if (!lhs.endsWith(`->${field}`) && !lhs.endsWith(`.${field}`)) continue;
        // a call handed its address: one that only reads or pins a path leaves it as it was
        if (PATH_READERS.test(OUT_ARG.exec(a.rhs)?.[1] ?? '')) continue;
        const from = /^(.+?)(?:->|\.)f_path$/.exec(normExpr(a.rhs))?.[1];
        if (!from || classifyFile(graph, f, from, a.line).kind !== 'own') return undefined;
        seen ??= { fn: f, line: a.line, from };
      }
    }
    return seen && `${normExpr(arg)} is the path of ${seen.from}, a file ${seen.fn.name}() made for this code's own use (line ${seen.line}): opened again, still that file`;
  } finally {
    reopening.delete(`${path}|${field}`);
  }
}

function lastFn(o: Origin): string {
  return o.steps[o.steps.length - 1]!.fn;
}

function classifyRoot(graph: CodeGraph, o: Origin): FileClass {
  const last = o.steps[o.steps.length - 1]!;
  const fn = graph.resolve(last.fn, last.file);
  const root = o.root;
  const stack = stackFor(last.file) ?? stackFor(o.steps[0]!.file);
  if (stack && stack.backingFile.some((r) => r.test(root))) {
    return { kind: 'backing', stack, strong: true, why: `${root} is ${stack.id}'s backing file`, origin: o };
  }
  const call = parseCall(root) ?? parseMemberCall(root);
  const reopened = call?.name === 'dentry_open' ? reopenedPrivate(graph, last.file, call.args[0] ?? '') : undefined;
  if (reopened) return { kind: 'own', why: reopened, origin: o };
  if (call && FOREIGN_FILE_SOURCES[call.name]) {
    return { kind: 'backing', stack, strong: true, why: `${root} opens a file of another filesystem`, origin: o };
  }
  if (call && PRIVATE_FILE_SOURCES[call.name]) return { kind: 'own', why: `${root} makes a file for this code's own use`, origin: o };
  const field = fieldFact(FOREIGN_FILE_FIELDS, fn, last.file, root);
  if (field) return { kind: 'backing', stack, strong: true, why: `${root} is ${field.struct}'s ${field.name}, a file of another filesystem`, origin: o };
  const priv = fieldFact(PRIVATE_FILE_FIELDS, fn, last.file, root);
  if (priv) return { kind: 'own', why: `${root} is ${priv.struct}'s ${priv.name}, a file made for this code's own use`, origin: o };
  if (BACKING_NAME_HINT.test(root)) {
    return { kind: 'backing', stack, strong: false, why: `${root} is named like a backing/lower file`, origin: o };
  }
  if (fn && isOwnFileExpr(graph, fn, root)) return { kind: 'own', why: `${root} is ${fn.name}()'s own file`, origin: o };
  return { kind: 'unknown', origin: o };
}

export type MappingClass =
  | { kind: 'foreign'; file: FileClass & { kind: 'backing' }; origin: Origin }
  | { kind: 'own'; why: string; origin: Origin }
  | { kind: 'unknown'; origin: Origin };

/**
 * Whose page cache a mapping expression is: foreign when it is a backing
 * file's f_mapping (or its inode's i_mapping), own for a block device or the
 * filesystem's own inodes.
 */
export function traceMappingClass(graph: CodeGraph, fn: FunctionFacts, expr: string, line: number): MappingClass {
  const origins = traceMapping(graph, fn, expr, line);
  let first: MappingClass | undefined;
  for (const o of origins) {
    const root = o.root;
    const last = o.steps[o.steps.length - 1]!;
    const f2 = graph.resolve(last.fn, last.file) ?? fn;
    if (/(?:->|\.)bd_mapping$|bd_inode->i_mapping$|s_bdev->/.test(root)) {
      first ??= { kind: 'own', why: `${root} is a block device's mapping`, origin: o };
      continue;
    }
    let fileExpr: string | undefined;
    const fm = /^(.*)->f_mapping$/.exec(root);
    if (fm) fileExpr = fm[1];
    const im = /^file_inode\((.*)\)->i_mapping$/.exec(root) ?? /^(.*)->f_inode->i_mapping$/.exec(root);
    if (im) fileExpr = im[1];
    // an inode of another filesystem: a stack's lower inode (ecryptfs_inode_to_lower(), ovl_inode_real())
    const ino = fileExpr ? undefined : /^(.*)->i_mapping$/.exec(root)?.[1];
    if (ino) {
      for (const io of traceFile(graph, f2, ino, last.line)) {
        const call = parseCall(io.root);
        if (!call || !FOREIGN_INODE_SOURCES[call.name]) continue;
        const steps = [...o.steps, ...io.steps.slice(1)];
        const fc: FileClass & { kind: 'backing' } = { kind: 'backing', stack: stackFor(f2.file), strong: true, why: `${io.root} is another filesystem's inode`, origin: { steps, root: io.root } };
        return { kind: 'foreign', file: fc, origin: { steps, root: io.root } };
      }
    }
    if (fileExpr) {
      const fc = classifyFile(graph, f2, fileExpr, last.line);
      if (fc.kind === 'backing') {
        return { kind: 'foreign', file: fc, origin: { steps: [...o.steps, ...fc.origin.steps.slice(1)], root: fc.origin.root } };
      }
      first ??= fc.kind === 'own' ? { kind: 'own', why: fc.why, origin: o } : { kind: 'unknown', origin: o };
      continue;
    }
    first ??= { kind: 'unknown', origin: o };
  }
  return first ?? { kind: 'unknown', origin: { steps: [], root: normExpr(expr) } };
}

// ---------------------------------------------------------------------------
// dominance

export { blockEncloses };

/** The first call before `site` in `fn`, in a block enclosing it, that satisfies `pred`. */
export function dominatingCall(fn: FunctionFacts, site: CallSite, pred: (c: CallSite) => boolean): CallSite | undefined {
  return fn.calls.find((c) => c !== site && c.line < site.line && blockEncloses(c.block, site.block) && pred(c));
}

// ---------------------------------------------------------------------------
// credentials along call paths


export interface PathStep {
  fn: string;
  file: string;
  line: number;
}

export type CredState =
  /** A scope is in force (innermost): its cred expression says whose. */
  | { kind: 'scope'; scope: CredScope; in: FunctionFacts; path: PathStep[] }
  /** Reached from a work function: a kworker, kernel creds. */
  | { kind: 'kworker'; entry: FunctionFacts; api: string; path: PathStep[] }
  /** Reached from an entry point that runs with the calling task's creds (an ops method, a syscall); `table`: the ops table's name. */
  | { kind: 'caller'; entry: FunctionFacts; how: string; table?: string; path: PathStep[] }
  /** Reached from mount-time code (fs_context_operations): the calling task is the mounter. */
  | { kind: 'mounter'; entry: FunctionFacts; how: string; path: PathStep[] }
  /** No (more) callers known: cannot tell. */
  | { kind: 'unknown'; entry: FunctionFacts; path: PathStep[] };

/**
 * The credential state at a call on every known path to it: walks up the
 * callers until a cred scope, a kworker entry or a method entry, at most
 * `depth` calls up and `limit` paths.
 */
export function credStatesAt(graph: CodeGraph, fn: FunctionFacts, site: { line: number; creds: number[] }, depth = 5, limit = 32): CredState[] {
  const out: CredState[] = [];
  const walk = (f: FunctionFacts, s: { line: number; creds: number[] }, path: PathStep[], d: number, seen: Set<FunctionFacts>): void => {
    if (out.length >= limit) return;
    const step: PathStep = { fn: f.name, file: f.file, line: s.line };
    const p = [step, ...path];
    if (s.creds.length) {
      const scope = f.credScopes[s.creds[s.creds.length - 1]!];
      out.push(scope ? { kind: 'scope', scope, in: f, path: p } : { kind: 'unknown', entry: f, path: p });
      return;
    }
    // a hunk that starts mid-function, or lines between two hunks above the
    // site, may hide an override: cannot tell
    // (a fragment completed from the model with all its scopes placed has no such doubt)
    if (f.partial && (!f.headSeen || (!f.credsKnown && f.hidden?.some((g) => g.from < s.line)))) {
      out.push({ kind: 'unknown', entry: f, path: p });
      return;
    }
    const work = graph.workRegistrations(f.name);
    if (work.length) {
      out.push({ kind: 'kworker', entry: f, api: work[0]!.api, path: p });
      return;
    }
    const slots = graph.opsSlots(f.name);
    const worker = slots.find((s) => WORKER_SLOTS[`${s.table.struct}.${s.slot}`]);
    if (worker) {
      out.push({ kind: 'kworker', entry: f, api: `${worker.table.struct}.${worker.slot}`, path: p });
      return;
    }
    if (slots.length && slots.every((s) => COMMAND_CONTEXT_TABLES[s.table.struct])) {
      out.push({ kind: 'unknown', entry: f, path: p });
      return;
    }
    const mount = slots.find((s) => MOUNT_TIME_OPS.has(s.table.struct) || CONFIG_SLOTS.get(s.table.struct)?.has(s.slot));
    if (mount) {
      out.push({ kind: 'mounter', entry: f, how: `${mount.table.struct}.${mount.slot}`, path: p });
      return;
    }
    if (slots.length || /^(compat_)?sys_/.test(f.name)) {
      const how = slots.length ? `${slots[0]!.table.struct}.${slots[0]!.slot}` : 'syscall';
      out.push({ kind: 'caller', entry: f, how, ...(slots.length ? { table: slots[0]!.table.name } : {}), path: p });
      return;
    }
    const callers = graph.callers(f.name).filter((e) => graph.resolve(f.name, e.caller.file) === f);
    // an entry known to run as the task whose I/O it serves (its callers, in view or not, are that task's path)
    const entry = CALLER_ENTRIES[f.name];
    if (entry) {
      out.push({ kind: 'caller', entry: f, how: entry.how, path: p });
      return;
    }
    if (!callers.length || d <= 0) {
      out.push({ kind: 'unknown', entry: f, path: p });
      return;
    }
    for (const e of callers) {
      if (seen.has(e.caller)) continue;
      walk(e.caller, e.site, p, d - 1, new Set([...seen, e.caller]));
    }
  };
  walk(fn, site, [], depth, new Set([fn]));
  return out;
}

export { stackFor } from '../kb/index.js';
