// BACKING_FILE_CREDS: a stacked filesystem (or loop-like driver) touching its
// backing file (I/O, permission checks, getattr, fsync, page-cache reads)
// under the wrong credentials: the calling task's instead of the mounter's,
// kernel creds where the stack uses the mounter's, or an override_creds()
// that some path never reverts.

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

export default defineRule({
  id: 'backing-file-creds',
  meta: {
    type: 'BACKING_FILE_CREDS',
    level: 'WARNING',
    confidence: 'high',
    description: "A stacked filesystem touches its backing file under the wrong credentials: the calling task's instead of the mounter's, or an unbalanced override_creds().",
    messages: {
      callerCreds: "{{what}} on the backing file {{file}} runs with the calling task's credentials (reached from {{entry}}); {{stack}} must use {{credHint}}",
      wrongPrincipal: '{{what}} on the backing file {{file}} runs under {{cred}}, but {{stack}} must use {{credHint}}',
      ctxCred: 'backing_file ctx.cred is {{cred}} here: the backing file would be accessed with the calling task\'s credentials; {{stack}} must use {{credHint}}',
      unbalanced: '{{api}}({{cred}}) on line {{start}} is not reverted when this {{how}} leaves {{fn}}(): the task keeps the overridden credentials',
    },
    questions: {
      callerCreds: "Whose credentials are in force when {{what}} touches the backing file {{file}} here? As far as I can tell this is reached from {{entry}} with the calling task's creds; shouldn't {{stack}} use {{credHint}}?",
      wrongPrincipal: "This accesses the backing file {{file}} under {{cred}}. Shouldn't {{stack}} use {{credHint}} here?",
      ctxCred: "Setting ctx.cred to {{cred}} makes the backing file I/O run as the calling task. Shouldn't {{stack}} use {{credHint}}?",
      unbalanced: "Doesn't this {{how}} leave {{fn}}() with the credentials from {{api}}() still overridden? It looks like the revert is skipped on this path.",
    },
    // an override to balance, or an access to a stack's backing file
    triggers: [
      { credScopes: true },
      { calls: [...Object.keys(kb.CHECKED_IO), ...Object.keys(kb.RAW_IO), ...Object.keys(OTHER_ACCESS), ...Object.keys(kb.PAGE_CACHE_APIS)], where: (p) => !!kb.stackFor(p) },
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
        const access = accessOf(fn, site);
        if (!access) return;
        if (access.ctxArg !== undefined) {
          ctxCred(fn, site, access.ctxArg, stack);
          return;
        }
        const states = credStatesAt(ctx.graph, fn, site);
        const bad = states.map((s) => judge(s, stack)).find((j) => j !== undefined);
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
          data: { what: access.what, file: access.file, entry: bad.entry, stack: stack.id, credHint: stack.credHint, cred: bad.cred },
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

    function ctxCred(fn: FunctionFacts, site: CallSite, ctxArg: number, stack: kb.Stack): void {
      const ctxName = normExpr(site.args[ctxArg] ?? '');
      const a = fn.assigns.find((x) => normExpr(x.lhs) === `${ctxName}.cred` || normExpr(x.lhs) === `${ctxName}->cred`);
      if (!a) return;
      const cred = normExpr(a.rhs);
      if (!CURRENT_CRED.test(cred)) return;
      ctx.report({
        messageId: 'ctxCred',
        data: { cred, stack: stack.id, credHint: stack.credHint },
        at: { file: fn.file, line: a.line },
        key: `ctxCred|${site.callee}|${cred}`,
        witness: [
          { kind: 'scope', text: `${normExpr(a.lhs)} = ${cred}`, file: fn.file, line: a.line },
          { kind: 'call', text: `${site.callee}() switches to ctx->cred for the backing file`, file: fn.file, line: site.line },
        ],
      });
    }

    /** Is this call an access to the stack's backing file? */
    function accessOf(fn: FunctionFacts, site: CallSite): { what: string; file: string; strong: boolean; origin: OriginStep[]; ctxArg?: number } | undefined {
      let fileExpr: string | undefined;
      let what = '';
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
          return { what, file: normExpr(fileExpr!), strong: cls.strong, origin: cls.origin.steps, ctxArg: checked.credCtxArg };
        }
      } else if (raw) {
        fileExpr = raw.file.from === 'receiver' ? site.receiver : site.args[raw.file.index];
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
        return { what: `${site.callee}() (a page-cache read)`, file: normExpr(mc.file.origin.root), strong: mc.file.strong, origin: mc.origin.steps };
      }
      if (!fileExpr) return undefined;
      const cls = classifyFile(ctx.graph, fn, fileExpr, site.line);
      if (cls.kind !== 'backing') return undefined;
      return { what, file: normExpr(fileExpr), strong: cls.strong, origin: cls.origin.steps };
    }
  },
});

interface Verdict {
  messageId: 'callerCreds' | 'wrongPrincipal';
  state: CredState;
  entry: string;
  cred: string;
}

/** Is this credential state wrong for the stack? */
function judge(s: CredState, stack: kb.Stack): Verdict | undefined {
  const entry = s.path[0] ? `${s.path[0].fn}()` : '';
  switch (s.kind) {
    case 'unknown':
    case 'mounter':
      return undefined;
    case 'caller':
      return { messageId: 'callerCreds', state: s, entry: `${entry}, ${s.how}`, cred: 'the calling task' };
    case 'kworker':
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
