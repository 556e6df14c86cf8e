// RAW_RW_ITER: a direct ->read_iter()/->write_iter() (or ->read, ->write,
// ->splice_*, __kernel_read/write, call_*_iter, a hand ->read_folio) on a
// file other than the one being implemented, with no rw_verify_area() on
// the way: LSM and fanotify permission/pre-content hooks never run.

import {
  classifyFile,
  defineRule,
  dominatingCall,
  isOwnFileExpr,
  kb,
  normExpr,
  originWitness,
  traceFile,
  traceMappingClass,
  type FileClass,
  type CallSite,
  type CodeGraph,
  type Confidence,
  type RuleContext,
  type FunctionFacts,
  type WitnessStep,
  lower,
} from '../../src/engine/rule-api.js';

export default defineRule({
  id: 'raw-rw-iter',
  meta: {
    type: 'RAW_RW_ITER',
    level: 'ERROR',
    confidence: 'high',
    description: "A direct ->read_iter()/->write_iter() call on another filesystem's file skips rw_verify_area(), so LSM and fanotify hooks never run.",
    messages: {
      raw: '{{call}} on {{file}} skips rw_verify_area(): security_file_permission() and the fanotify permission/pre-content hooks never run; use {{useInstead}}',
      rawUnknown: '{{call}} on {{file}}, a file kreview cannot trace to its owner, skips rw_verify_area(): if another filesystem owns it, its LSM and fanotify hooks never run; use {{useInstead}}',
      rerouted: 'this patch drops {{removed}} on {{file}} and does the I/O with the raw {{call}} here, which skips rw_verify_area() (LSM and fanotify hooks); keep {{removed}} or use {{useInstead}}',
      reroutedKeep: 'this patch drops {{removed}} on {{file}} and does the I/O with the raw {{call}} here, which skips rw_verify_area() (LSM and fanotify hooks); keep {{removed}}',
      verifyDropped: 'this patch drops {{check}} from {{fn}}(), so {{call}} on {{file}} runs with no rw_verify_area(): security_file_permission() and the fanotify permission/pre-content hooks never run; keep the check',
      widened: 'this patch widens the condition under which {{caller}}() calls {{callee}}(), so more I/O on {{file}} takes its raw {{call}}, which skips rw_verify_area() (LSM and fanotify hooks); use {{useInstead}} there, or keep the old condition',
    },
    questions: {
      rawUnknown: "This calls {{call}} on {{file}} directly. Whose file is that? If it belongs to another filesystem, rw_verify_area() is skipped, and its LSM and fanotify hooks with it; could this use {{useInstead}}?",
      raw: 'This calls {{call}} on {{file}} directly, which skips rw_verify_area() and with it the LSM and fanotify permission hooks. Could it use {{useInstead}} instead?',
      rerouted: 'This replaces {{removed}} on {{file}} with a raw {{call}}, which skips the rw_verify_area() checks (LSM, fanotify) that {{removed}} ran. Could it keep {{removed}}, or use {{useInstead}}?',
      reroutedKeep: 'This replaces {{removed}} on {{file}} with a raw {{call}}, which skips the rw_verify_area() checks (LSM, fanotify) that {{removed}} ran. Could it keep {{removed}}?',
      verifyDropped: 'This drops {{check}} from {{fn}}(), but {{call}} on {{file}} is still there and leaves that check to its callers. Without it, do the LSM and fanotify hooks still run for this I/O?',
      widened: 'The wider condition sends more requests to {{callee}}(), whose raw {{call}} on {{file}} skips rw_verify_area() (LSM, fanotify). Could that path use {{useInstead}} first?',
    },
    // it reports only at a raw I/O call
    triggers: [{ calls: Object.keys(kb.RAW_IO) }],
    references: [
      { title: 'Christoph Hellwig: raw ->read_iter/->write_iter calls bypass rw_verify_area() and fanotify (linux-erofs)', url: 'https://lore.kernel.org/r/af2kDfHe0B3LnvVm@infradead.org' },
      { title: 'The erofs thread behind the rules: "erofs: use the opener\'s credential when verifing metadata accesses"', url: 'https://lore.kernel.org/r/20260505155615.2719500-1-hsiangkao@linux.alibaba.com' },
      { title: 'Commit f2fed441c69b ("loop: stop using vfs_iter_{read,write} for buffered I/O")' },
      { title: 'fs/read_write.c: rw_verify_area(), vfs_iocb_iter_read(), vfs_iocb_iter_write()', url: 'https://elixir.bootlin.com/linux/v6.12/source/fs/read_write.c' },
      { title: 'drivers/block/loop.c: lo_rw_aio()', url: 'https://elixir.bootlin.com/linux/v6.12/source/drivers/block/loop.c' },
    ],
  },
  create(ctx) {
    /** In the VFS core: a raw call whose rw_verify_area() on the same file, in the same function, this patch removes. */
    function verifyDropped(fn: FunctionFacts, site: CallSite, raw: kb.RawIo): void {
      const fileExpr = fileOf(site, raw);
      if (!fileExpr) return;
      const dropped = ctx.removedCalls.find((r) => r.site.callee === 'rw_verify_area' && r.fn.file === fn.file && r.fn.name === fn.name && !!r.site.args[1] && normExpr(r.site.args[1]) === normExpr(fileExpr))?.site;
      if (!dropped) return;
      if (dominatingCall(fn, site, (c) => c.callee === 'rw_verify_area' && sameFile(c.args[1], fileExpr, fn))) return;
      const call = callText(site);
      ctx.report({
        messageId: 'verifyDropped',
        data: { call, file: normExpr(fileExpr), fn: fn.name, check: `rw_verify_area(${dropped.args.join(', ')})` },
        at: { file: fn.file, line: site.line },
        key: `verifyDropped|${site.callee}|${normExpr(fileExpr)}`,
        confidence: 'high',
        witness: [
          { kind: 'call', text: `removed: ${fn.name}() called rw_verify_area(${dropped.args.join(', ')})`, file: fn.file, line: dropped.line },
          { kind: 'call', text: `${fn.name}() still calls ${call}, which leaves the check to its callers`, file: fn.file, line: site.line },
          { kind: 'note', text: 'no rw_verify_area() on this file before the call any more', file: fn.file, line: site.line },
        ],
      });
    }

    return {
      call(site, fn) {
        if (fn.file === kb.BACKING_FILE_IMPL.file && kb.BACKING_FILE_IMPL.raw.has(site.callee)) return;
        const raw = kb.RAW_IO[site.callee]!;
        // the VFS read/write implementation checks before it dispatches: what a patch can break
        // there is the check itself (do_sendfile() losing its rw_verify_area(READ, ...) leaves
        // do_splice_direct() and splice_file_to_pipe(), which leave the check to their callers)
        if (kb.VFS_CORE_FILES[fn.file]) return verifyDropped(fn, site, raw);
        // a hand ->read_folio() reads the file whose mapping it is, whatever cookie it is handed
        const mapping = raw.file.from === 'mapping' && site.receiver ? traceMappingClass(ctx.graph, fn, site.receiver, site.line) : undefined;
        if (mapping?.kind === 'own') return;
        const viaMapping = mapping?.kind === 'foreign' ? mapping : undefined;
        const fileExpr = viaMapping ? site.receiver : fileOf(site, raw);
        if (!fileExpr || /^NULL$/.test(fileExpr)) return;
        if (!viaMapping && isOwnFileExpr(ctx.graph, fn, fileExpr)) return;
        // a generic helper beside a direct method call on the same file in the same function (coda's
        // `copy_splice_read(host, ...)` fallback next to `host->f_op->splice_read(host, ...)`): one
        // hazard, told at the method call
        if (raw.helper && fn.calls.some((c) => c !== site && c.kind === 'member' && kb.RAW_IO[c.callee] && !kb.RAW_IO[c.callee]!.helper && sameFile(fileOf(c, kb.RAW_IO[c.callee]!), fileExpr, fn))) return;
        // rw_verify_area() on this file first, in this function
        const checkedFile = viaMapping ? (/^(.*)->f_mapping$/.exec(normExpr(fileExpr))?.[1] ?? fileExpr) : fileExpr;
        const guard = dominatingCall(fn, site, (c) => c.callee === 'rw_verify_area' && sameFile(c.args[1], checkedFile, fn));
        if (guard) return;
        // ...or in every caller (the syscall-level submitters check before they dispatch)
        const unchecked = uncheckedCallers(ctx, fn, 3, new Set());
        if (!unchecked) return;
        // A syscall-level submitter checks the request's file before it
        // dispatches (in the function, or in its caller): what a patch can
        // break there is the check, or a new raw call in a function seen
        // whole that has none.
        // Or a path from where the submitter starts a request (its ops-table
        // entry) down to the raw call that meets no rw_verify_area(): a new
        // helper called before the check, a check moved into a branch.
        let entryPath: { fn: FunctionFacts; callee: string; line: number }[] | undefined;
        if (kb.SYSCALL_SUBMITTER_FILES[fn.file]) {
          const checkRemoved = ctx.removedCalls.some((r) => r.site.callee === 'rw_verify_area' && r.fn.file === fn.file);
          // (a new helper's callers must be seen for that: fs/io_uring.c's loop_rw_iter() was
          // called from io_read()/io_write() after their rw_verify_area(), above the hunks)
          const callers = ctx.graph.callers(fn.name);
          const newUnchecked = !fn.partial && addedSite(ctx, site) && !fn.calls.some((c) => c.callee === 'rw_verify_area') && callers.every((e) => !e.caller.partial || e.caller.filled);
          if (!checkRemoved && !newUnchecked) {
            entryPath = unguardedPath(ctx.graph, fn, 4);
            if (!entryPath) return;
            // the request's direction, as the path's own checks name it (rw_verify_area(READ, ...) where it is
            // done): loop_rw_iter()'s ->write() is not on a read request's path
            const dirs = new Set(entryPath.flatMap((s) => s.fn.calls.filter((c) => c.callee === 'rw_verify_area').map((c) => c.args[0])));
            if (dirs.size === 1 && ((dirs.has('READ') && raw.dir === 'write') || (dirs.has('WRITE') && raw.dir === 'read'))) return;
          }
        }
        let cls: FileClass = viaMapping ? { ...viaMapping.file, origin: viaMapping.origin } : classifyFile(ctx.graph, fn, fileExpr, site.line);
        // a file handed in by the caller whose call is not checked: told through that caller (the
        // checked ones are not where the hazard is), when it says as much of the file
        const up = unchecked[0];
        const param = !viaMapping && up && IDENT_RE.test(normExpr(fileExpr)) ? fn.params.findIndex((p) => p.name === normExpr(fileExpr)) : -1;
        const arg = param >= 0 ? up!.site.args[param] : undefined;
        if (arg !== undefined && cls.origin.steps[1]?.fn !== up!.caller.name) {
          const there = classifyFile(ctx.graph, up!.caller, arg, up!.site.line);
          if (there.kind === cls.kind || there.kind === 'backing') {
            const [first, ...rest] = there.origin.steps;
            cls = { ...there, origin: { ...there.origin, steps: [cls.origin.steps[0]!, { ...first!, via: `argument ${param + 1} of ${fn.name}()` }, ...rest] } };
          }
        }
        if (cls.kind === 'own') return;
        // __kernel_read()/__kernel_write() (and the old __vfs_read()) are the VFS's deliberate unchecked helpers for files the
        // kernel opened for itself (core dumps, process accounting, autofs's pipe): report them only
        // on another filesystem's file, outside those users
        if (raw.helper && (cls.kind !== 'backing' || kb.KERNEL_OWN_FILE_IO[fn.file])) return;
        const call = callText(site);
        // A file whose owner the trace does not reach, dispatched to through its f_op outside the
        // VFS: code that implements a file calls its own methods by name, so whatever file this
        // is, it is not this code's (a grep of v6.12 for f_op->(read|write)(_iter)?( outside fs/*.c:
        // io_uring/rw.c, a submitter; loop, target_core_file, backing-file.c, nfs localio, all on
        // another filesystem's file)
        const dispatched = cls.kind === 'unknown' && !raw.helper && raw.file.from !== 'mapping' && !kb.isVfsSide(fn.file) && !kb.SYSCALL_SUBMITTER_FILES[fn.file];
        // the same for a mapping's ->read_folio() called through its a_ops: a mapping's owner calls
        // its own read_folio by name, and v6.12 has no hand a_ops->read_folio() outside mm/
        // (readahead.c), so a hand call elsewhere drives another filesystem's read path
        const handFolio = cls.kind === 'unknown' && raw.file.from === 'mapping' && site.kind === 'member' && !fn.file.startsWith('mm/') && !kb.isVfsSide(fn.file);
        const witness: WitnessStep[] = [{ kind: 'call', text: `${fn.name}() calls ${call} directly`, file: fn.file, line: site.line }];
        witness.push(...originWitness(cls.origin.steps));
        if (cls.kind === 'backing') witness.push({ kind: 'note', text: cls.why, file: fn.file, line: site.line });
        else if (handFolio) witness.push({ kind: 'note', text: kb.handReadFolioWhy(normExpr(site.receiver ?? fileExpr)), file: fn.file, line: site.line });
        else if (dispatched) witness.push({ kind: 'note', text: `${normExpr(fileExpr)} is reached through its f_op, not by name: not a file ${fn.name}() implements, so another filesystem's (where it comes from is not in view)`, file: fn.file, line: site.line });
        else witness.push({ kind: 'note', text: `${normExpr(fileExpr)} is not the file ${fn.name}() implements`, file: fn.file, line: fn.line });
        // the call that opens the unchecked path, when the patch adds it and leaves the raw call alone
        for (const e of addedSite(ctx, site) ? [] : unchecked.filter((x) => addedSite(ctx, x.site)).slice(0, 1)) witness.push({ kind: 'call', text: `${e.caller.name}() calls ${e.callee.name}() with no rw_verify_area() before it`, file: e.caller.file, line: e.site.line });
        for (const step of entryPath ?? []) witness.push({ kind: 'call', text: `${step.fn.name}() calls ${step.callee}() with no rw_verify_area() before it`, file: step.fn.file, line: step.line });
        witness.push({ kind: 'note', text: 'no rw_verify_area() on this file before the call, here or in the callers', file: fn.file, line: fn.line });
        let confidence: Confidence = cls.kind === 'backing' && cls.strong ? 'high' : 'medium';
        // a checked call on the same file that this patch removed: the I/O was re-routed to this raw call
        const roots = new Set(traceFile(ctx.graph, fn, fileExpr, site.line).map((o) => o.root));
        // ...and the patch sends the I/O this way: the raw call is on an added line, or an added call leads to it
        const removed =
          reroutedHere(ctx, fn, site) &&
          ctx.removedCalls.find(({ fn: f, site: s }) => {
            const io = kb.CHECKED_IO[s.callee];
            if (!io || io.dir === otherDir(raw.dir) || s.callee === site.callee) return false;
            const arg = s.args[io.fileArg];
            // followed where it was: the pre-image (its callers may be gone with it, lo_write_simple() with lo_write_bvec())
            return !!arg && traceFile(ctx.beforeGraph ?? ctx.graph, f, arg, s.line).some((o) => roots.has(o.root));
          });
        const data = { call, file: normExpr(checkedFile), useInstead: raw.useInstead };
        // named by the file the trace reaches when it reaches one (a kiocb's ki_filp set from req->ns->file is that
        // file: the same hazard when the code moves into a helper that sets the kiocb up)
        const keyFile = !viaMapping && roots.size === 1 && /(->|\.)ki_filp$/.test(normExpr(checkedFile)) ? normExpr([...roots][0]!) : normExpr(checkedFile);
        const key = `${site.callee}|${keyFile}`;
        if (removed) {
          // named by the file the checked call was given (the raw call may reach it through a local)
          const removedFile = normExpr(removed.site.args[kb.CHECKED_IO[removed.site.callee]!.fileArg] ?? fileExpr);
          ctx.report({
            messageId: `${removed.site.callee}()` === raw.useInstead ? 'reroutedKeep' : 'rerouted',
            data: { ...data, file: removedFile, removed: `${removed.site.callee}()` },
            at: { file: fn.file, line: site.line },
            key: `rerouted|${key}|${removed.site.callee}`,
            siteKey: key,
            confidence,
            witness: [{ kind: 'call', text: `removed: ${removed.fn.name}() called ${removed.site.callee}(${removed.site.args.join(', ')})`, file: removed.fn.file, line: removed.site.line }, ...witness],
          });
        }
        // ...or the call that leads here is the same, under a condition the patch widened (`if (a)` to
        // `if (a || b)`): requests that took another path now take this raw call
        const widened = !removed && !addedSite(ctx, site) ? widenedGuard(ctx, fn, site) : undefined;
        if (widened) {
          ctx.report({
            messageId: 'widened',
            // named by where the file comes from (the raw call's own local says little at the condition)
            data: { ...data, file: cls.origin.root || data.file, caller: widened.caller.name, callee: widened.site.callee },
            at: { file: widened.caller.file, line: widened.site.guardLine! },
            key: `widened|${widened.caller.name}|${widened.site.callee}|${normExpr(checkedFile)}`,
            siteKey: key,
            function: widened.caller.name,
            confidence: lower(confidence),
            witness: [
              { kind: 'call', text: `before: ${widened.caller.name}() called ${widened.site.callee}() if ${widened.old}`, file: widened.caller.file, line: widened.site.guardLine! },
              { kind: 'call', text: `now: if ${widened.site.guard}`, file: widened.caller.file, line: widened.site.guardLine! },
              ...widened.path.map((p) => ({ kind: 'call' as const, text: `${p.fn.name}() calls ${p.callee}()`, file: p.fn.file, line: p.line })),
              ...witness,
            ],
          });
        }
        // a file whose owner the graph cannot tell (not a backing file, not one this code made): a CHECK, shown with --strict
        // (a submitter's request file is the user's: any filesystem's)
        if (cls.kind === 'unknown' && !dispatched && !handFolio && !kb.SYSCALL_SUBMITTER_FILES[fn.file]) ctx.report({ messageId: 'rawUnknown', level: 'CHECK', data, at: { file: fn.file, line: site.line }, key, confidence: 'low', witness });
        else ctx.report({ messageId: 'raw', data, at: { file: fn.file, line: site.line }, key, confidence, witness });
      },
    };
  },
});

