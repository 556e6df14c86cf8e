// BACKING_FILE_CREDS: a stacked filesystem (or loop-like driver) touching its
// backing file (I/O, permission checks, getattr, fsync, page-cache reads)
// under the wrong credentials: the calling task's instead of the mounter's,
// kernel creds where the stack uses the mounter's, credentials captured as a
// value from the wrong task, or an override_creds() that some path never
// reverts. Each stack's principal is in src/kb/stacks.ts; cachefiles does its
// data I/O under its caller's creds by design and its namespace, metadata
// and space work as the cache (see README.md, "cachefiles").

import {
  baseType,
  classifyFile,
  credStatesAt,
  defineRule,
  DROPPED_REVERT,
  kb,
  lower,
  NEW_CALL_DEPTH,
  normExpr,
  originWitness,
  parseCall,
  splitMember,
  splitTernary,
  traceCred,
  traceFile,
  type CallSite,
  type CodeGraph,
  type Confidence,
  type CredScope,
  type CredState,
  type FunctionFacts,
  type OriginStep,
  type RuleContext,
  type WitnessStep,
} from '../../src/engine/rule-api.js';

/** Accesses to a file other than read/write I/O that run permission checks or reach the filesystem. */
const OTHER_ACCESS: Record<string, { fileArg: number; also?: number; what: string; path?: boolean }> = kb.table({
  rw_verify_area: { fileArg: 1, what: 'permission check' },
  vfs_getattr: { fileArg: 0, what: 'getattr', path: true },
  vfs_getattr_nosec: { fileArg: 0, what: 'getattr', path: true },
  vfs_fsync: { fileArg: 0, what: 'fsync' },
  vfs_fsync_range: { fileArg: 0, what: 'fsync' },
  vfs_fallocate: { fileArg: 0, what: 'fallocate' },
  vfs_truncate: { fileArg: 0, what: 'truncate', path: true },
  // SEEK_DATA/SEEK_HOLE reach the backing filesystem (overlayfs ovl_llseek() runs it under ovl_override_creds())
  vfs_llseek: { fileArg: 0, what: 'seek' },
  // reading a real directory runs the lower filesystem's ->iterate_shared() and its checks (overlayfs ovl_dir_read(), under ovl_iterate()'s override)
  iterate_dir: { fileArg: 0, what: 'readdir' },
  // the other operations a stack passes on to its backing file's filesystem, each of which
  // that filesystem may check or act on as the caller (FUSE sends the caller's uid/gid, NFS
  // writes back as them): overlayfs runs every one under ovl_override_creds() (ovl_flush(),
  // ovl_fadvise(), ovl_copyfile() in 6.12's fs/overlayfs/file.c). Not an ioctl: its
  // capability checks are the caller's to pass, and overlayfs dropped the override around
  // vfs_ioctl() for that reason ("ovl: make ioctl() safe", v5.11: as the mounter, a user
  // could set flags the capability check had refused); nor locks and leases, which check
  // the file's mode, not credentials.
  vfs_fadvise: { fileArg: 0, what: 'fadvise' },
  vfs_clone_file_range: { fileArg: 0, also: 2, what: 'clone' },
  vfs_dedupe_file_range_one: { fileArg: 0, also: 2, what: 'dedupe' },
  'f_op->flush': { fileArg: 0, what: 'flush' },
  'f_op->fsync': { fileArg: 0, what: 'fsync' },
  'f_op->fallocate': { fileArg: 0, what: 'fallocate' },
  'f_op->llseek': { fileArg: 0, what: 'seek' },
  'f_op->fadvise': { fileArg: 0, what: 'fadvise' },
  // mapping the backing file runs its filesystem's ->mmap(), which may check the mapper
  // (fs/backing-file.c backing_file_mmap() wraps call_mmap() in override_creds(ctx->cred))
  call_mmap: { fileArg: 0, what: 'mmap' },
  'f_op->mmap': { fileArg: 0, what: 'mmap' },
});

/** How many callers up the other paths into a helper a new caller uses are followed (credStatesAt() stops at 5). */
const OTHER_PATHS_DEPTH = 8;

/** Calls that take the running task's credentials (include/linux/cred.h; kernel/cred.c prepare_creds() copies them). */
const CURRENT_CALLS = new Set(['current_cred', 'get_current_cred', 'current_real_cred', 'prepare_creds']);

/** Calls whose value a stack may keep as the credentials of its backing file's I/O (`ff->cred = get_current_cred()`). */
const CRED_CAPTURES = ['get_current_cred', 'prepare_creds', 'current_cred', 'prepare_kernel_cred'];
/** A reference taken on credentials given as a value (`ff->cred = get_cred(file->f_cred)`). */
const CRED_REFS = ['get_cred'];

/**
 * kernel/cred.c: prepare_kernel_cred(daemon) copies daemon's credentials, or
 * init's when it is NULL: the kernel's own, with every capability. The
 * argument says whose: `current` (a daemon registering itself) is the task.
 */
function kernelCredsOf(rhs: string): boolean {
  const m = /^prepare_kernel_cred\((.*)\)$/.exec(rhs);
  return !!m && /^(?:&\s*init_task|NULL|0)$/.test(m[1]!.trim());
}

