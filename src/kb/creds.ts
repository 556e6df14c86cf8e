// Credentials: every way kernel code switches them, the calls that undo a
// switch, and the contexts that decide whose credentials a call runs with
// (kworkers, mount time, device configuration).

import { table, type Fact } from './source.js';

export interface CredForm extends Fact {
  kind: 'override' | 'scoped' | 'paired';
  /**
   * How to read the credential: an argument index, `kernel`, an overlayfs
   * superblock argument, or a field of an argument (`cache->cache_cred`).
   */
  cred: { arg: number } | 'kernel' | { ovlSbArg: number } | { argField: number; field: string; otherwise: string } | { fixed: string } | CredTemplate;
  /** For a `paired` form: the calls that end it (its own revert, not revert_creds()). */
  reverts?: string[];
  /** For a `paired` form: the argument the old creds are saved through (`&saved`), and the revert's argument that hands them back (1 and 1 unless said). */
  savedArg?: number;
  revertArg?: number;
  /** A scoped form that takes a block or one statement after it: `scoped_with_creds(c) { ... }`. */
  block?: boolean;
  /** A `paired` form that keeps the old creds in the object its savedArg names (`work->saved_cred`), undone in the same function by its revert on that object. */
  keptInObject?: boolean;
  /** Returns non-zero, having switched nothing, when it fails: `if (form(...)) goto out;` leaves with nothing to revert. */
  failsNonZero?: boolean;
  /** Returns NULL when it could not switch (access_override_creds()): the caller's `if (!old) return` leaks nothing. */
  failsNull?: boolean;
}

/**
 * The credentials of a wrapper the patch defines, as its body names them in
 * its parameters' terms: `ctx->cred` of `backing_file_begin(ctx)`, read at a
 * call site with the call's arguments in the parameters' places.
 */
export interface CredTemplate {
  template: string;
  params: string[];
}

/**
 * Every way kernel code switches credentials. Names are what appears at the
 * call site; `CLASS(override_creds, x)(c)` and `scoped_class(override_creds, ...)`
 * are matched by their first argument.
 */