/** Is this call one the patch adds? */
function addedSite(ctx: RuleContext, site: CallSite): boolean {
  return ctx.addedCalls.some((a) => a.site === site);
}

/** Does the patch send I/O to this raw call: is it on an added line, or does an added call lead to its function (three calls deep)? */
function reroutedHere(ctx: RuleContext, fn: FunctionFacts, site: CallSite): boolean {
  if (addedSite(ctx, site)) return true;
  const leadsHere = (name: string, from: string, depth: number, seen: Set<FunctionFacts>): boolean => {
    const t = ctx.graph.resolve(name, from);
    if (!t || seen.has(t)) return false;
    if (t === fn) return true;
    if (depth <= 1) return false;
    seen.add(t);
    return t.calls.some((c) => c.kind === 'direct' && leadsHere(c.callee, t.file, depth - 1, seen));
  };
  return ctx.addedCalls.some((a) => a.site.kind === 'direct' && leadsHere(a.site.callee, a.fn.file, 3, new Set()));
}

/**
 * A call on the way to the raw call's function (up to three callers up)
 * that the pre-image made too, with the same arguments, under a narrower
 * condition: the patch added an `||` alternative or dropped an `&&` term.
 * Only conditions both images show are compared (the embedded model keeps
 * none).
 */
function widenedGuard(ctx: RuleContext, fn: FunctionFacts, site: CallSite): { caller: FunctionFacts; site: CallSite; old: string; path: { fn: FunctionFacts; callee: string; line: number }[] } | undefined {
  if (ctx.image !== 'post') return undefined;
  const check = (caller: FunctionFacts, s: CallSite) => {
    if (!s.guard || s.guardLine === undefined) return undefined;
    const pre = ctx.before(caller);
    const args = s.args.map(normExpr).join(',');
    const old = pre?.calls.find((c) => c.callee === s.callee && c.args.map(normExpr).join(',') === args);
    return old?.guard && widens(old.guard, s.guard) ? old.guard : undefined;
  };
  const own = check(fn, site);
  if (own) return { caller: fn, site, old: own, path: [] };
  let frontier: { fn: FunctionFacts; path: { fn: FunctionFacts; callee: string; line: number }[] }[] = [{ fn, path: [] }];
  const seen = new Set<FunctionFacts>([fn]);
  for (let d = 0; d < 3 && frontier.length; d++) {
    const next: typeof frontier = [];
    for (const f of frontier) {
      for (const { caller, site: cs } of ctx.graph.callers(f.fn.name)) {
        if (seen.has(caller) || ctx.graph.resolve(f.fn.name, caller.file) !== f.fn) continue;
        seen.add(caller);
        const old = check(caller, cs);
        if (old) return { caller, site: cs, old, path: f.path };
        next.push({ fn: caller, path: [{ fn: caller, callee: f.fn.name, line: cs.line }, ...f.path] });
      }
    }
    frontier = next;
  }
  return undefined;
}