export default defineRule({
  id: 'backing-file-creds',
  meta: {
    type: 'BACKING_FILE_CREDS',
    level: 'WARNING',
    confidence: 'high',
    // whose credentials reach an access is the path's: moving the line into a helper the same
    // path calls changes nothing (a helper called from elsewhere is judged there, as new)
    hazardOf: 'path',
    description: "A stacked filesystem touches its backing file under the wrong credentials: the calling task's instead of the mounter's, or an unbalanced override_creds().",
    messages: {
      callerCreds: "{{what}} on {{file}}, {{noun}}, runs with the calling task's credentials (reached from {{entry}}); {{stack}} must use {{credHint}}",
      wrongPrincipal: '{{what}} on {{file}}, {{noun}}, runs under {{cred}}, but {{stack}} must use {{credHint}}',
      ctxCred: 'backing_file ctx.cred is {{cred}} here: {{noun}} would be accessed with {{whose}}; {{stack}} must use {{credHint}}',
      capturedCreds: "{{target}} takes the credentials of the task that runs {{entry}} ({{cred}}); {{stack}} later accesses {{noun}} with them, where it must use {{credHint}}",
      keptOpenerCreds: '{{target}} is set to {{cred}}, {{whose}}; {{stack}} later accesses {{noun}} with them, where it must use {{credHint}}',
      keptKernelCreds: '{{target}} is set to kernel credentials ({{cred}}); {{stack}} later accesses {{noun}} with them, where it must use {{credHint}}',
      unbalanced: '{{api}}({{cred}}) on line {{start}} is not reverted when this {{how}} leaves {{fn}}(): the task keeps the overridden credentials',
      revertDeleted: 'this patch deletes the revert of {{api}}({{cred}}) on line {{start}}: nothing else in {{fn}}() reverts it, so the task keeps the overridden credentials when it returns',
      unbalancedContinue: '{{api}}({{cred}}) on line {{start}} is not reverted before this continue: the next pass of the loop in {{fn}}() switches again over the overridden credentials, and the task never gets its own back',
      savedNotRestored: '{{saved}} keeps the credentials of line {{start}} for {{revert}}() on line {{end}}, to undo what {{callee}}() switched to; this {{how}} leaves {{fn}}() without restoring them: the task keeps whatever credentials {{callee}}() installed',
      outsideStackCreds: "{{what}} on the cache runs outside {{credHint}} (reached from {{entry}}): {{stack}} does its namespace, metadata and space work as the cache",
      openCreds: "{{api}}() opens {{noun}} with {{cred}}: {{stack}} opens its files with {{credHint}}, and its I/O relies on that",
      dataCreds: "{{what}} on {{file}}, {{noun}}, now runs under {{cred}}: {{stack}} does its data I/O with its caller's credentials by design; a change of principal is its maintainer's call",
      switchRemoved: 'this patch drops {{removed}}: {{what}} on {{target}} now runs under {{cred}}; {{stack}} must use {{credHint}}',
      switchNarrowed: 'this patch moves {{what}} on {{target}} out of {{removed}}: it now runs under {{cred}}; {{stack}} must use {{credHint}}',
      scopeCreds: '{{api}}({{cred}}) switches to {{value}}; {{stack}} must use {{credHint}} for {{noun}}',
      newCaller: 'this call reaches {{what}} in {{helper}}() on {{target}} with no credential switch on the way: it runs under {{cred}}; {{stack}} must use {{credHint}}',
    },
    questions: {
      callerCreds: "Whose credentials are in force when {{what}} touches {{file}} here? As far as I can tell this is reached from {{entry}} with the calling task's creds; shouldn't {{stack}} use {{credHint}}?",
      wrongPrincipal: "This accesses {{file}}, {{noun}}, under {{cred}}. Shouldn't {{stack}} use {{credHint}} here?",
      ctxCred: "Setting ctx.cred to {{cred}} makes the I/O on {{noun}} run with {{whose}}. Shouldn't {{stack}} use {{credHint}}?",
      capturedCreds: "{{target}} now holds the credentials of whoever runs {{entry}}. Isn't {{noun}} later accessed with them? I'd expect {{stack}} to use {{credHint}}.",
      keptOpenerCreds: "{{target}} now holds {{cred}}, the credentials of whoever opened that file. Isn't {{noun}} later accessed with them? I'd expect {{stack}} to use {{credHint}}.",
      keptKernelCreds: "{{target}} now holds kernel credentials. Doesn't every later access to {{noun}} then run with all capabilities, whoever asked? I'd expect {{stack}} to use {{credHint}}.",
      unbalanced: "Doesn't this {{how}} leave {{fn}}() with the credentials from {{api}}() still overridden? It looks like the revert is skipped on this path.",
      revertDeleted: "Where do the credentials from {{api}}() get reverted now? This patch deletes the revert, and I can't find another one in {{fn}}().",
      unbalancedContinue: "Doesn't this continue skip this pass's revert? The next pass calls {{api}}() again on top of the overridden credentials, so the task's own are never restored.",
      savedNotRestored: "Doesn't this {{how}} leave {{fn}}() without {{revert}}({{saved}}), keeping the credentials {{callee}}() may have installed?",
      outsideStackCreds: "Shouldn't {{what}} run inside cachefiles_begin_secure(), as the rest of cachefiles' namespace and space work does? Reached from {{entry}}, it runs as the netfs caller.",
      openCreds: "{{api}}() opens {{noun}} with {{cred}} here. Doesn't {{stack}} rely on opening its files with {{credHint}}?",
      dataCreds: "This changes whose credentials cachefiles' data I/O runs under ({{cred}}). Is that intended? It runs under its caller's credentials today.",
      switchRemoved: "Without {{removed}}, whose credentials does {{what}} on {{target}} run with? As far as I can tell {{cred}}; shouldn't {{stack}} use {{credHint}}?",
      switchNarrowed: "{{what}} on {{target}} is no longer inside {{removed}}: whose credentials does it run with? As far as I can tell {{cred}}; shouldn't {{stack}} use {{credHint}}?",
      scopeCreds: "{{api}}({{cred}}) switches to {{value}}. Shouldn't {{stack}} use {{credHint}} here?",
      newCaller: "This new call reaches {{what}} in {{helper}}() on {{target}} with no credential switch on the way. Doesn't that run under {{cred}}? I'd expect {{stack}} to use {{credHint}}.",
    },
    // an override to balance, or an access to a stack's backing file (I/O, metadata and namespace work, opens)
    triggers: [
      { credScopes: true },
      // credentials saved on entry and restored after a callee switched them (nfsd_file_acquire_local())
      { calls: Object.keys(kb.CRED_REVERTS) },
      {
        calls: [...Object.keys(kb.CHECKED_IO), ...Object.keys(kb.RAW_IO), ...Object.keys(OTHER_ACCESS), ...Object.keys(kb.NAMESPACE_OPS), ...Object.keys(kb.OPENS_WITH_CREDS), ...CRED_CAPTURES, ...CRED_REFS, ...kb.STACKS.flatMap((st) => Object.keys(st.layerWrappers ?? {}))],
        where: (p) => !!credStackFor(p),
      },
      // backing-file.c's helpers newer than the knowledge base (backing_file_fallocate()): the ctx they take says whose creds
      { callsMatching: /^backing_file_\w+$/, where: (p) => !!credStackFor(p) },
      // a layer inode's own method called by hand (accessOf())
      { callsMatching: /^i_op->\w+$/, where: (p) => !!credStackFor(p)?.layerOps },
    ],
    references: [
      { title: 'Christoph Hellwig: the filesystem, not the triggering task, accesses the backing file (linux-erofs)', url: 'https://lore.kernel.org/r/af2c4X1YCB7NEb8p@infradead.org' },
      { title: 'Tatsuyuki Ishi: the backing file is opened with the mounter\'s credentials', url: 'https://lore.kernel.org/r/CABqzrSNDWO90LY6m4AhipDDq5szygKuZ2x_mFEVir_reyaB+pg@mail.gmail.com' },
      { title: 'Gao Xiang: loop uses kernel credentials, erofs the mounter\'s', url: 'https://lore.kernel.org/r/98133825-30a0-4519-a0b0-8054ed02490c@linux.alibaba.com' },
      { title: 'Commit 905eeb2b7c33 ("erofs: impersonate the opener\'s credentials when accessing backing file")' },
      { title: 'fs/backing-file.c: backing_file_read_iter() switches to ctx->cred', url: 'https://elixir.bootlin.com/linux/v6.12/source/fs/backing-file.c' },
      { title: 'kernel/cred.c: override_creds(), revert_creds()', url: 'https://elixir.bootlin.com/linux/v6.12/source/kernel/cred.c' },
    ],
  },
  create(ctx) {
    // Files the patch touches (every file visitor runs before the functions): a helper there is
    // under review itself, reached from the changed code, and judged at its own access
    const touched = new Set<string>();
    // the lines the patch wrote, per file (in the post-image)
    const changed = new Map<string, ReadonlySet<number>>();
    // call sites (function:line) a finding about a removed switch or a new call path already explains
    const explained = new Set<string>();
    // findings on a path a call the patch adds creates, held to end(): one per block of added calls
    const newPaths = new Map<string, { d: Parameters<typeof ctx.report>[0]; what: string }[]>();
    /** Does the patch add a call on this line of this function (an override, a capture, a call on the path)? */
    const addedAt = (fn: FunctionFacts, line: number): boolean => ctx.addedCalls.some((a) => a.fn === fn && a.site.line === line);
    const isAdded = (site: CallSite): boolean => ctx.addedCalls.some((a) => a.site === site);
    /** Does the patch write any line of this function? */
    const rewritten = (f: FunctionFacts): boolean => [...(changed.get(f.file) ?? [])].some((l) => l >= f.line && l <= f.endLine);
    return {
      file(f, changedLines) {
        touched.add(f.path);
        if (changedLines) changed.set(f.path, changedLines);
      },
      function(fn) {
        unbalanced(fn);
        savedNotRestored(fn);
        const stack = credStackFor(fn.file);
        if (!stack || ctx.image !== 'post') return;
        removedSwitches(fn, stack);
        scopeCreds(fn, stack);
        newCallers(fn);
      },
      call(site, fn) {
        // (a revert is a trigger everywhere, for savedNotRestored(); the accesses are the stacks')
        const stack = credStackFor(fn.file);
        if (!stack) return;
        if (CRED_CAPTURES.includes(site.callee)) return capturedCreds(fn, site, stack);
        if (CRED_REFS.includes(site.callee)) return keptOpenerCreds(fn, site, stack);
        if (kb.OPENS_WITH_CREDS[site.callee] && (stack.namespaceOps || !kb.NAMESPACE_OPS[site.callee])) return openCreds(fn, site, stack);
        const access = accessOf(fn, site, stack);
        if (!access) return;
        if (access.ctxArg !== undefined) return ctxCred(fn, site, access.ctxArg, stack);
        const states = credStatesAt(ctx.graph, fn, site).filter((s) => !s.path.some((p) => explained.has(`${p.fn}:${p.line}`)));
        // of the paths judged wrong, one through a call the patch adds first (a new caller of the
        // helper beside a worker's old path: nfs localio's commit run inline by the committer)
        const judged = states.map((s) => judge(s, stack, access)).filter((j) => j !== undefined);
        const viaAdded = (j: Verdict): boolean => j.state.path.slice(0, -1).some((p) => ctx.addedCalls.some((a) => a.fn.name === p.fn && a.fn.file === p.file && a.site.line === p.line));
        const bad = (judged[0]?.state.kind === 'kworker' ? judged.find((j) => j.state.kind !== 'kworker' && viaAdded(j)) : undefined) ?? judged[0];
        if (!bad) return;
        let confidence: Confidence = access.strong ? 'high' : 'medium';
        if (bad.state.kind === 'kworker' || bad.lower) confidence = lower(confidence);
        // an access on a line the patch leaves alone, made wrong by a call the patch adds on the
        // way to it: the hazard is that call, told once at its line (every access below it is one finding)
        // (or by a switch the patch adds around it, to the wrong credentials: told at the switch)
        const st = bad.state;
        const switchStep = !isAdded(site) && st.kind === 'scope' && addedAt(st.in, st.scope.startLine) ? { file: st.in.file, line: st.scope.startLine } : undefined;
        const pathStep = isAdded(site) || switchStep ? undefined : bad.state.path.slice(0, -1).find((p) => ctx.addedCalls.some((a) => a.fn.name === p.fn && a.fn.file === p.file && a.site.line === p.line));
        const addedStep = isAdded(site)
          ? undefined
          : (switchStep ??
            pathStep ??
            // (or by the credentials a line the patch wrote hands down to the switch: `helper(file, current_cred())`)
            (st.kind === 'scope' ? bad.extra?.find((w) => w.kind === 'origin' && w.file && changed.get(w.file)?.has(w.line)) : undefined));
        // Several calls the patch adds in one block, each on a new path to an access under the same wrong
        // credentials (nfs localio's inline write: the write, then the getattr): one missing switch, told
        // once, at the first of them, after every call is seen
        const added = pathStep ? ctx.addedCalls.find((a) => a.fn.name === pathStep.fn && a.fn.file === pathStep.file && a.site.line === pathStep.line) : undefined;
        const report = (d: Parameters<typeof ctx.report>[0]): void => {
          if (!added) return ctx.report(d);
          const group = `${d.messageId}|${st.kind}|${st.path[0]?.fn ?? ''}|${added.fn.file}|${added.fn.name}|${added.site.block}`;
          const held = newPaths.get(group) ?? [];
          held.push({ d: { ...d, function: fn.name, ...(fn.partial ? { partial: true } : {}) }, what: `${access.what}, through ${added.site.callee}()` });
          newPaths.set(group, held);
        };
        report({
          messageId: bad.messageId,
          ...(bad.messageId === 'dataCreds' ? { level: 'CHECK' as const } : {}),
          data: { what: access.what, file: access.file, noun: access.noun ?? nounOf(stack), entry: bad.entry, stack: stack.id, credHint: stack.credHint, cred: bad.cred },
          at: addedStep ? { file: addedStep.file, line: addedStep.line } : { file: fn.file, line: site.line },
          // by kind of access, not API: switching read_cache_page() to read_mapping_folio() keeps the hazard
          // the stack's backing file however it is spelt (sbi->fdev in one image, buf->file in the other)
          key: `${bad.messageId}|${bad.whose ? `${bad.whose}|` : ''}${accessKey(site)}|${access.strong && access.kind !== 'namespace' ? `${stack.id} backing file` : access.file}`,
          confidence,
          witness: [...stateWitness(bad, fn, site), ...originWitness(access.origin)],
        });
      },
      end() {
        for (const held of newPaths.values()) {
          const [first, ...more] = [...held].sort((a, b) => a.d.at.line - b.d.at.line);
          const others = more.filter((h) => h.d.at.line !== first!.d.at.line);
          ctx.report(others.length ? { ...first!.d, witness: [...first!.d.witness, ...others.map((h) => ({ kind: 'note' as const, text: `the same missing switch: ${h.what} at line ${h.d.at.line}`, file: h.d.at.file, line: h.d.at.line }))] } : first!.d);
          for (const h of more) if (h.d.at.line === first!.d.at.line) ctx.report(h.d);
        }
      },
    };

    function unbalanced(fn: FunctionFacts): void {
      for (const sc of fn.credScopes) {
        if (sc.kind === 'scoped' || sc.nested || !sc.leaks.length) continue;
        // A fragment (a hunk of a function) may simply not show its end, or the
        // revert: with no revert shown, only a return reached from the override
        // through shown lines counts. A whole function that never reverts is
        // told at its end.
        // A fragment completed from the model has every call on the lines it
        // does not show: a return those lines do not revert before is seen.
        const form = kb.credForm(sc.api);
        const unreverted = (l: { line: number }): boolean =>
          fn.filled && form ? !fn.calls.some((c) => c.line > sc.startLine && c.line < l.line && kb.revertsForm(form, c.callee)) : !fn.hidden?.some((g) => g.from > sc.startLine && g.from <= l.line);
        // every way out (a new one beside an old one is the patch's, and the old one must not hide it)
        const found = fn.partial
          ? sc.leaks.filter((l) => (l.kind !== 'end' && (sc.revertLine !== undefined || (l.kind === 'return' && unreverted(l)))) || (l.kind === 'end' && l.text === DROPPED_REVERT))
          : sc.revertLine === undefined
            ? [sc.leaks.find((l) => l.kind === 'end') ?? sc.leaks[0]!]
            : sc.leaks;
        for (const leak of found) {
          const how = leak.kind === 'return' || leak.kind === 'goto' || leak.kind === 'break' ? leak.kind : 'path (end of function)';
          // a form that makes its own creds (nfs4_save_creds(&original)) is named by its call, the creds described
          const own = !!form && typeof form.cred === 'object' && 'fixed' in form.cred && !!sc.saved;
          const arg = form?.keptInObject ? sc.saved : `&${sc.saved}`;
          ctx.report({
            messageId: leak.kind === 'continue' ? 'unbalancedContinue' : leak.kind === 'end' && leak.text === DROPPED_REVERT ? 'revertDeleted' : 'unbalanced',
            data: { api: sc.api, cred: own ? arg! : sc.cred, start: String(sc.startLine), how, fn: fn.name },
            // at the exit when the patch wrote it; at the switch it added when the exit is old code
            // (an override moved above an existing early return)
            at: { file: fn.file, line: !changed.get(fn.file)?.has(leak.line) && changed.get(fn.file)?.has(sc.startLine) ? sc.startLine : leak.line },
            key: `unbalanced|${sc.api}|${normExpr(sc.cred)}|${leak.kind}|${normExpr(leak.text)}`,
            witness: [
              { kind: 'scope', text: own ? `${sc.api}(${arg}): ${sc.cred}` : `${sc.saved ? `${sc.saved} = ` : ''}${sc.api}(${sc.cred})`, file: fn.file, line: sc.startLine },
              { kind: 'note', text: `leaves without ${sc.kind === 'paired' ? `${kb.credForm(sc.api)?.reverts?.[0] ?? 'its end'}()` : 'revert_creds()'}: ${leak.text}`, file: fn.file, line: leak.line },
              ...(sc.revertLine ? [{ kind: 'scope' as const, text: 'the revert this path skips', file: fn.file, line: sc.revertLine }] : []),
            ],
          });
        }
      }
    }

    /**
     * `save = get_current_cred(); ... callee(); revert_creds(save);`: the
     * credentials in force on entry are kept so that what a callee switched
     * to can be undone (nfsd_file_acquire_local() around fh_verify_local()'s
     * nfsd_setuser()). A return or goto the patch adds between a call and
     * that revert leaves with whatever the callee switched to.
     */
    function savedNotRestored(fn: FunctionFacts): void {
      for (const rv of fn.calls) {
        if (!kb.isCredRevert(rv.callee) || kb.PAIRED_REVERTS.has(rv.callee)) continue;
        const v = rv.args[rv.args.length - 1]?.trim();
        if (!v || !/^\w+$/.test(v)) continue;
        const saved = fn.assigns.filter((a) => normExpr(a.lhs) === v && a.line < rv.line && /^(get_current_cred|current_cred)\(\s*\)$/.test(normExpr(a.rhs))).pop();
        // the creds saved by an override of this function are its own scope's business
        if (!saved || fn.credScopes.some((sc) => sc.saved === v)) continue;
        const labels = new Map(fn.labels ?? []);
        for (const e of fn.exits ?? []) {
          const [line, label] = typeof e === 'number' ? [e, undefined] : e;
          if (line <= saved.line || line >= rv.line) continue;
          const to = label === undefined ? undefined : labels.get(label);
          if (label !== undefined && (to === undefined || to <= rv.line)) continue;
          // restored on the way, or nothing called yet that could have switched
          if (fn.calls.some((c) => c.line > saved.line && c.line < line && kb.isCredRevert(c.callee))) continue;
          const callee = fn.calls.find((c) => c.line > saved.line && c.line <= line && c.kind === 'direct' && !/^(get_current_cred|current_cred|get_cred|put_cred)$/.test(c.callee));
          if (!callee) continue;
          const how = label === undefined ? 'return' : 'goto';
          ctx.report({
            messageId: 'savedNotRestored',
            data: { saved: v, start: String(saved.line), revert: rv.callee, end: String(rv.line), callee: callee.callee, how, fn: fn.name },
            at: { file: fn.file, line },
            key: `savedNotRestored|${v}|${how}`,
            witness: [
              { kind: 'scope', text: `${v} = ${normExpr(saved.rhs)}`, file: fn.file, line: saved.line },
              { kind: 'call', text: `${callee.callee}() may switch the task's credentials`, file: fn.file, line: callee.line },
              { kind: 'note', text: `leaves without ${rv.callee}(${v})`, file: fn.file, line },
              { kind: 'scope', text: 'the restore this path skips', file: fn.file, line: rv.line },
            ],
          });
          break;
        }
      }
    }

    /** backing_file ctx.cred (a designated initialiser or an assignment), the value followed to where it was taken. */
    function ctxCred(fn: FunctionFacts, site: CallSite, ctxArg: number, stack: kb.Stack): void {
      const ctxName = normExpr(site.args[ctxArg] ?? '');
      const a = fn.assigns.find((x) => normExpr(x.lhs) === `${ctxName}.cred` || normExpr(x.lhs) === `${ctxName}->cred`);
      if (!a) return;
      const j = credJudgement(fn, a.rhs, callAt(fn, a.line), stack);
      // the task's own creds, wherever they are taken, unless that is the stack's principal there
      if (!(j.kind === 'bad' || (j.kind === 'unknown' && j.current))) return;
      ctx.report({
        messageId: 'ctxCred',
        data: { cred: j.value, whose: j.whose, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: a.line },
        key: `ctxCred|${site.callee}|${j.root}`,
        ...(j.kind === 'unknown' && !j.local ? { confidence: 'medium' as const } : {}),
        witness: [
          ...j.witness,
          { kind: 'scope', text: `${normExpr(a.lhs)} = ${normExpr(a.rhs)}`, file: fn.file, line: a.line },
          { kind: 'call', text: `${site.callee}() switches to ctx->cred for the backing file`, file: fn.file, line: site.line },
        ],
      });
    }

    /**
     * `ff->cred = get_current_cred()`: credentials kept for the backing file's
     * I/O, taken from whoever runs this (a file open, a syscall), not from the
     * stack's principal. The stack's daemon capturing its own creds
     * (FUSE_DEV_IOC_BACKING_OPEN's prepare_creds()) is the design. Where the
     * path is not known, a patch that replaces the stack's own credentials
     * with the task's is still one.
     */
    function capturedCreds(fn: FunctionFacts, site: CallSite, stack: kb.Stack): void {
      if (stack.principal !== 'stack') return keptForSwitch(fn, site, stack);
      if (site.callee === 'prepare_kernel_cred') return keptKernelCreds(fn, site, stack);
      let a = fn.assigns.find((x) => x.line === site.line && stack.goodCreds.some((r) => r.test(normExpr(x.lhs))) && unwrapPassthrough(normExpr(x.rhs)).startsWith(site.callee));
      // `cred = prepare_creds(); ... cmpxchg(&fb->cred, NULL, cred)`: a local stored into the field later
      if (!a) {
        const local = fn.assigns.find((x) => x.line === site.line && /^\w+$/.test(normExpr(x.lhs)) && unwrapPassthrough(normExpr(x.rhs)).startsWith(site.callee));
        const v = local && normExpr(local.lhs);
        const stored = v ? storedInto(fn, v, site.line, (lhs) => stack.goodCreds.some((r) => r.test(lhs))) : undefined;
        if (!stored) return keptForSwitch(fn, site, stack);
        a = { lhs: stored.lhs, rhs: normExpr(local!.rhs), line: local!.line };
      }
      const lhs = normExpr(a.lhs);
      const states = credStatesAt(ctx.graph, fn, site);
      const bad = states.find((st) => st.kind === 'caller' && !daemonEntry(st, stack));
      // before the patch, the same field held the stack's own credentials
      const replaced = !bad && states.every((st) => st.kind === 'unknown') ? ctx.before(fn)?.assigns.find((x) => normExpr(x.lhs) === lhs && goodCred(stack, normExpr(x.rhs))) : undefined;
      if (!(bad?.kind === 'caller') && !replaced) return;
      const entry = bad?.kind === 'caller' ? `${bad.path[0]?.fn ?? fn.name}() (${bad.how})` : `${fn.name}()`;
      ctx.report({
        messageId: 'capturedCreds',
        data: { target: lhs, cred: normExpr(a.rhs), entry, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: a.line },
        key: `capturedCreds|${lhs}|${site.callee}`,
        ...(replaced ? { confidence: 'medium' as const } : {}),
        witness: [
          ...(bad?.kind === 'caller' ? callerPath(bad) : []),
          ...(replaced ? [{ kind: 'note' as const, text: `before this patch, line ${replaced.line}: ${lhs} = ${normExpr(replaced.rhs)}`, file: fn.file, line: a.line }] : []),
          { kind: 'scope', text: `${lhs} = ${normExpr(a.rhs)}: the ${bad ? 'calling ' : ''}task's credentials, kept`, file: fn.file, line: a.line },
        ],
      });
    }

    /**
     * The task's own credentials, taken on a line the patch adds, kept in a
     * field (directly, through a local, or handed to a helper that stores its
     * parameter: `nfs_local_iocb_alloc(hdr, file, current_cred(), ...)` with
     * `iocb->cred = get_cred(cred)`) that a switch the patch leaves alone
     * makes the credentials of the backing file's I/O (`override_creds(iocb->cred)`
     * in the work item): judged by whose they are where they are taken.
     */
    function keptForSwitch(fn: FunctionFacts, site: CallSite, stack: kb.Stack): void {
      if (site.callee === 'prepare_kernel_cred' || !isAdded(site)) return;
      const taken = (e: string): boolean => unwrapPassthrough(normExpr(e)).startsWith(`${site.callee}(`);
      // where the value goes: a field here, a local stored into one, or a helper's parameter it stores
      let field: { lhs: string; fn: FunctionFacts; line: number } | undefined;
      const direct = fn.assigns.find((x) => x.line === site.line && taken(x.rhs));
      if (direct && splitMember(normExpr(direct.lhs))) field = { lhs: normExpr(direct.lhs), fn, line: direct.line };
      else if (direct && /^\w+$/.test(normExpr(direct.lhs))) {
        const st = storedInto(fn, normExpr(direct.lhs), site.line, (lhs) => !!splitMember(lhs));
        if (st) field = { lhs: st.lhs, fn, line: st.line };
      }
      if (!field) {
        for (const c of fn.calls) {
          if (c.line !== site.line || c === site || c.kind !== 'direct') continue;
          const k = c.args.findIndex(taken);
          const h = k >= 0 ? ctx.graph.resolve(c.callee, fn.file) : undefined;
          const p = h?.params[k]?.name;
          if (!h || !p) continue;
          const st = h.assigns.find((x) => splitMember(normExpr(x.lhs)) && unwrapPassthrough(normExpr(x.rhs)) === p);
          if (st) {
            field = { lhs: normExpr(st.lhs), fn: h, line: st.line };
            break;
          }
        }
      }
      const f = field && splitMember(field.lhs);
      if (!field || !f) return;
      const type = baseType(field.fn, f.base);
      // a switch to that field, in the files of the two functions, that the patch does not add
      let sw: { scope: CredScope; in: FunctionFacts } | undefined;
      for (const path of new Set([fn.file, field.fn.file])) {
        for (const w of ctx.graph.file(path)?.functions ?? []) {
          for (const sc of w.credScopes) {
            const m = splitMember(normExpr(sc.cred));
            if (!m || m.field !== f.field || sc.nested) continue;
            const t = baseType(w, m.base);
            if (type && t && t !== type) continue;
            if (addedAt(w, sc.startLine)) continue;
            sw ??= { scope: sc, in: w };
          }
        }
      }
      if (!sw) return;
      const bad = credStatesAt(ctx.graph, fn, site).find((st) => st.kind === 'caller' && !daemonEntry(st, stack));
      if (bad?.kind !== 'caller') return;
      const entry = `${bad.path[0]?.fn ?? fn.name}() (${bad.how})`;
      ctx.report({
        messageId: 'capturedCreds',
        data: { target: field.lhs, cred: normExpr(site.callee) + '()', entry, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: site.line },
        key: `keptForSwitch|${f.field}|${site.callee}`,
        confidence: 'medium',
        witness: [
          ...callerPath(bad),
          { kind: 'origin', text: `${field.lhs} = ${site.callee}()${field.fn !== fn ? ` (stored by ${field.fn.name}())` : ''}`, file: field.fn.file, line: field.line },
          { kind: 'scope', text: `${sw.scope.api}(${sw.scope.cred}) in ${sw.in.name}()`, file: sw.in.file, line: sw.scope.startLine },
        ],
      });
    }

    /**
     * `ff->cred = get_cred(file->f_cred)` on a line the patch adds: the field
     * that holds the stack's principal for its backing file's I/O (FUSE's
     * `ff->cred`, which every backing_file_*() call switches to) now holds
     * the credentials of whoever opened the stack's own file, a user.
     */
    function keptOpenerCreds(fn: FunctionFacts, site: CallSite, stack: kb.Stack): void {
      if (stack.principal !== 'stack' || !isAdded(site)) return;
      const a = fn.assigns.find((x) => x.line === site.line && stack.goodCreds.some((r) => r.test(normExpr(x.lhs))) && normExpr(x.rhs).startsWith(`${site.callee}(`));
      const arg = site.args[0];
      if (!a || !arg) return;
      const j = ownFileOpener(fn, normExpr(arg), site.line);
      if (!j) return;
      const lhs = normExpr(a.lhs);
      // the hint names the very field this line sets ("... (ff->cred)"): say what the field is for instead
      const named = ` (${lhs})`;
      const credHint = stack.credHint.includes(named) ? `${stack.credHint.replace(named, '')}, which is what ${lhs} is for` : stack.credHint;
      ctx.report({
        messageId: 'keptOpenerCreds',
        data: { target: lhs, cred: normExpr(arg), whose: j.whose, noun: nounOf(stack), stack: stack.id, credHint },
        at: { file: fn.file, line: a.line },
        key: `keptOpenerCreds|${lhs}`,
        confidence: 'medium',
        witness: [...j.witness, { kind: 'scope', text: `${lhs} = ${normExpr(a.rhs)}: kept for the backing file's I/O`, file: fn.file, line: a.line }],
      });
    }

    /**
     * `fb->cred = prepare_kernel_cred(&init_task)`: kernel credentials kept
     * where the stack keeps its principal's for the backing file's I/O (the
     * FUSE daemon's, the mounter's): every later access runs with all
     * capabilities, whoever asked. Whoever runs this does not matter. A
     * stack whose own creds derive from the kernel's (cachefiles' cache_cred,
     * whose goodCreds take kernel) is not asked; prepare_kernel_cred(current)
     * copies the task's own (the daemon registering itself): not kernel creds.
     */
    function keptKernelCreds(fn: FunctionFacts, site: CallSite, stack: kb.Stack): void {
      if (goodCred(stack, 'kernel')) return;
      const a = fn.assigns.find((x) => x.line === site.line && stack.goodCreds.some((r) => r.test(normExpr(x.lhs))) && unwrapPassthrough(normExpr(x.rhs)).startsWith(site.callee));
      if (!a) return;
      const rhs = unwrapPassthrough(normExpr(a.rhs));
      if (!kernelCredsOf(rhs)) return;
      const lhs = normExpr(a.lhs);
      ctx.report({
        messageId: 'keptKernelCreds',
        data: { target: lhs, cred: normExpr(a.rhs), noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: a.line },
        key: `keptKernelCreds|${lhs}`,
        witness: [{ kind: 'scope', text: `${lhs} = ${normExpr(a.rhs)}: kernel credentials, kept for ${nounOf(stack)}'s I/O`, file: fn.file, line: a.line }],
      });
    }

    /**
     * A file a stack opens with credentials other than its own: cachefiles
     * opens every cache file with cache->cache_cred; the others must not hand
     * the task's own credentials to backing_file_open() (they become the
     * backing file's f_cred, which the lower filesystem checks its I/O against).
     */
    function openCreds(fn: FunctionFacts, site: CallSite, stack: kb.Stack): void {
      // the opener as the code at hand declares it, when it does: a patch of its own
      // (kernel_file_open(path, flags, inode, cred) before v6.9) moves the cred
      const def = ctx.graph.resolve(site.callee, fn.file);
      // (of two, the one it opens with: `cred`, or the last; backing_tmpfile_open(user_path, user_cred,
      // ..., cred) in a 2026 series keeps the user's beside the one the backing file gets)
      const credParams = def?.params.flatMap((p, i) => (/\bstruct\s+cred\b/.test(p.type) ? [{ i, name: p.name }] : [])) ?? [];
      const declared = def?.params.length ? (credParams.find((p) => p.name === 'cred') ?? credParams[credParams.length - 1])?.i ?? -1 : undefined;
      if (declared === -1) return;
      const arg0 = site.args[declared ?? kb.OPENS_WITH_CREDS[site.callee]!.credArg];
      if (!arg0) return;
      // NULL for an opener that then takes a default (`if (!cred) cred = user_file->f_cred;`, a
      // series' own backing_file_open()): the default, with the opener's parameters as this call's arguments
      const dflt = def && declared !== undefined && /^(?:NULL|0)$/.test(normExpr(arg0)) ? nullDefault(def, declared, site.args) : undefined;
      const arg = dflt?.expr ?? arg0;
      // a layer open with current_cred() in a function the patch leaves alone is wrong only by the
      // path to it: told where the patch changed that path (removedSwitches(), newCallers(), which
      // take it as an access), not here on a line outside the patch
      if (stack.layerOps && !rewritten(fn) && /^(?:get_)?current_cred\(\)$/.test(normExpr(arg))) return;
      const j = credJudgement(fn, arg, site, stack);
      if (j.kind === 'good') return;
      // outside cachefiles, only credentials shown to be the wrong task's
      if (!stack.namespaceOps && j.kind !== 'bad') return;
      // an open on a line the patch leaves alone, handed the credentials a caller takes on a line the patch adds: told there
      const added = isAdded(site) ? undefined : j.witness.find((w) => w.file && ctx.addedCalls.some((a) => a.fn !== fn && a.fn.file === w.file && a.site.line === w.line));
      ctx.report({
        messageId: 'openCreds',
        data: { api: site.callee, cred: j.kind === 'bad' ? `${j.value}, ${j.whose}` : j.value, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: added ? { file: added.file!, line: added.line! } : { file: fn.file, line: site.line },
        key: `openCreds|${site.callee}|${j.root}`,
        witness: [
          ...j.witness,
          ...(dflt ? [{ kind: 'origin' as const, text: `${arg0}: ${site.callee}() then takes ${dflt.spelt}`, file: def!.file, line: dflt.line }] : []),
          { kind: 'call', text: `${fn.name}() calls ${site.callee}(${site.args.join(', ')})`, file: fn.file, line: site.line },
        ],
      });
    }

    /**
     * What an opener's credentials parameter becomes when it is handed NULL: the
     * first assignment to it in the opener, when that reads a parameter (or is a
     * call), written in the caller's arguments.
     */
    function nullDefault(def: FunctionFacts, index: number, args: readonly string[]): { expr: string; spelt: string; line: number } | undefined {
      const name = def.params[index]?.name;
      if (!name) return undefined;
      const a = def.assigns.filter((x) => normExpr(x.lhs) === name && !x.declType).sort((x, y) => x.line - y.line)[0];
      if (!a) return undefined;
      const rhs = normExpr(a.rhs);
      const head = /^(\w+)((?:->|\.)[\w>.-]*)?$/.exec(rhs);
      if (!head) return undefined;
      const p = def.params.findIndex((x) => x.name === head[1]);
      if (p < 0 || p === index) return undefined;
      const given = args[p] && normExpr(args[p]!);
      if (!given || !/^[\w>.&-]+$/.test(given) || given.startsWith('&')) return undefined;
      return { expr: `${given}${head[2] ?? ''}`, spelt: `${name} = ${rhs}`, line: a.line };
    }

    /**
     * The patch removes a switch of credentials (an override, a scoped form, or
     * a backing_file_*() call, which switches to ctx->cred) that covered an
     * access to the backing file, and the access, or the call that leads to
     * it, stays with nothing in its place: judged by whose credentials are then
     * in force (the callers' as far as the graph knows them). An override the
     * patch adds elsewhere with the same credentials may be the same one moved.
     */
    function removedSwitches(fn: FunctionFacts, stack: kb.Stack): void {
      const pre = ctx.before(fn);
      if (!pre) return;
      const args = (c: CallSite): string => c.args.map(normExpr).join(',');
      const switches: { removed: string; kept?: boolean; movedTo?: CallSite; key: string; at: CallSite; covered: CallSite[]; own?: boolean }[] = [];
      pre.credScopes.forEach((ps, i) => {
        if (ps.nested) return;
        const cred = normExpr(ps.cred);
        const good = goodCred(stack, cred);
        // still there, perhaps spelt otherwise (ovl_override_creds(inode->i_sb) for ovl_override_creds(file_inode(file)->i_sb))
        const same = (x: CredScope): boolean => normExpr(x.cred) === cred || (good && goodCred(stack, normExpr(x.cred)));
        // still there: only an access it no longer covers (the override narrowed to one branch)
        // (or replaced in place: `old_cred = override_creds(od->cred)` written where `old_cred =
        // ovl_override_creds(sb)` was, the same switch to other credentials, judged as such)
        const keptAs = fn.credScopes.find((x) => x.api === ps.api || same(x)) ?? fn.credScopes.find((x) => !x.nested && !!ps.saved && x.saved === ps.saved && x.kind === ps.kind && addedAt(fn, x.startLine));
        // a fragment completed from the model that still makes the override call, where the scope it
        // opens is not placed (its revert moved): narrowed at most, not dropped
        const preArg = pre.calls.find((pc) => pc.line === ps.startLine && pc.callee === ps.api)?.args[0];
        if (!keptAs && fn.partial && preArg !== undefined && fn.calls.some((c) => c.callee === ps.api && !isAdded(c) && normExpr(c.args[0] ?? '') === normExpr(preArg))) return;
        const kept = !!keptAs;
        // the override the patch moved: the line a reviewer answers on (the access itself is context)
        const movedTo = keptAs && ctx.addedCalls.find((a) => a.fn === fn && a.site.line === keptAs.startLine)?.site;
        // which calls a kept switch covers is known where both images show every scope whole, or
        // where the patch moved it and shows it whole (override and revert in its hunks)
        if (kept) {
          const preKnown = !pre.partial || !!pre.credsKnown;
          const whole = preKnown && (!fn.partial || !!fn.credsKnown);
          const movedWhole = preKnown && !!movedTo && keptAs.revertLine !== undefined;
          if (!whole && !movedWhole) return;
        }
        // the same switch added elsewhere (moved into a caller, turned into another form); moved into
        // the helper a covered call reaches, it is judged below by what the helper now leaves uncovered
        // (cachefiles_withdraw_cookie()'s switch narrowed into cachefiles_clean_up_object()'s commit)
        const movedSame = kept ? [] : ctx.addedCalls.filter((a) => a.fn.credScopes.some((x) => x.startLine === a.site.line && same(x)));
        const at = pre.calls.find((c) => c.line === ps.startLine && !c.creds.includes(i));
        if (!at) return;
        // A function shown in two hunks has its override in one and its revert in
        // the other, each parsed alone: the calls between the override and the
        // one revert of its saved creds were under it all the same
        // (the same on the post side: a scope kept whose revert its image has only as a call is
        // still in force up to that call, or the two images would differ where neither changed)
        const revertAfter = (f: FunctionFacts, sc: CredScope): number | undefined => {
          if (!f.partial || sc.revertLine !== undefined || !sc.saved || sc.kind === 'scoped') return undefined;
          const reverts = f.calls.filter((c) => c.line > sc.startLine && kb.revertsForm(kb.credForm(sc.api) ?? { kind: sc.kind, cred: { arg: 0 }, source: '' }, c.callee) && c.args.some((x) => normExpr(x) === sc.saved));
          return reverts.length === 1 ? reverts[0]!.line : undefined;
        };
        const through = revertAfter(pre, ps);
        const postThrough = keptAs ? revertAfter(fn, keptAs) : undefined;
        const covered: CallSite[] = [];
        for (const c of pre.calls) {
          if (!c.creds.includes(i) && !(through !== undefined && c.line > ps.startLine && c.line < through && !c.creds.length)) continue;
          const post = counterpart(fn, c);
          if (post && keptAs && postThrough !== undefined && post.line > keptAs.startLine && post.line < postThrough) continue;
          if (post && !post.creds.length && !covered.includes(post)) covered.push(post);
        }
        // a covered call the patch replaced by another that does the same work (open-coded
        // preparation turned into a helper call): the new call is what the switch no longer covers
        const lost = pre.calls.filter((c) => c.creds.includes(i) && c.kind === 'direct' && !counterpart(fn, c));
        if (lost.length) {
          const did = new Set(lost.flatMap((c) => reachesAccess(pre, c, stack, 3).map((h) => h.site.callee)));
          for (const a of ctx.addedCalls) {
            if (a.fn !== fn || a.site.creds.length || covered.includes(a.site) || lost.some((c) => c.callee === a.site.callee)) continue;
            if (reachesAccess(fn, a.site, stack, 3).some((h) => did.has(h.site.callee))) covered.push(a.site);
          }
        }
        const intoCallee = (a: (typeof movedSame)[number]): boolean => a.fn !== fn && covered.some((c) => c.kind === 'direct' && ctx.graph.resolve(c.callee, fn.file) === a.fn);
        if (movedSame.length && !movedSame.every(intoCallee)) return;
        switches.push({ removed: `${ps.api}(${ps.cred})`, kept: kept || movedSame.length > 0, ...(movedTo ? { movedTo } : {}), key: `${ps.api}|${cred}`, at, covered, ...(good && !kept && !movedSame.length ? { own: true } : {}) });
      });
      // backing_file_read_iter(file, ..., &ctx) switches to ctx->cred for its own access: replaced by an access on the same file
      for (const c of pre.calls) {
        const io = kb.CHECKED_IO[c.callee];
        if (io?.credCtxArg === undefined || fn.calls.some((x) => x.callee === c.callee && args(x) === args(c))) continue;
        const file = c.args[io.fileArg];
        if (!file) continue;
        const roots = fileRoots(pre, file, c.line);
        const covered: CallSite[] = [];
        for (const a of ctx.addedCalls) {
          if (a.fn !== fn || a.site.creds.length || kb.CHECKED_IO[a.site.callee]?.credCtxArg !== undefined) continue;
          const acc = accessOf(fn, a.site, stack);
          if (acc && [...fileRoots(fn, acc.fileExpr ?? acc.file, a.site.line)].some((x) => roots.has(x))) covered.push(a.site);
        }
        switches.push({ removed: `${c.callee}(), which switched to ctx->cred`, key: c.callee, at: c, covered });
      }
      for (const sw of switches) {
        for (const site of sw.covered) {
          const found = firstVerdict(fn, site, reachesAccess(fn, site, stack, 3), { removedOwn: !!sw.own });
          if (!found) continue;
          const { hit, v } = found;
          explained.add(`${fn.name}:${site.line}`);
          ctx.report({
            messageId: sw.kept ? 'switchNarrowed' : 'switchRemoved',
            data: { removed: sw.removed, what: hit.access.what, target: targetOf(hit.access, hit.stack), cred: v.desc, stack: hit.stack.id, credHint: hit.stack.credHint },
            // at the access when the patch wrote its line (a new branch outside the override), else
            // at the override it moved (the access itself is context)
            at: { file: fn.file, line: sw.movedTo && !isAdded(site) ? sw.movedTo.line : site.line },
            key: `switchRemoved|${sw.key}|${accessKey(hit.site)}|${hit.access.file}`,
            confidence: v.unknown || v.kworker ? 'medium' : hit.access.strong ? 'high' : 'medium',
            witness: [
              { kind: 'note', text: `before this patch, line ${sw.at.line}: ${sw.at.callee}(${sw.at.args.join(', ')})${sw.movedTo ? `; now at line ${sw.movedTo.line}, no longer around line ${site.line}` : ''}`, file: fn.file, line: site.line },
              ...v.witness,
              ...hitWitness(fn, site, hit),
            ],
          });
          break;
        }
      }
    }

    /**
     * A switch the patch adds that does not switch to the stack's principal,
     * where no access under it is shown (the access is on lines the hunk
     * leaves out, or in a callee): `override_creds(current_cred())`, or
     * credentials captured from another task. Judged only when the graph
     * shows whose they are, or when the patch put them where the stack's own
     * were.
     */
    function scopeCreds(fn: FunctionFacts, stack: kb.Stack): void {
      fn.credScopes.forEach((sc, i) => {
        if (sc.nested || !addedAt(fn, sc.startLine)) return;
        if (fn.calls.some((c) => c.creds.includes(i) && accessOf(fn, c, stack))) return; // judged at the access
        const j = credJudgement(fn, sc.cred, scopeSite(fn, sc), stack);
        const replaced = j.kind === 'unknown' && stack.principal !== 'kernel' ? replacedScope(fn, stack) : undefined;
        if (!(j.kind === 'bad' || (j.kind === 'unknown' && replaced))) return;
        ctx.report({
          messageId: 'scopeCreds',
          data: { api: sc.api, cred: sc.cred, value: j.kind === 'bad' ? `${j.value}: ${j.whose}` : `${j.value}, the task's own credentials, where it switched to ${replaced!.cred} before this patch`, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
          at: { file: fn.file, line: sc.startLine },
          key: `scopeCreds|${sc.api}|${j.root}`,
          ...(replaced ? { confidence: 'medium' as const } : {}),
          witness: [
            ...(replaced ? [{ kind: 'note' as const, text: `before this patch, line ${replaced.startLine}: ${replaced.api}(${replaced.cred})`, file: fn.file, line: sc.startLine }] : []),
            ...j.witness,
            { kind: 'scope', text: `${sc.saved ? `${sc.saved} = ` : ''}${sc.api}(${sc.cred})`, file: fn.file, line: sc.startLine },
          ],
        });
      });
    }

    /**
     * A call the patch adds, outside any switch, to an existing helper (in a
     * file the patch leaves alone) that touches a backing file with no switch
     * of its own: the new call path is judged, not the helper.
     */
    function newCallers(fn: FunctionFacts): void {
      const seen = new Set<string>();
      for (const a of ctx.addedCalls) {
        if (a.fn !== fn || a.site.kind !== 'direct' || a.site.creds.length || seen.has(a.site.callee)) continue;
        seen.add(a.site.callee);
        const t = ctx.graph.resolve(a.site.callee, fn.file);
        // a helper in a file the patch touches is judged at its own access, unless the patch leaves
        // the helper alone and its access is further down, in a file the patch does not touch
        // (ovl_link() calling ovl_set_redirect() in place of a wrapper that switched: the setxattr
        // is in an overlayfs.h inline)
        if (!t || t === fn || (touched.has(t.file) && rewritten(t))) continue;
        const inTouched = touched.has(t.file);
        // a call the function made before the patch too, on a rewritten line, is no new caller
        // (z_erofs_scan_folios() rewritten around its z_erofs_pcluster_begin())
        if (ctx.before(fn)?.calls.some((c) => c.callee === a.site.callee && !c.creds.length)) continue;
        const stack = kb.stackFor(t.file);
        if (!stack) continue;
        // only a path unlike the helper's others: where they all reach it under the right credentials (or there are none)
        // (an access in a file the patch touches is judged where it is, with the paths to it)
        // (NEW_CALL_DEPTH calls down: overlayfs' ovl_validate_verity() reads its digest four calls below)
        const found = firstVerdict(fn, a.site, reachesAccess(fn, a.site, stack, NEW_CALL_DEPTH).filter((h) => h.fn !== fn && !(inTouched && touched.has(h.fn.file))));
        if (!found || found.v.unknown || otherPathsWrong(found.hit, fn, a.site, !found.v.kworker)) continue;
        const { hit, v } = found;
        explained.add(`${fn.name}:${a.site.line}`);
        ctx.report({
          messageId: 'newCaller',
          data: { what: hit.access.what, target: targetOf(hit.access, hit.stack), helper: hit.fn.name, cred: v.desc, stack: hit.stack.id, credHint: hit.stack.credHint },
          at: { file: fn.file, line: a.site.line },
          key: `newCaller|${a.site.callee}|${accessKey(hit.site)}|${hit.access.file}`,
          confidence: hit.access.strong && !v.kworker ? 'high' : 'medium',
          witness: [...v.witness, ...hitWitness(fn, a.site, hit)],
        });
      }
    }

    /**
     * Does the helper's access already run under credentials the rule would
     * not vouch for on a path other than the new call (the hazard is the
     * helper's, and pre-existing), or on one it cannot follow? A kworker's
     * kernel credentials there do not excuse a new path that runs as the
     * calling user (nfs localio's commit worker, run inline by the committer):
     * that is another principal, not the same hazard.
     */
    function otherPathsWrong(hit: Hit, fn: FunctionFacts, site: CallSite, userPath: boolean): boolean {
      // asked where the path enters the helper called (the access may be a header inline below it,
      // reached from everywhere): the helper's call on the way down, or the access itself
      const top = hit.chain[0];
      const next = hit.chain[1];
      const entry = top && top !== hit.fn && next ? top.calls.find((c) => c.callee === next.name && !c.creds.length) : undefined;
      // (deeper than the paths to an access are followed: overlayfs' copy-up reaches a setxattr six calls
      // below ovl_copy_up_flags()'s switch, and a path cut short there would read as one nobody can judge)
      const others = (entry ? credStatesAt(ctx.graph, top!, entry, OTHER_PATHS_DEPTH) : credStatesAt(ctx.graph, hit.fn, hit.site, OTHER_PATHS_DEPTH)).filter((s) => !s.path.some((p) => p.fn === fn.name && p.file === fn.file && p.line === site.line));
      return others.some((s) => s.kind === 'unknown' || (!(userPath && s.kind === 'kworker') && judge(s, hit.stack, hit.access) !== undefined));
    }

    /** The call in `fn` (post-image) that a pre-image call became: same callee and arguments, the nearest. */
    function counterpart(fn: FunctionFacts, c: CallSite): CallSite | undefined {
      const args = c.args.map(normExpr).join(',');
      return fn.calls
        .filter((x) => x.callee === c.callee && x.args.map(normExpr).join(',') === args)
        .sort((x, y) => Math.abs(x.line - c.line) - Math.abs(y.line - c.line))[0];
    }

    /** The accesses to a backing file this call makes, itself or through direct calls at most `depth` deep, with no switch on the way. */
    function reachesAccess(fn: FunctionFacts, site: CallSite, stack: kb.Stack, depth: number): Hit[] {
      const acc = accessOf(fn, site, stack);
      if (acc) return acc.ctxArg === undefined ? [{ fn, site, access: acc, stack, chain: [] }] : [];
      const out: Hit[] = [];
      if (site.kind !== 'direct' || depth <= 0) return out;
      // each function once, on the first (shortest-first does not matter here: any path down will do)
      const visited = new Set<FunctionFacts>();
      const walk = (f: FunctionFacts, d: number, chain: FunctionFacts[]): void => {
        const st = kb.stackFor(f.file);
        if (!st || visited.has(f)) return;
        visited.add(f);
        for (const c of f.calls) {
          if (c.creds.length || out.length >= 8) continue;
          const acc2 = accessOf(f, c, st);
          if (acc2 && acc2.ctxArg === undefined) out.push({ fn: f, site: c, access: acc2, stack: st, chain });
        }
        if (d <= 1) return;
        for (const c of f.calls) {
          if (c.creds.length || c.kind !== 'direct') continue;
          const g = ctx.graph.resolve(c.callee, f.file);
          if (g && !chain.includes(g) && g !== fn) walk(g, d - 1, [...chain, g]);
        }
      };
      const t = ctx.graph.resolve(site.callee, fn.file);
      if (t && t !== fn) walk(t, depth, [t]);
      return out;
    }

    /** The first access of `hits` whose credentials are wrong (or unknown where that is worth saying) at the call. */
    /** removedOwn: the patch dropped the stack's own switch around the access (nothing in its place). */
    interface JudgeOptions {
      removedOwn?: boolean;
    }

    function firstVerdict(fn: FunctionFacts, site: CallSite, hits: Hit[], opts?: JudgeOptions): { hit: Hit; v: NonNullable<ReturnType<typeof verdictAt>> } | undefined {
      for (const hit of hits) {
        const v = verdictAt(fn, site, hit.stack, hit.access, opts);
        if (v) return { hit, v };
      }
      return undefined;
    }

    /** Whose credentials are in force at a call, for an access it leads to: bad on some path, unknown on all, or fine. */
    function verdictAt(fn: FunctionFacts, site: CallSite, stack: kb.Stack, access: Access, opts?: JudgeOptions): { desc: string; witness: WitnessStep[]; unknown?: true; kworker?: boolean } | undefined {
      const states = credStatesAt(ctx.graph, fn, site);
      for (const s of states) {
        const v = judge(s, stack, access, opts);
        if (!v) continue;
        if (v.messageId === 'dataCreds') continue;
        const desc = v.messageId === 'callerCreds' || v.messageId === 'outsideStackCreds' ? `the calling task's credentials (reached from ${v.entry})` : v.cred;
        return { desc, witness: stateWitness(v, fn, site), kworker: s.kind === 'kworker' };
      }
      if (!states.length || !states.every((s) => s.kind === 'unknown')) return undefined;
      // cachefiles' data I/O runs as its caller by design
      if (stack.dataIoUnderCaller && access.kind !== 'namespace') return undefined;
      return { desc: `whatever credentials the callers of ${fn.name}() have`, witness: [], unknown: true };
    }

    function hitWitness(fn: FunctionFacts, site: CallSite, hit: Hit): WitnessStep[] {
      const out: WitnessStep[] = [];
      if (hit.fn !== fn) out.push({ kind: 'call', text: `${fn.name}() calls ${site.callee}()`, file: fn.file, line: site.line });
      for (const f of hit.chain.slice(1)) out.push({ kind: 'call', text: `-> ${f.name}()`, file: f.file, line: f.line });
      out.push({ kind: 'call', text: `${hit.fn.name}(): ${hit.access.what} on ${hit.access.file}, no credential switch on the way`, file: hit.fn.file, line: hit.site.line });
      out.push(...originWitness(hit.access.origin));
      return out;
    }

    /**
     * Whose credentials an expression holds, for this stack: the stack's own
     * (good), credentials it cannot judge (other), or the task's own taken
     * somewhere (`current_cred()`, `get_current_cred()` into a field at
     * allocation, a local taken before an override), judged by whose they are
     * where they were taken.
     */
    function credJudgement(fn: FunctionFacts, expr: string, at: { line: number; creds: number[] }, stack: kb.Stack, depth = 2): CredJudgement {
      const line = at.line;
      const e = normExpr(expr);
      // `file ? file->f_cred : current_cred()`: either arm may be the one in force, and the worse decides
      const arms = splitTernary(e);
      if (arms) return worseOf([credJudgement(fn, arms.then, at, stack, depth), credJudgement(fn, arms.otherwise, at, stack, depth)], e);
      const opener = ownFileOpener(fn, e, line);
      if (opener) return opener;
      if (goodCred(stack, e)) return { kind: 'good' };
      if (e === 'kernel') return stack.principal === 'kernel' ? { kind: 'good' } : { kind: 'bad', value: 'kernel', whose: 'kernel credentials', root: 'kernel', witness: [] };
      // a field that holds a user's credentials by construction, whatever else a field of that name holds
      const user = userCredField(ctx.graph, fn, e);
      if (user) return { kind: 'bad', value: e, whose: user, root: e, witness: [] };
      let unknown: CredJudgement | undefined;
      let good = false;
      for (const o0 of traceCred(ctx.graph, fn, e, line)) {
        // the trace ends at the first switch it meets (`old_cred = ovl_override_creds(sb)`): what a
        // switch returns is decided where it is called, not inside the wrapper it goes through
        const cut = o0.steps.findIndex((st, i) => i > 0 && kb.credFormFor(/^(\w+)\(/.exec(st.expr)?.[1] ?? '')?.form.kind === 'override');
        const o = cut > 0 ? { ...o0, root: o0.steps[cut]!.expr, steps: o0.steps.slice(0, cut + 1) } : o0;
        const root = o.root;
        const last = o.steps[o.steps.length - 1]!;
        const witness: WitnessStep[] = o.steps.slice(1).map((st, i) => ({ kind: 'origin', text: st.via === 'assigned' ? `${o.steps[i]!.expr} = ${st.expr}` : `${st.expr} (${st.via} in ${st.fn}())`, file: st.file, line: st.line }));
        const f0 = ctx.graph.resolve(last.fn, last.file) ?? fn;
        // a conditional the value came from (`cred = file ? file->f_cred : current_cred()`): its arms, where it was taken
        const rootArms = o.steps.length > 1 && depth > 0 ? splitTernary(root) : undefined;
        if (rootArms) {
          const site0 = callAt(f0, last.line);
          const j = worseOf([credJudgement(f0, rootArms.then, site0, stack, depth - 1), credJudgement(f0, rootArms.otherwise, site0, stack, depth - 1)], root);
          if (j.kind === 'bad') return { ...j, value: `${e} = ${j.value}`, witness: [...witness, ...j.witness] };
          if (j.kind === 'unknown') unknown ??= { ...j, value: `${e} = ${j.value}`, witness: [...witness, ...j.witness] };
          else if (j.kind === 'good') good = true;
          continue;
        }
        const viaOpener = o.steps.length > 1 ? ownFileOpener(f0, root, last.line) : undefined;
        if (viaOpener) return { ...viaOpener, value: `${e} = ${root}`, witness: [...witness, ...viaOpener.witness] };
        // what a switch returned (`old_cred = ovl_override_creds(sb)`) is the task's credentials from
        // before it, not the ones it switched to: judged as current's where the switch was called
        const rootCall = /^(\w+)\(/.exec(root)?.[1];
        const switchedFrom = o.steps.length > 1 && !!rootCall && !CURRENT_CALLS.has(rootCall) && kb.credFormFor(rootCall)?.form.kind === 'override';
        if (!switchedFrom && goodCred(stack, root)) {
          good = true;
          continue;
        }
        // prepare_kernel_cred(&init_task): the kernel's own, every capability; right only where the stack runs as the kernel
        if (kernelCredsOf(root)) {
          if (stack.principal === 'kernel') {
            good = true;
            continue;
          }
          return { kind: 'bad', value: o.steps.length > 1 ? `${e} = ${root}` : root, whose: 'kernel credentials', root: 'kernel', witness };
        }
        const call = rootCall;
        if (!(call && (CURRENT_CALLS.has(call) || switchedFrom)) && root !== 'current->cred') continue;
        const f2 = ctx.graph.resolve(last.fn, last.file) ?? fn;
        // a prepared copy the code then changes (fsuid, caps) is new credentials, not the task's
        const local = o.steps.find((st) => /^\w+$/.test(st.expr) && st.fn === last.fn);
        if (call === 'prepare_creds' && local && f2.assigns.some((a) => normExpr(a.lhs).startsWith(`${local.expr}->`))) continue;
        let taken = o.steps.length <= 1 ? root : last.fn === fn.name ? `${e} = ${root}` : `${e}, ${root} taken in ${last.fn}()`;
        if (switchedFrom) taken += `: what ${call}() returned, the credentials from before its switch`;
        // where they were taken: the call itself (a statement may span lines), or the site when taken inline
        const site = o.steps.length <= 1 ? at : (call && f2.calls.filter((c) => c.callee === call && c.line >= last.line && c.line <= last.line + 3).sort((x, y) => x.line - y.line)[0]) || { line: last.line, creds: [] };
        // taken in this function outside a switch the use is inside of
        const outer = f2 === fn && o.steps.length > 1 ? at.creds.find((i) => !site.creds.includes(i)) : undefined;
        if (outer !== undefined && fn.credScopes[outer]) taken += `, taken before ${fn.credScopes[outer]!.api}()`;
        const states = credStatesAt(ctx.graph, f2, site);
        let anyUnknown = !states.length;
        for (const s of states) {
          const p = currentIs(s, stack, depth);
          if (p.kind === 'bad') {
            return {
              kind: 'bad',
              value: taken,
              whose: p.desc,
              root,
              witness: [...witness, ...s.path.map((ps, i) => ({ kind: 'call' as const, text: i === 0 ? `${ps.fn}()${p.how ? ` (${p.how})` : ''}` : `-> ${ps.fn}()`, file: ps.file, line: ps.line }))],
            };
          }
          if (p.kind === 'unknown') anyUnknown = true;
        }
        if (anyUnknown) unknown ??= { kind: 'unknown', value: taken, whose: "the task's own credentials", root, witness, current: true, local: last.fn === fn.name && last.file === fn.file };
        else good = true;
      }
      return unknown ?? (good ? { kind: 'good' } : { kind: 'other', value: e, root: e, witness: [] });
    }

    /**
     * `file->f_cred` of the file the stack's own method was called for (the
     * overlay or FUSE file, `iocb->ki_filp` of its ->read_iter()): the
     * credentials of whoever opened that file, a user, never the stack's
     * principal for its backing file, whichever stack (the backing file's own
     * f_cred is erofs' and nfs localio's principal, and stays good).
     */
    function ownFileOpener(f: FunctionFacts, e: string, line: number): (CredJudgement & { kind: 'bad' }) | undefined {
      const m = /^(.+?)(?:->|\.)f_cred$/.exec(e);
      if (!m) return undefined;
      const cls = classifyFile(ctx.graph, f, m[1]!, line);
      if (cls.kind !== 'own' || cls.origin.root.includes('(')) return undefined;
      return {
        kind: 'bad',
        value: e,
        whose: `the credentials of whoever opened ${m[1]} (${cls.why}): the calling user's`,
        root: e,
        witness: [{ kind: 'origin', text: cls.why, file: cls.origin.steps[cls.origin.steps.length - 1]?.file ?? f.file, line: cls.origin.steps[cls.origin.steps.length - 1]?.line ?? line }],
      };
    }

    /** Whose credentials `current` has in this state, for the stack. */
    function currentIs(s: CredState, stack: kb.Stack, depth: number): { kind: 'good' | 'unknown' } | { kind: 'bad'; desc: string; how?: string } {
      switch (s.kind) {
        case 'caller':
          return daemonEntry(s, stack) ? { kind: 'good' } : { kind: 'bad', desc: `the calling task's credentials (reached from ${s.path[0]?.fn ?? s.entry.name}(), ${s.how})`, how: `${s.how}, runs as the calling task` };
        case 'kworker':
          return stack.principal === 'kernel' ? { kind: 'good' } : { kind: 'bad', desc: "a kworker's kernel credentials", how: `a kworker: ${s.api}` };
        case 'mounter':
          return { kind: 'good' };
        case 'unknown':
          return { kind: 'unknown' };
        case 'scope': {
          if (depth <= 0) return { kind: 'unknown' };
          const j = credJudgement(s.in, s.scope.cred, scopeSite(s.in, s.scope), stack, depth - 1);
          if (j.kind === 'bad') return { kind: 'bad', desc: `${j.whose}, switched to by ${s.scope.api}(${s.scope.cred}) in ${s.in.name}()` };
          return j.kind === 'unknown' ? { kind: 'unknown' } : { kind: 'good' };
        }
      }
    }

    /** Is this credential state wrong for the stack and this kind of access? */
    function judge(s: CredState, stack: kb.Stack, access: Access, opts?: JudgeOptions): Verdict | undefined {
      const entry = s.path[0] ? `${s.path[0].fn}()` : '';
      // cachefiles: data I/O runs under its caller's creds by design; only a new principal is worth a word
      if (stack.dataIoUnderCaller && access.kind !== 'namespace') {
        if (s.kind !== 'scope') return undefined;
        const cred = normExpr(s.scope.cred);
        return goodCred(stack, cred) ? undefined : { messageId: 'dataCreds', state: s, entry, cred: `${cred} (${s.scope.api})` };
      }
      switch (s.kind) {
        case 'unknown':
        case 'mounter':
          return undefined;
        case 'caller':
          // a file the task opened on this very path is its own (zloop's control write), except in a stack
          // whose opens must be under its own credentials too (overlayfs' ovl_path_open() of a real directory)
          // (the daemon's own commands are no stranger to the data, but cachefiles does their space work as
          // the cache too: cachefiles_daemon_cull() and the on-demand fd's write_iter switch first)
          if ((daemonEntry(s, stack) && access.kind !== 'namespace') || (stack.principal !== 'stack' && openedOnPath(ctx, s, access))) return undefined;
          if (access.kind === 'namespace') return { messageId: 'outsideStackCreds', state: s, entry: `${entry}, ${s.how}`, cred: 'the calling task' };
          return { messageId: 'callerCreds', state: s, entry: `${entry}, ${s.how}`, cred: 'the calling task' };
        case 'kworker':
          // cachefiles' own work items (fscache's cookie work) are no stranger to the cache: upstream's
          // ->invalidate_cookie() buries the old file from the cookie worker with no switch (6.12
          // cachefiles_invalidate_cookie() -> cachefiles_bury_object()), and the linux-cachefs series
          // that do the same there are the maintainers' own; but where the patch drops the cache's own
          // switch around it (cachefiles_create_tmpfile()'s, which the cookie worker's
          // ->invalidate_cookie() relies on), the worker is left with kernel credentials it never had
          if (access.kind === 'namespace' && !opts?.removedOwn) return undefined;
          return stack.principal === 'kernel' ? undefined : { messageId: 'wrongPrincipal', state: s, entry, cred: 'kernel credentials (a kworker)' };
        case 'scope': {
          const j = credJudgement(s.in, s.scope.cred, scopeSite(s.in, s.scope), stack);
          if (j.kind === 'bad') return { messageId: 'wrongPrincipal', state: s, entry, cred: j.root === 'kernel' ? `kernel credentials (${s.scope.api})` : `${j.value} through ${s.scope.api}(), ${j.whose}`, extra: j.witness };
          if (j.kind !== 'unknown') return undefined;
          // the task's own credentials taken in this function (or inline): the switch changes nothing, whoever the task is
          if (j.local && stack.principal !== 'kernel') return { messageId: 'wrongPrincipal', state: s, entry, cred: `${j.value} through ${s.scope.api}(), the credentials already in force: the switch changes nothing`, extra: j.witness };
          // taken elsewhere, by a task the graph cannot show: only when the patch put them where the stack's own were
          const replaced = replacedScope(s.in, stack);
          if (replaced) return { messageId: 'wrongPrincipal', state: s, entry, cred: `${j.value} through ${s.scope.api}(), the task's own credentials, where it switched to ${replaced.cred}`, extra: j.witness, lower: true };
          // taken from the task that set the request up and kept (ctx->cred = get_current_cred()),
          // switched to in a work item: whoever queued the work, never the stack's principal
          const at = credStatesAt(ctx.graph, s.in, scopeSite(s.in, s.scope));
          if (at.length && at.every((x) => x.kind === 'kworker')) {
            return { messageId: 'wrongPrincipal', state: s, entry, cred: `${j.value} through ${s.scope.api}() in a work item: the credentials of whichever task set up the request`, extra: j.witness, lower: true, whose: `captured ${j.root}` };
          }
          return undefined;
        }
      }
    }

    /** The stack's own credentials this function switched to before the patch, where it no longer does. */
    function replacedScope(fn: FunctionFacts, stack: kb.Stack): CredScope | undefined {
      const pre = ctx.before(fn);
      const had = pre?.credScopes.find((x) => goodCred(stack, normExpr(x.cred)));
      return had && !fn.credScopes.some((x) => x.api === had.api && normExpr(x.cred) === normExpr(had.cred)) ? had : undefined;
    }

    function fileRoots(fn: FunctionFacts, expr: string, line: number): Set<string> {
      return new Set([normExpr(expr), ...traceFile(ctx.graph, fn, expr, line).map((o) => o.root)]);
    }

    /** Is this call an access to the stack's backing file (or, for cachefiles, namespace work on the cache)? */
    /**
     * A backing_file_*() helper the knowledge base does not know (one a series adds to
     * fs/backing-file.c): like its siblings it switches to the ctx->cred of the
     * `struct backing_file_ctx` it is handed, around its access to the backing file among
     * its arguments.
     */
    function newBackingHelper(fn: FunctionFacts, site: CallSite): Access | undefined {
      const ctxArg = site.args.findIndex((a) => {
        const v = /^&\s*(\w+)$/.exec(a.trim())?.[1];
        return !!v && baseType(fn, v) === 'struct backing_file_ctx';
      });
      if (ctxArg < 0) return undefined;
      for (const [i, a] of site.args.entries()) {
        if (i === ctxArg) continue;
        const cls = classifyFile(ctx.graph, fn, a, site.line);
        if (cls.kind === 'backing') return { what: `${site.callee}()`, file: normExpr(a), fileExpr: a, strong: cls.strong, origin: cls.origin.steps, root: cls.origin.root, ctxArg, kind: 'data' };
      }
      return undefined;
    }

    function accessOf(fn: FunctionFacts, site: CallSite, stack: kb.Stack): Access | undefined {
      let fileExpr: string | undefined;
      let what = '';
      const ns = stack.namespaceOps ? kb.NAMESPACE_OPS[site.callee] : undefined;
      if (ns) return { what: `${site.callee}() (${ns.what})`, file: 'the cache', strong: true, origin: [], kind: 'namespace' };
      const checked = kb.CHECKED_IO[site.callee];
      const raw = kb.RAW_IO[site.callee];
      const other = OTHER_ACCESS[site.callee];
      const pc = kb.PAGE_CACHE_APIS[site.callee];
      if (!checked && !raw && !other && !pc && /^backing_file_\w+$/.test(site.callee)) return newBackingHelper(fn, site);
      if (checked) {
        fileExpr = site.args[checked.fileArg];
        what = `${site.callee}()`;
        if (checked.credCtxArg !== undefined) {
          const cls = fileExpr ? classifyFile(ctx.graph, fn, fileExpr, site.line) : undefined;
          if (cls?.kind !== 'backing') return undefined;
          return { what, file: normExpr(fileExpr!), fileExpr, strong: cls.strong, origin: cls.origin.steps, root: cls.origin.root, ctxArg: checked.credCtxArg, kind: 'data' };
        }
      } else if (raw) {
        // a hand ->read_folio() fills the page cache like read_mapping_folio() does: see `pc` below
        if (raw.file.from === 'mapping') return undefined;
        fileExpr = raw.file.from === 'receiver' ? site.receiver : site.args[raw.file.index];
        what = `${site.callee.includes('->') ? '->' + site.callee.split('->').pop() : site.callee}()`;
      } else if (other) {
        // of two files (a clone's source and destination), the one that is the stack's backing file
        const pickArg = other.also !== undefined && site.args[other.also] && !(site.args[other.fileArg] && classifyFile(ctx.graph, fn, site.args[other.fileArg]!, site.line).kind === 'backing') ? other.also : other.fileArg;
        const arg = site.args[pickArg];
        // a path: a file's own (&file->f_path), or a struct path of its own (&realpath), traced as the place of one
        fileExpr = other.path && arg ? (/^&?(.*)->f_path$/.exec(normExpr(arg))?.[1] ?? normExpr(arg).replace(/^&\s*/, '')) : arg;
        what = `${site.callee}() (${other.what})`;
      } else if (pc) {
        // A page-cache read is not judged by whose credentials run it: it passes no permission
        // check (no rw_verify_area(), no security_file_permission()), and a filesystem whose
        // ->read_folio() needs credentials takes them from the file it is handed (NFS's open
        // context, FUSE's ff, 9p's fid), whose f_cred is the opener's. Upstream 6.12 does this by
        // design: erofs_bread() reads a file-backed mount's metadata with read_mapping_folio()
        // under whichever task asks. Every evaluation round's labellers call such a read under
        // the caller's credentials arguable at most; CROSS_LAYER_PAGECACHE judges the read itself.
        return undefined;
      }
      // an open of a layer's file with the task's own credentials (ovl_ensure_verity_loaded()'s
      // kernel_file_open(datapath, O_RDONLY, current_cred())): it opens as whoever is current there
      const opener = kb.OPENS_WITH_CREDS[site.callee];
      if (opener && stack.layerOps && /^(?:get_)?current_cred\(\)$/.test(normExpr(site.args[opener.credArg] ?? ''))) {
        return { what: `${site.callee}() (an open with current_cred())`, file: 'a real dentry', noun: stack.layerOps, strong: true, origin: [], root: `${stack.id} layer`, kind: 'metadata' };
      }
      // a layer inode's own method called by hand (ovl_fiemap()'s realinode->i_op->fiemap(realinode, ...)):
      // a stack never reaches its own inodes through i_op, so this is the layer's code, run as whoever is current
      if (stack.layerOps && site.kind === 'member' && /^i_op->\w+$/.test(site.callee)) {
        return { what: `${site.receiver ? `${normExpr(site.receiver)}->` : '->'}${site.callee}()`, file: 'a real inode', noun: stack.layerOps, strong: true, origin: [], root: `${stack.id} layer`, kind: 'metadata' };
      }
      // a stack's namespace and attribute work on its layers (overlayfs' ovl_do_notify_change() -> notify_change())
      const layer = !fileExpr && !pc && stack.layerOps ? (kb.NAMESPACE_OPS[site.callee] ?? (stack.layerWrappers?.[site.callee] ? { what: stack.layerWrappers[site.callee]! } : undefined)) : undefined;
      if (layer) return { what: `${site.callee}() (${layer.what})`, file: 'a real dentry', noun: stack.layerOps!, strong: true, origin: [], root: `${stack.id} layer`, kind: 'metadata' };
      if (!fileExpr) return undefined;
      // backing-file.c: the helper's own file argument is the backing file it switches for
      const helper = stack === kb.BACKING_FILE_HELPERS ? kb.CHECKED_IO[fn.name] : undefined;
      const own = helper && fn.params[helper.fileArg]?.name;
      if (own && normExpr(fileExpr) === own) {
        return { what, file: own, fileExpr, strong: true, origin: [{ expr: own, file: fn.file, line: fn.line, via: 'start', fn: fn.name }], root: own, kind: other && other.what !== 'permission check' ? 'metadata' : 'data' };
      }
      const cls = classifyFile(ctx.graph, fn, fileExpr, site.line);
      if (cls.kind !== 'backing') return undefined;
      return { what, file: normExpr(fileExpr), fileExpr, strong: cls.strong, origin: cls.origin.steps, root: cls.origin.root, kind: other && other.what !== 'permission check' ? 'metadata' : 'data' };
    }
  },
});

interface Access {
  what: string;
  file: string;
  /** The file argument as written. */
  fileExpr?: string;
  strong: boolean;
  origin: OriginStep[];
  /** Where the file came from (`filp_open(name, flags, 0)`), when traced. */
  root?: string;
  ctxArg?: number;
  /** data: I/O and its permission check; metadata: getattr, fsync...; namespace: cachefiles' work on the cache */
  kind: 'data' | 'metadata' | 'namespace';
  /** What the accessed object is, when not the stack's backing file (a layer's dentry). */
  noun?: string;
}

/** An access to a backing file a call leads to: where, and through which functions. */
interface Hit {
  fn: FunctionFacts;
  site: CallSite;
  access: Access;
  stack: kb.Stack;
  chain: FunctionFacts[];
}

type CredJudgement =
  | { kind: 'good' }
  /** Credentials the rule cannot judge (a parameter, a stack helper's): trusted. */
  | { kind: 'other'; value: string; root: string; witness: WitnessStep[] }
  /** The task's own credentials, taken where the task is the wrong principal: `whose` says whose they are. */
  | { kind: 'bad'; value: string; whose: string; root: string; witness: WitnessStep[] }
  /** The task's own credentials, taken where the graph cannot tell whose they are; `local`: in the function that uses them (or inline). */
  | { kind: 'unknown'; value: string; whose: string; root: string; witness: WitnessStep[]; current: true; local: boolean };

/** The path from an entry that runs as the calling task, as witness lines. */
function callerPath(s: CredState & { kind: 'caller' }): WitnessStep[] {
  return s.path.map((p, i) => ({ kind: 'call' as const, text: i === 0 ? `${p.fn}() (${s.how}, runs as the calling task)` : `-> ${p.fn}()`, file: p.file, line: p.line }));
}

/** The call on a line (the first), as a place credentials are judged at; none: no scope in force there. */
function callAt(fn: FunctionFacts, line: number): { line: number; creds: number[] } {
  return fn.calls.find((c) => c.line === line) ?? { line, creds: [] };
}

/** The call that opens a credential scope: its creds are the scopes around it. */
function scopeSite(fn: FunctionFacts, sc: CredScope): { line: number; creds: number[] } {
  const i = fn.credScopes.indexOf(sc);
  return fn.calls.find((c) => c.line === sc.startLine && !c.creds.includes(i)) ?? { line: sc.startLine, creds: [] };
}

/** Where a local's value is stored after `line`: a plain assignment, or cmpxchg()/xchg()/WRITE_ONCE() of it into a field `field` accepts. */
function storedInto(fn: FunctionFacts, v: string, line: number, field: (lhs: string) => boolean): { lhs: string; line: number } | undefined {
  const a = fn.assigns.find((x) => x.line >= line && normExpr(x.rhs) === v && field(normExpr(x.lhs)));
  if (a) return { lhs: normExpr(a.lhs), line: a.line };
  for (const c of fn.calls) {
    const k = kb.POINTER_STORES[c.callee]?.valueArg;
    if (k === undefined || c.line < line || normExpr(c.args[k] ?? '') !== v) continue;
    const lhs = normExpr(c.args[0] ?? '').replace(/^&\s*/, '');
    if (field(lhs)) return { lhs, line: c.line };
  }
  return undefined;
}

/** `get_cred(current_cred())` is current_cred() with a reference: the value inside the passthroughs. */
function unwrapPassthrough(e: string): string {
  for (let c = parseCall(e); c && kb.CRED_PASSTHROUGH[c.name] && c.args.length === 1; c = parseCall(e)) e = normExpr(c.args[0]!);
  return e;
}

/** The stack whose credentials a file's code must use; fs/backing-file.c's helpers use their ctx->cred. */
function credStackFor(path: string): kb.Stack | undefined {
  return kb.stackFor(path) ?? (kb.BACKING_FILE_HELPERS.paths.includes(path) ? kb.BACKING_FILE_HELPERS : undefined);
}

/**
 * A field that holds a user's credentials (kb.USER_CRED_FIELDS): `hdr->cred`
 * where `hdr` is declared a `struct nfs_pgio_header *`, or `iocb->hdr->cred`
 * where every assignment of a `->hdr` field stores such a pointer (the
 * facts keep declared types of locals and parameters, not of members).
 */
function userCredField(graph: CodeGraph, fn: FunctionFacts, expr: string): string | undefined {
  const mem = splitMember(expr);
  if (!mem) return undefined;
  const structOf = (f: FunctionFacts, base: string): string | undefined => baseType(f, base)?.replace(/^struct\s+/, '');
  let struct = structOf(fn, mem.base);
  if (!struct) {
    const inner = splitMember(mem.base);
    if (!inner) return undefined;
    const types = new Set(graph.fieldAssignments(inner.field).map(({ fn: f, assign }) => structOf(f, normExpr(assign.rhs))));
    if (types.size === 1) struct = [...types][0];
  }
  return struct ? kb.USER_CRED_FIELDS[`${struct}.${mem.field}`]?.whose : undefined;
}

/** Of the judgements of a conditional's arms, the worse: bad, then unknown, then other, then good; named by the whole expression. */
function worseOf(js: CredJudgement[], e: string): CredJudgement {
  const rank = (j: CredJudgement): number => (j.kind === 'bad' ? 0 : j.kind === 'unknown' ? 1 : j.kind === 'other' ? 2 : 3);
  const w = [...js].sort((a, b) => rank(a) - rank(b))[0]!;
  return w.kind === 'good' ? w : { ...w, value: `${w.value} (an arm of ${e})` };
}

function goodCred(stack: kb.Stack, cred: string): boolean {
  return stack.goodCreds.some((r) => r.test(cred));
}

function nounOf(stack: kb.Stack): string {
  return stack.fileNoun ?? `${stack.id}'s backing file`;
}

/** What an access touched, for a message: the file and whose it is (the cache, for cachefiles' namespace work). */
function targetOf(access: Access, stack: kb.Stack): string {
  return access.kind === 'namespace' ? 'the cache' : `${access.file}, ${access.noun ?? nounOf(stack)},`;
}

/** The kind of access a key names: switching vfs_iter_read() to vfs_iocb_iter_read() keeps the hazard. */
function accessKey(site: CallSite): string {
  // (namespace work by what it does: lookup_one_len() respelt lookup_one() is the same lookup)
  const ns = kb.NAMESPACE_OPS[site.callee];
  return kb.CHECKED_IO[site.callee] || kb.RAW_IO[site.callee] ? 'io' : ns ? `ns:${ns.what}` : site.callee;
}

/** The call path of a verdict and the credential state at its end, as witness lines. */
function stateWitness(bad: Verdict, fn: FunctionFacts, site: { line: number }): WitnessStep[] {
  const s = bad.state;
  return [
    ...s.path.map((p, i) => ({
      kind: 'call' as const,
      text: i === 0 ? `${p.fn}()${s.kind === 'caller' ? ` (${s.how}, runs as the calling task)` : s.kind === 'kworker' ? ` (a kworker: ${s.api})` : ''}` : `-> ${p.fn}()`,
      file: p.file,
      line: p.line,
    })),
    ...(bad.extra ?? []),
    ...(s.kind === 'scope'
      ? [{ kind: 'scope' as const, text: `${s.scope.api}(${s.scope.cred}) in ${s.in.name}()`, file: s.in.file, line: s.scope.startLine }]
      : [{ kind: 'scope' as const, text: 'no credential override on this path', file: fn.file, line: site.line }]),
  ];
}

/** Reached from an ops table of the stack's own daemon (its principal)? */
function daemonEntry(s: CredState, stack: kb.Stack): boolean {
  return s.kind === 'caller' && !!stack.daemonTables?.includes(s.table ?? '');
}

/**
 * The calling task opened this file on the same path (zloop's control write
 * that adds a device opens its zone files): it is the opener, the right
 * principal for what it does with the file there. Seen in where the file
 * came from, or in an assignment of the same expression from an open in a
 * function on the path.
 */
function openedOnPath(ctx: RuleContext, s: CredState, access: Access): boolean {
  const opener = (e: string): boolean => {
    const m = /^(\w+)\(/.exec(e);
    return !!m && !!kb.FOREIGN_FILE_SOURCES[m[1]!]?.opens;
  };
  // an opener, or a helper that returns what one opened (zloop_filp_open_fmt(): file = filp_open(p, ...); return file;)
  const opens = (e: string): boolean => {
    if (opener(e)) return true;
    const m = /^(\w+)\(/.exec(e);
    const helper = m ? ctx.graph.resolve(m[1]!) : undefined;
    return !!helper?.rets?.some((r) => opener(normExpr(r.expr)) || helper.assigns.some((a) => normExpr(a.lhs) === normExpr(r.expr) && opener(normExpr(a.rhs))));
  };
  const onPath = new Set(s.path.map((p) => p.fn));
  if (access.origin.some((o) => onPath.has(o.fn) && opens(o.expr))) return true;
  const file = normExpr(access.file);
  return s.path.some((p) => ctx.graph.resolve(p.fn, p.file)?.assigns.some((a) => normExpr(a.lhs) === file && opens(normExpr(a.rhs))));
}

interface Verdict {
  messageId: 'callerCreds' | 'wrongPrincipal' | 'outsideStackCreds' | 'dataCreds';
  state: CredState;
  entry: string;
  cred: string;
  /** Where the credentials in force came from (a capture, a local). */
  extra?: WitnessStep[];
  /** Less sure than the access alone would make it. */
  lower?: boolean;
  /** Whose credentials, when the same access under other wrong ones is another hazard (a kworker's before, a captured task's after). */
  whose?: string;
}
