// BACKING_FILE_CREDS: a stacked filesystem (or loop-like driver) touching its
// backing file (I/O, permission checks, getattr, fsync, page-cache reads)
// under the wrong credentials: the calling task's instead of the mounter's,
// kernel creds where the stack uses the mounter's, credentials captured as a
// value from the wrong task, or an override_creds() that some path never
// reverts. Each stack's principal is in src/kb/stacks.ts; cachefiles does its
// data I/O under its caller's creds by design and its namespace, metadata
// and space work as the cache (see README.md, "cachefiles").

import {
  classifyFile,
  credStatesAt,
  defineRule,
  kb,
  lower,
  normExpr,
  originWitness,
  traceMappingClass,
  type CallSite,
  type Confidence,
  type CredState,
  type FunctionFacts,
  type OriginStep,
  type RuleContext,
  type WitnessStep,
} from '../../src/engine/rule-api.js';

/** Accesses to a file other than read/write I/O that run permission checks or reach the filesystem. */
const OTHER_ACCESS: Record<string, { fileArg: number; what: string; path?: boolean }> = kb.table({
  rw_verify_area: { fileArg: 1, what: 'permission check' },
  vfs_getattr: { fileArg: 0, what: 'getattr', path: true },
  vfs_getattr_nosec: { fileArg: 0, what: 'getattr', path: true },
  vfs_fsync: { fileArg: 0, what: 'fsync' },
  vfs_fsync_range: { fileArg: 0, what: 'fsync' },
  vfs_fallocate: { fileArg: 0, what: 'fallocate' },
  vfs_truncate: { fileArg: 0, what: 'truncate', path: true },
});

const CURRENT_CRED = /^(current_cred\(\)|get_current_cred\(\)|current->cred|current_real_cred\(\)|prepare_creds\(\))$/;

/** Calls whose value a stack may keep as the credentials of its backing file's I/O (`ff->cred = get_current_cred()`). */
const CRED_CAPTURES = ['get_current_cred', 'prepare_creds', 'current_cred'];