/** The top-level `op` pieces of a condition, outer parentheses dropped, white space collapsed. */
function condTerms(cond: string, op: '||' | '&&'): string[] {
  const strip = (t: string): string => {
    t = t.trim();
    while (t.startsWith('(') && t.endsWith(')') && closes(t)) t = t.slice(1, -1).trim();
    return t.replace(/\s+/g, ' ');
  };
  const t = strip(cond);
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && t.startsWith(op, i)) {
      out.push(strip(t.slice(from, i)));
      from = i + 2;
      i++;
    }
  }
  out.push(strip(t.slice(from)));
  return out;
}

/** Does the first `(` of t close at its last character? */
function closes(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')' && --depth === 0) return i === t.length - 1;
  }
  return false;
}

/** `now` holds whenever `old` did, and more often: an alternative added to `old`'s, or a term of `old`'s dropped. */
function widens(old: string, now: string): boolean {
  if (old.startsWith('!') !== now.startsWith('!')) return false;
  if (old.startsWith('!')) return widensNeg(old.slice(1), now.slice(1));
  const o = condTerms(old, '||');
  const n = condTerms(now, '||');
  if (n.length > o.length && o.every((t) => n.includes(t))) return true;
  const oa = condTerms(old, '&&');
  const na = condTerms(now, '&&');
  return oa.length > na.length && na.every((t) => oa.includes(t));
}