export const CRED_FORMS: Record<string, CredForm> = table({
  override_creds: { kind: 'override', cred: { arg: 0 }, source: 'kernel/cred.c: override_creds() returns the old cred; revert_creds() restores it' },
  ovl_override_creds: { kind: 'override', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs/util.c: ovl_override_creds() = override_creds(ofs->creator_cred)' },
  // v6.13's light variants (no refcount taken), gone again in v6.14 when override_creds() itself became light
  override_creds_light: { kind: 'override', cred: { arg: 0 }, source: 'include/linux/cred.h: override_creds_light() (v6.13); revert_creds_light() restores' },
  ovl_override_creds_light: { kind: 'override', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs/util.c: ovl_override_creds_light() (v6.13 series) = override_creds_light(ofs->creator_cred)' },
  access_override_creds: { kind: 'override', cred: { arg: 0 }, failsNull: true, source: 'fs/open.c: access_override_creds() override_creds() a prepared copy with fsuid = uid and returns the old creds; do_faccessat() reverts them at out: with revert_creds(old_cred)' },
  scoped_with_creds: { kind: 'scoped', cred: { arg: 0 }, block: true, source: 'include/linux/cred.h: scoped_with_creds() (v6.18+)' },
  with_creds: { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cred.h: with_creds() (v6.18+): until end of scope' },
  scoped_with_kernel_creds: { kind: 'scoped', cred: 'kernel', block: true, source: 'include/linux/cred.h: scoped_with_kernel_creds()' },
  with_kernel_creds: { kind: 'scoped', cred: 'kernel', source: 'include/linux/cred.h: with_kernel_creds()' },
  with_ovl_creds: { kind: 'scoped', cred: { ovlSbArg: 0 }, block: true, source: 'fs/overlayfs/overlayfs.h: with_ovl_creds(sb) (v6.18+), scoped_class(override_creds_ovl, ...): the block or statement after it' },
  'CLASS(override_creds)': { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cred.h: DEFINE_CLASS(override_creds, ...)' },
  'scoped_class(override_creds)': { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cred.h: scoped_with_kernel_creds() expands to scoped_class(override_creds, ...)' },
  'CLASS(override_creds_ovl)': { kind: 'scoped', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs/overlayfs.h: DEFINE_CLASS(override_creds_ovl, ...) (v6.18+)' },
  'scoped_class(override_creds_ovl)': { kind: 'scoped', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs: scoped_class(override_creds_ovl, old, sb)' },
  'guard(cred)': { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cleanup.h guard() over a cred class' },
  cachefiles_begin_secure: {
    kind: 'paired',
    cred: { argField: 0, field: 'cache_cred', otherwise: 'cache' },
    reverts: ['cachefiles_end_secure'],
    source: 'fs/cachefiles/internal.h: cachefiles_begin_secure() = override_creds(cache->cache_cred); cachefiles_end_secure() reverts',
  },
  ksmbd_override_fsids: {
    kind: 'paired',
    cred: { fixed: "the session user's fsuid/fsgid and groups" },
    reverts: ['ksmbd_revert_fsids'],
    savedArg: 0,
    revertArg: 0,
    keptInObject: true,
    failsNonZero: true,
    source: 'fs/smb/server/smb_common.c: ksmbd_override_fsids(work) = __ksmbd_override_fsids(): work->saved_cred = override_creds() of a prepare_creds() copy with the share\'s or session user\'s fsuid/fsgid, -ENOMEM/-EINVAL when nothing was switched; ksmbd_revert_fsids(work) reverts to work->saved_cred',
  },
  ovl_prep_cu_creds: {
    kind: 'paired',
    cred: { fixed: "the LSM's copy-up credentials (security_inode_copy_up())" },
    reverts: ['ovl_revert_cu_creds'],
    savedArg: 1,
    revertArg: 0,
    keptInObject: true,
    failsNonZero: true,
    source: 'fs/overlayfs/copy_up.c: ovl_prep_cu_creds(dentry, &cc) = cc->old = override_creds(cc->new) when security_inode_copy_up() gave new creds, an error return when nothing was switched; ovl_revert_cu_creds(&cc) reverts to cc->old and puts cc->new',
  },
  nfs4_save_creds: {
    kind: 'paired',
    cred: { fixed: "a copy of the task's creds with fsuid/fsgid root" },
    reverts: ['nfs4_reset_creds'],
    savedArg: 0,
    revertArg: 0,
    failsNonZero: true,
    source: 'fs/nfsd/nfs4recover.c: nfs4_save_creds(&original) = override_creds() of a prepare_creds() copy with fsuid/fsgid GLOBAL_ROOT_*, an error return when nothing was switched; nfs4_reset_creds(original) = revert_creds(original)',
  },
});

/**
 * Structure fields that hold a user's credentials by construction, keyed
 * `struct type.field`: whoever opened the file a request serves. Handed to
 * a stack's backing file (nfs localio switching to the request's
 * `hdr->cred`), they are that user's, not the stack's principal.
 */
export const USER_CRED_FIELDS: Record<string, Fact & { whose: string }> = table({
  'nfs_pgio_header.cred': { whose: "the credentials of the NFS user whose open context issued the request (nfs_pgheader_init(): hdr->cred = nfs_req_openctx(req)->cred)", source: 'fs/nfs/pagelist.c: nfs_pgheader_init() sets hdr->cred from the request\'s open context' },
  'nfs_commit_data.cred': { whose: "the credentials of the NFS user whose open context issued the commit (nfs_init_commit(): data->cred = ctx->cred)", source: 'fs/nfs/write.c: nfs_init_commit() takes data->cred from the first request\'s open context' },
  'nfs_open_context.cred': { whose: "the credentials of the user who opened the NFS file (alloc_nfs_open_context(): ctx->cred = get_cred(filp->f_cred))", source: 'fs/nfs/inode.c: alloc_nfs_open_context() takes the opener\'s f_cred' },
});

/** Calls that return their argument's credentials with a reference taken. */
export const CRED_PASSTHROUGH: Record<string, Fact> = table({
  get_cred: { source: 'include/linux/cred.h: get_cred()' },
  get_new_cred: { source: 'include/linux/cred.h: get_new_cred()' },
  get_cred_rcu: { source: 'include/linux/cred.h: get_cred_rcu()' },
});

/**
 * Calls that store a value into the place their first argument points at:
 * the index of the value (`cmpxchg(&fb->cred, NULL, cred)` stores `cred`).
 */
export const POINTER_STORES: Record<string, Fact & { valueArg: number }> = table({
  cmpxchg: { valueArg: 2, source: 'include/linux/atomic/atomic-instrumented.h: cmpxchg(ptr, old, new)' },
  try_cmpxchg: { valueArg: 2, source: 'include/linux/atomic/atomic-instrumented.h: try_cmpxchg(ptr, oldp, new)' },
  xchg: { valueArg: 1, source: 'include/linux/atomic/atomic-instrumented.h: xchg(ptr, new)' },
  WRITE_ONCE: { valueArg: 1, source: 'include/asm-generic/rwonce.h: WRITE_ONCE(x, val)' },
  rcu_assign_pointer: { valueArg: 1, source: 'include/linux/rcupdate.h: rcu_assign_pointer(p, v)' },
  smp_store_release: { valueArg: 1, source: 'include/asm-generic/barrier.h: smp_store_release(p, v)' },
});

/** Calls that undo an `override`/`paired` form. */
export const CRED_REVERTS: Record<string, Fact> = table({
  revert_creds: { source: 'kernel/cred.c: revert_creds()' },
  ovl_revert_creds: { source: 'fs/overlayfs/util.c: ovl_revert_creds() (v6.13+)' },
  revert_creds_light: { source: 'include/linux/cred.h: revert_creds_light() (v6.13)' },
  cachefiles_end_secure: { source: 'fs/cachefiles/internal.h: cachefiles_end_secure()' },
});

/**
 * The credential form of a call: a known one, or one that reads like one.
 * Patches on the lists carry forms that come and go between versions and RFCs
 * (override_creds_light(), cred_guard(), ovl_override_creds_light()): treating
 * them as some scope, of credentials we may not judge, is what keeps a rule
 * from claiming "no override on this path" when there is one.
 */
export function credFormFor(callee: string): { key: string; form: CredForm; generic?: boolean } | undefined {
  // (the thread's own first: a known switch whose revert the series renames is ended by the new name too)
  const own = derived.forms.get(callee);
  if (own) return { key: callee, form: own };
  const known = CRED_FORMS[callee];
  if (known) return { key: callee, form: known };
  // both generic forms below name creds (a fast way out: this runs for every identifier of a hunk)
  if (!callee.includes('cred')) return undefined;
  const paren = callee.indexOf('(');
  const bare = paren < 0 ? callee : callee.slice(0, paren);
  // a predicate that asks whether to override (access_need_override_creds()) switches nothing
  if (/override_creds/.test(callee) && !/^(put|get)_/.test(bare) && !/(^|_)(need|needs|should|can|may|is|has)_/.test(bare)) {
    return { key: callee, generic: true, form: { kind: 'override', cred: /ovl/.test(callee) ? { ovlSbArg: 0 } : { arg: 0 }, source: 'a variant of override_creds()' } };
  }
  if (/cred/.test(callee) && /(^|_|\()(guard|scoped|with)(_|\(|$)|_guard\b/.test(callee)) {
    return { key: callee, generic: true, form: { kind: 'scoped', cred: { arg: 0 }, source: 'a scoped credential guard' } };
  }
  return undefined;
}

export function isCredRevert(callee: string): boolean {
  return !!CRED_REVERTS[callee] || /revert_creds/.test(callee) || derived.reverts.has(callee);
}

/** A known form by its exact name: the table's, or a wrapper of one the patch under review defines. */
export function credForm(name: string): CredForm | undefined {
  return derived.forms.get(name) ?? CRED_FORMS[name];
}

/**
 * Credential wrappers the patches under review define: a function (or macro)
 * that is nothing but a switch, `return override_creds(ctx->cred);`, or
 * nothing but a revert. The kernel has one (ovl_override_creds(), in the
 * table); a series that adds `backing_file_begin()`/`backing_file_end()`
 * switches and reverts through them, and a reader that does not know that
 * takes every call path through them for one with no switch at all.
 */
export interface DerivedCredForms {
  forms: ReadonlyMap<string, CredForm>;
  reverts: ReadonlySet<string>;
}

let derived: DerivedCredForms = { forms: new Map(), reverts: new Set() };

/** The wrappers of the thread under review, in force until the returned function restores the ones before. */
export function useDerivedCredForms(d: DerivedCredForms): () => void {
  const before = derived;
  derived = d;
  return () => {
    derived = before;
  };
}

/** The names of the wrappers in force (a text that calls none reads the same with or without them). */
export function derivedCredNames(): string[] {
  return [...derived.forms.keys(), ...derived.reverts];
}

/** Calls that end a `paired` form: never the revert of a plain override. */
export const PAIRED_REVERTS: ReadonlySet<string> = new Set(Object.values(CRED_FORMS).flatMap((f) => f.reverts ?? []));

/** Does `callee` undo this form? A paired form has its own reverts; an override any revert_creds() kind but those. */
export function revertsForm(form: CredForm, callee: string): boolean {
  if (form.kind === 'paired') return !!form.reverts?.includes(callee);
  return isCredRevert(callee) && !PAIRED_REVERTS.has(callee);
}

/** Functions whose argument runs from a kworker (workqueue and kthread APIs): name -> argument index, with kernel creds. */
export const WORK_APIS: Record<string, number> = table({
  INIT_WORK: 1,
  INIT_WORK_ONSTACK: 1,
  INIT_DELAYED_WORK: 1,
  INIT_DEFERRABLE_WORK: 1,
  DECLARE_WORK: 1,
  DECLARE_DELAYED_WORK: 1,
  INIT_RCU_WORK: 1,
  kthread_init_work: 1,
  kthread_run: 0,
  kthread_create: 0,
});
/** Where WORK_APIS comes from. */
export const WORK_APIS_SOURCE = 'include/linux/workqueue.h: INIT_WORK() and friends; include/linux/kthread.h: kthread_run(), kthread_create(), kthread_init_work(): the function runs in a kernel thread with kernel credentials';

/** Ops run while mounting, by the mounter itself (include/linux/fs_context.h, include/linux/fs.h: struct file_system_type). */
export const MOUNT_TIME_OPS: ReadonlySet<string> = new Set(['fs_context_operations', 'file_system_type']);

/**
 * Ops slots the subsystem calls only from its own work items: the method
 * runs in a kworker, with kernel credentials, whoever asked for it.
 */
export const WORKER_SLOTS: Record<string, Fact> = table({
  'fscache_cache_ops.invalidate_cookie': { source: 'fs/netfs/fscache_cookie.c: fscache_perform_invalidation() calls ->invalidate_cookie() from fscache_cookie_state_machine(), which only fscache_cookie_worker() runs (__fscache_invalidate() queues the cookie)' },
});

/**
 * Ops tables a driver calls from its own command path, in whatever context
 * the transport submits from (a fabric's kthread or workqueue, a vhost
 * worker, a SCSI host's queuecommand): whose credentials are in force there
 * is not the calling task's, nor known. A method of one is an entry whose
 * credentials the graph cannot tell.
 */
export const COMMAND_CONTEXT_TABLES: Record<string, Fact> = table({
  exec_cmd_ops: { source: "include/target/target_core_backend.h: struct exec_cmd_ops, called by sbc_parse_cdb()'s cmd->execute_cmd from target_execute_cmd() (target_core_transport.c), in the fabric's submission context or target_submission_wq" },
  target_backend_ops: { source: 'include/target/target_core_backend.h: struct target_backend_ops; ->parse_cdb() and the execute paths run from target_core_transport.c in the fabric\'s context; ->configure_device() from configfs (the administrator)' },
});

/**
 * Block device configuration (loop's LOOP_SET_FD, LOOP_CHANGE_FD...): the
 * caller is the administrator who set the backing file up, like a mounter
 * (drivers/block/loop.c: lo_ioctl(), loop_configure()).
 */
export const CONFIG_SLOTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([['block_device_operations', new Set(['ioctl', 'compat_ioctl', 'open', 'release'])]]);

/**
 * Functions called, from outside the code the embedded model holds, by the
 * task whose I/O they serve: an entry point like an ops method, for a
 * patch-only check that cannot see the caller. (With a tree the callers are
 * followed instead.)
 */
export const CALLER_ENTRIES: Record<string, Fact & { how: string }> = table({
  nfs_local_doio: { how: "the NFS client's I/O path", source: "fs/nfs/pagelist.c: nfs_initiate_pgio() calls nfs_local_doio() from the pageio descriptor's pg_doio (nfs_generic_pg_pgios()), in the task that issues the read or write" },
});