export default defineRule({
  id: 'backing-file-creds',
  meta: {
    type: 'BACKING_FILE_CREDS',
    level: 'WARNING',
    confidence: 'high',
    description: "A stacked filesystem touches its backing file under the wrong credentials: the calling task's instead of the mounter's, or an unbalanced override_creds().",
    messages: {
      callerCreds: "{{what}} on {{file}}, {{noun}}, runs with the calling task's credentials (reached from {{entry}}); {{stack}} must use {{credHint}}",
      wrongPrincipal: '{{what}} on {{file}}, {{noun}}, runs under {{cred}}, but {{stack}} must use {{credHint}}',
      ctxCred: "backing_file ctx.cred is {{cred}} here: {{noun}} would be accessed with the calling task's credentials; {{stack}} must use {{credHint}}",
      capturedCreds: "{{target}} takes the credentials of the task that runs {{entry}} ({{cred}}); {{stack}} later accesses {{noun}} with them, where it must use {{credHint}}",
      unbalanced: '{{api}}({{cred}}) on line {{start}} is not reverted when this {{how}} leaves {{fn}}(): the task keeps the overridden credentials',
      outsideStackCreds: "{{what}} on the cache runs outside {{credHint}} (reached from {{entry}}): {{stack}} does its namespace, metadata and space work as the cache",
      openCreds: "{{api}}() opens {{noun}} with {{cred}}: {{stack}} opens its files with {{credHint}}, and its I/O relies on that",
      dataCreds: "{{what}} on {{file}}, {{noun}}, now runs under {{cred}}: {{stack}} does its data I/O with its caller's credentials by design; a change of principal is its maintainer's call",
    },
    questions: {
      callerCreds: "Whose credentials are in force when {{what}} touches {{file}} here? As far as I can tell this is reached from {{entry}} with the calling task's creds; shouldn't {{stack}} use {{credHint}}?",
      wrongPrincipal: "This accesses {{file}}, {{noun}}, under {{cred}}. Shouldn't {{stack}} use {{credHint}} here?",
      ctxCred: "Setting ctx.cred to {{cred}} makes the I/O on {{noun}} run as the calling task. Shouldn't {{stack}} use {{credHint}}?",
      capturedCreds: "{{target}} now holds the credentials of whoever runs {{entry}}. Isn't {{noun}} later accessed with them? I'd expect {{stack}} to use {{credHint}}.",
      unbalanced: "Doesn't this {{how}} leave {{fn}}() with the credentials from {{api}}() still overridden? It looks like the revert is skipped on this path.",
      outsideStackCreds: "Shouldn't {{what}} run inside cachefiles_begin_secure(), as the rest of cachefiles' namespace and space work does? Reached from {{entry}}, it runs as the netfs caller.",
      openCreds: "{{api}}() opens {{noun}} with {{cred}} here. Doesn't {{stack}} rely on opening its files with {{credHint}}?",
      dataCreds: "This changes whose credentials cachefiles' data I/O runs under ({{cred}}). Is that intended? It runs under its caller's credentials today.",
    },
    // an override to balance, or an access to a stack's backing file (I/O, metadata and namespace work, opens)
    triggers: [
      { credScopes: true },
      {
        calls: [...Object.keys(kb.CHECKED_IO), ...Object.keys(kb.RAW_IO), ...Object.keys(OTHER_ACCESS), ...Object.keys(kb.PAGE_CACHE_APIS), ...Object.keys(kb.NAMESPACE_OPS), ...Object.keys(kb.OPENS_WITH_CREDS), ...CRED_CAPTURES],
        where: (p) => !!kb.stackFor(p),
      },
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
    return {
      function(fn) {
        unbalanced(fn);
      },
      call(site, fn) {
        const stack = kb.stackFor(fn.file)!;
        if (CRED_CAPTURES.includes(site.callee)) return capturedCreds(fn, site, stack);
        if (stack.namespaceOps && kb.OPENS_WITH_CREDS[site.callee]) return openCreds(fn, site, stack);
        const access = accessOf(fn, site, stack);
        if (!access) return;
        if (access.ctxArg !== undefined) return ctxCred(fn, site, access.ctxArg, stack);
        const states = credStatesAt(ctx.graph, fn, site);
        const bad = states.map((s) => judge(ctx, s, stack, access)).find((j) => j !== undefined);
        if (!bad) return;
        let confidence: Confidence = access.strong ? 'high' : 'medium';
        if (bad.state.kind === 'kworker') confidence = lower(confidence);
        const witness: WitnessStep[] = [
          ...bad.state.path.map((p, i) => ({
            kind: 'call' as const,
            text: i === 0 ? `${p.fn}()${bad.state.kind === 'caller' ? ` (${bad.state.how}, runs as the calling task)` : bad.state.kind === 'kworker' ? ` (a kworker: ${bad.state.api})` : ''}` : `-> ${p.fn}()`,
            file: p.file,
            line: p.line,
          })),
          ...(bad.state.kind === 'scope'
            ? [{ kind: 'scope' as const, text: `${bad.state.scope.api}(${bad.state.scope.cred}) in ${bad.state.in.name}()`, file: bad.state.in.file, line: bad.state.scope.startLine }]
            : [{ kind: 'scope' as const, text: 'no credential override on this path', file: fn.file, line: site.line }]),
          ...originWitness(access.origin),
        ];
        ctx.report({
          messageId: bad.messageId,
          ...(bad.messageId === 'dataCreds' ? { level: 'CHECK' as const } : {}),
          data: { what: access.what, file: access.file, noun: nounOf(stack), entry: bad.entry, stack: stack.id, credHint: stack.credHint, cred: bad.cred },
          at: { file: fn.file, line: site.line },
          // by kind of access, not API: switching read_cache_page() to read_mapping_folio() keeps the hazard
          key: `${bad.messageId}|${kb.PAGE_CACHE_APIS[site.callee] ? 'pagecache' : kb.CHECKED_IO[site.callee] || kb.RAW_IO[site.callee] ? 'io' : site.callee}|${access.file}`,
          confidence,
          witness,
        });
      },
    };

    function unbalanced(fn: FunctionFacts): void {
      for (const sc of fn.credScopes) {
        if (sc.kind === 'scoped' || sc.nested || !sc.leaks.length) continue;
        // a fragment (a hunk of a function) may simply not show the revert
        const leak = sc.leaks.find((l) => !(fn.partial && (l.kind === 'end' || sc.revertLine === undefined)));
        if (!leak) continue;
        const how = leak.kind === 'return' ? 'return' : leak.kind === 'goto' ? `goto` : 'path (end of function)';
        ctx.report({
          messageId: 'unbalanced',
          data: { api: sc.api, cred: sc.cred, start: String(sc.startLine), how, fn: fn.name },
          at: { file: fn.file, line: leak.line },
          key: `unbalanced|${sc.api}|${normExpr(sc.cred)}|${leak.kind}|${normExpr(leak.text)}`,
          witness: [
            { kind: 'scope', text: `${sc.saved ? `${sc.saved} = ` : ''}${sc.api}(${sc.cred})`, file: fn.file, line: sc.startLine },
            { kind: 'note', text: `leaves without ${sc.kind === 'paired' ? `${kb.CRED_FORMS[sc.api]?.reverts?.[0] ?? 'its end'}()` : 'revert_creds()'}: ${leak.text}`, file: fn.file, line: leak.line },
            ...(sc.revertLine ? [{ kind: 'scope' as const, text: 'the revert this path skips', file: fn.file, line: sc.revertLine }] : []),
          ],
        });
      }
    }

    /** backing_file ctx.cred (a designated initialiser or an assignment), the value followed through a local. */
    function ctxCred(fn: FunctionFacts, site: CallSite, ctxArg: number, stack: kb.Stack): void {
      const ctxName = normExpr(site.args[ctxArg] ?? '');
      const a = fn.assigns.find((x) => normExpr(x.lhs) === `${ctxName}.cred` || normExpr(x.lhs) === `${ctxName}->cred`);
      if (!a) return;
      const v = credValue(fn, normExpr(a.rhs), a.line);
      if (!CURRENT_CRED.test(v.cred)) return;
      ctx.report({
        messageId: 'ctxCred',
        data: { cred: v.cred, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: a.line },
        key: `ctxCred|${site.callee}|${v.cred}`,
        witness: [
          ...v.steps.map((st) => ({ kind: 'origin' as const, text: `${st.lhs} = ${st.rhs}`, file: fn.file, line: st.line })),
          { kind: 'scope', text: `${normExpr(a.lhs)} = ${normExpr(a.rhs)}`, file: fn.file, line: a.line },
          { kind: 'call', text: `${site.callee}() switches to ctx->cred for the backing file`, file: fn.file, line: site.line },
        ],
      });
    }

    /**
     * `ff->cred = get_current_cred()`: credentials kept for the backing file's
     * I/O, taken from whoever runs this (a file open, a syscall), not from the
     * stack's principal. The stack's daemon capturing its own creds
     * (FUSE_DEV_IOC_BACKING_OPEN's prepare_creds()) is the design.
     */
    function capturedCreds(fn: FunctionFacts, site: CallSite, stack: kb.Stack): void {
      if (stack.principal !== 'stack') return;
      const a = fn.assigns.find((x) => x.line === site.line && stack.goodCreds.some((r) => r.test(normExpr(x.lhs))) && normExpr(x.rhs).startsWith(site.callee));
      if (!a) return;
      const states = credStatesAt(ctx.graph, fn, site);
      const bad = states.find((st) => st.kind === 'caller' && !daemonEntry(st, stack));
      if (!bad || bad.kind !== 'caller') return;
      ctx.report({
        messageId: 'capturedCreds',
        data: { target: normExpr(a.lhs), cred: normExpr(a.rhs), entry: `${bad.path[0]?.fn ?? fn.name}() (${bad.how})`, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: a.line },
        key: `capturedCreds|${normExpr(a.lhs)}|${site.callee}`,
        witness: [
          ...bad.path.map((p, i) => ({ kind: 'call' as const, text: i === 0 ? `${p.fn}() (${bad.how}, runs as the calling task)` : `-> ${p.fn}()`, file: p.file, line: p.line })),
          { kind: 'scope', text: `${normExpr(a.lhs)} = ${normExpr(a.rhs)}: the calling task's credentials, kept`, file: fn.file, line: a.line },
        ],
      });
    }

    /** A file a stack opens with credentials other than its own (cachefiles: cache->cache_cred). */
    function openCreds(fn: FunctionFacts, site: CallSite, stack: kb.Stack): void {
      const arg = site.args[kb.OPENS_WITH_CREDS[site.callee]!.credArg];
      if (!arg) return;
      const v = credValue(fn, normExpr(arg), site.line);
      if (stack.goodCreds.some((r) => r.test(v.cred))) return;
      // current_cred() inside the stack's own override is the stack's cred
      if (CURRENT_CRED.test(v.cred) && credStatesAt(ctx.graph, fn, site).every((st) => st.kind === 'scope' && stack.goodCreds.some((r) => r.test(normExpr(st.scope.cred))))) return;
      ctx.report({
        messageId: 'openCreds',
        data: { api: site.callee, cred: v.cred, noun: nounOf(stack), stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: site.line },
        key: `openCreds|${site.callee}|${v.cred}`,
        witness: [
          ...v.steps.map((st) => ({ kind: 'origin' as const, text: `${st.lhs} = ${st.rhs}`, file: fn.file, line: st.line })),
          { kind: 'call', text: `${fn.name}() calls ${site.callee}(${site.args.join(', ')})`, file: fn.file, line: site.line },
        ],
      });
    }

    /** Is this call an access to the stack's backing file (or, for cachefiles, namespace work on the cache)? */
    function accessOf(fn: FunctionFacts, site: CallSite, stack: kb.Stack): Access | undefined {
      let fileExpr: string | undefined;
      let what = '';
      const ns = stack.namespaceOps ? kb.NAMESPACE_OPS[site.callee] : undefined;
      if (ns) return { what: `${site.callee}() (${ns.what})`, file: 'the cache', strong: true, origin: [], kind: 'namespace' };
      const checked = kb.CHECKED_IO[site.callee];
      const raw = kb.RAW_IO[site.callee];
      const other = OTHER_ACCESS[site.callee];
      const pc = kb.PAGE_CACHE_APIS[site.callee];
      if (checked) {
        fileExpr = site.args[checked.fileArg];
        what = `${site.callee}()`;
        if (checked.credCtxArg !== undefined) {
          const cls = fileExpr ? classifyFile(ctx.graph, fn, fileExpr, site.line) : undefined;
          if (cls?.kind !== 'backing') return undefined;
          return { what, file: normExpr(fileExpr!), strong: cls.strong, origin: cls.origin.steps, ctxArg: checked.credCtxArg, kind: 'data' };
        }
      } else if (raw) {
        fileExpr = raw.file.from === 'receiver' ? site.receiver : site.args[raw.file.from === 'mapping' ? raw.file.cookieArg : raw.file.index];
        what = `${site.callee.includes('->') ? '->' + site.callee.split('->').pop() : site.callee}()`;
      } else if (other) {
        const arg = site.args[other.fileArg];
        fileExpr = other.path && arg ? /^&?(.*)->f_path$/.exec(normExpr(arg))?.[1] : arg;
        what = `${site.callee}() (${other.what})`;
      } else if (pc && typeof pc.mapping === 'number' && pc.reads) {
        const m = site.args[pc.mapping];
        if (!m) return undefined;
        const mc = traceMappingClass(ctx.graph, fn, m, site.line);
        if (mc.kind !== 'foreign') return undefined;
        return { what: `${site.callee}() (a page-cache read)`, file: normExpr(mc.file.origin.root), strong: mc.file.strong, origin: mc.origin.steps, kind: 'data' };
      }
      if (!fileExpr) return undefined;
      const cls = classifyFile(ctx.graph, fn, fileExpr, site.line);
      if (cls.kind !== 'backing') return undefined;
      return { what, file: normExpr(fileExpr), strong: cls.strong, origin: cls.origin.steps, kind: other && other.what !== 'permission check' ? 'metadata' : 'data' };
    }
  },
});


interface Access {
  what: string;
  file: string;
  strong: boolean;
  origin: OriginStep[];
  ctxArg?: number;
  /** data: I/O and its permission check; metadata: getattr, fsync...; namespace: cachefiles' work on the cache */
  kind: 'data' | 'metadata' | 'namespace';
}

function nounOf(stack: kb.Stack): string {
  return stack.fileNoun ?? `${stack.id}'s backing file`;
}

/** A credential expression followed back through the locals it was assigned from (`cred = current_cred(); ... .cred = cred`). */
function credValue(fn: FunctionFacts, expr: string, line: number): { cred: string; steps: { lhs: string; rhs: string; line: number }[] } {
  const steps: { lhs: string; rhs: string; line: number }[] = [];
  let cur = expr;
  for (let i = 0; i < 4 && /^\w+$/.test(cur); i++) {
    const a = fn.assigns.filter((x) => normExpr(x.lhs) === cur && x.line <= line).sort((x, y) => y.line - x.line)[0];
    if (!a) break;
    steps.unshift({ lhs: cur, rhs: normExpr(a.rhs), line: a.line });
    cur = normExpr(a.rhs);
    line = a.line;
  }
  return { cred: cur, steps };
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
  const opens = (e: string): boolean => {
    const m = /^(\w+)\(/.exec(e);
    return !!m && !!kb.FOREIGN_FILE_SOURCES[m[1]!]?.opens;
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
}

/** Is this credential state wrong for the stack and this kind of access? */
function judge(ctx: RuleContext, s: CredState, stack: kb.Stack, access: Access): Verdict | undefined {
  const entry = s.path[0] ? `${s.path[0].fn}()` : '';
  // cachefiles: data I/O runs under its caller's creds by design; only a new principal is worth a word
  if (stack.dataIoUnderCaller && access.kind !== 'namespace') {
    if (s.kind !== 'scope') return undefined;
    const cred = normExpr(s.scope.cred);
    return stack.goodCreds.some((r) => r.test(cred)) ? undefined : { messageId: 'dataCreds', state: s, entry, cred: `${cred} (${s.scope.api})` };
  }
  switch (s.kind) {
    case 'unknown':
    case 'mounter':
      return undefined;
    case 'caller':
      if (daemonEntry(s, stack) || openedOnPath(ctx, s, access)) return undefined;
      if (access.kind === 'namespace') return { messageId: 'outsideStackCreds', state: s, entry: `${entry}, ${s.how}`, cred: 'the calling task' };
      return { messageId: 'callerCreds', state: s, entry: `${entry}, ${s.how}`, cred: 'the calling task' };
    case 'kworker':
      // cachefiles' own work items (fscache's cookie work) are no stranger to the cache
      if (access.kind === 'namespace') return undefined;
      return stack.principal === 'kernel' ? undefined : { messageId: 'wrongPrincipal', state: s, entry, cred: 'kernel credentials (a kworker)' };
    case 'scope': {
      const cred = normExpr(s.scope.cred);
      if (cred === 'kernel') {
        return stack.principal === 'kernel' ? undefined : { messageId: 'wrongPrincipal', state: s, entry, cred: `kernel credentials (${s.scope.api})` };
      }
      if (CURRENT_CRED.test(cred)) return { messageId: 'wrongPrincipal', state: s, entry, cred: `${cred} (the calling task)` };
      return undefined;
    }
  }
}