/** The else branch of `if (c)`: it runs more often when `c` holds less often (an `&&` term added, an `||` alternative dropped). */
function widensNeg(old: string, now: string): boolean {
  const oa = condTerms(old, '&&');
  const na = condTerms(now, '&&');
  if (na.length > oa.length && oa.every((t) => na.includes(t))) return true;
  const o = condTerms(old, '||');
  const n = condTerms(now, '||');
  return o.length > n.length && n.every((t) => o.includes(t));
}

function fileOf(site: CallSite, raw: kb.RawIo): string | undefined {
  if (raw.file.from === 'receiver') return site.receiver;
  return site.args[raw.file.from === 'mapping' ? raw.file.cookieArg : raw.file.index];
}

function callText(site: CallSite): string {
  return site.kind === 'member' ? `->${site.callee.split('->').pop()}()` : `${site.callee}()`;
}

function otherDir(d: 'read' | 'write'): 'read' | 'write' {
  return d === 'read' ? 'write' : 'read';
}

function sameFile(arg: string | undefined, fileExpr: string, fn: FunctionFacts): boolean {
  if (!arg) return false;
  const a = normExpr(arg);
  const b = normExpr(fileExpr);
  if (a === b) return true;
  // one is a local assigned from the other: struct file *file = req->file;
  return fn.assigns.some((x) => (normExpr(x.lhs) === a && normExpr(x.rhs) === b) || (normExpr(x.lhs) === b && normExpr(x.rhs) === a));
}

/**
 * A chain of calls from a request's entry (a function an ops table names,
 * or a non-static one nothing here calls) down to `fn` on which no call is
 * preceded by rw_verify_area(), up to `depth` callers, every function seen
 * whole or completed from the model: the innermost call first. None when
 * every path up meets a check, or ends where the graph cannot tell.
 */
function unguardedPath(graph: CodeGraph, fn: FunctionFacts, depth: number, seen = new Set<FunctionFacts>()): { fn: FunctionFacts; callee: string; line: number }[] | undefined {
  if (fn.partial && !fn.filled) return undefined;
  if (graph.opsSlots(fn.name).length) return [];
  if (depth <= 0) return undefined;
  const callers = graph.callers(fn.name).filter((e) => graph.resolve(fn.name, e.caller.file) === fn && !seen.has(e.caller));
  // a submitter's non-static function that nothing here calls is a request's entry too: its
  // table is elsewhere (io_uring/opdef.c, which the model does not hold)
  if (!callers.length && !fn.static && seen.size) return [];
  for (const { caller, site } of callers) {
    if ((caller.partial && !caller.filled) || dominatingCall(caller, site, (c) => c.callee === 'rw_verify_area')) continue;
    const up = unguardedPath(graph, caller, depth - 1, new Set([...seen, fn]));
    if (up) return [{ fn: caller, callee: fn.name, line: site.line }, ...up];
  }
  return undefined;
}

const IDENT_RE = /^[A-Za-z_]\w*$/;

/**
 * A way up the callers (three deep) that meets no rw_verify_area(): the
 * calls on it, nearest first (empty: the function's own callers are not in
 * view, or the search ran out of depth), or undefined when every caller
 * checks first (the syscall-level submitters do, before they dispatch).
 * A call the patch adds is tried first: that is the path it opens.
 */
function uncheckedCallers(ctx: RuleContext, fn: FunctionFacts, depth: number, seen: Set<FunctionFacts>): { caller: FunctionFacts; callee: FunctionFacts; site: CallSite }[] | undefined {
  if (depth <= 0) return [];
  const graph = ctx.graph;
  const callers = graph.callers(fn.name).filter((e) => graph.resolve(fn.name, e.caller.file) === fn && !seen.has(e.caller));
  if (!callers.length) return [];
  const order = [...callers.filter((e) => addedSite(ctx, e.site)), ...callers.filter((e) => !addedSite(ctx, e.site))];
  for (const { caller, site } of order) {
    if (dominatingCall(caller, site, (c) => c.callee === 'rw_verify_area')) continue;
    const up = uncheckedCallers(ctx, caller, depth - 1, new Set([...seen, fn]));
    if (up) return [{ caller, callee: fn, site }, ...up];
  }
  return undefined;
}
