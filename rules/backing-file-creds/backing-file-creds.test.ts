import { describe, expect, it } from 'vitest';
import { loadKtree, ruleTester, runCase, type InvalidCase, type ValidCase } from '../../test/support/rule-tester.js';

const RULE = ['backing-file-creds'];

const READ_FOLIO_RAW =
  'static int erofs_fileio_read_raw(struct erofs_fileio_rq *rq, void *buf, size_t len)\n{\n\tloff_t pos = 0;\n\n\treturn kernel_read(rq->iocb.ki_filp, buf, len, &pos);\n}\n\n';

// An overlayfs-like open of the real file: backing_file_open() makes its cred the real file's f_cred (fs/backing-file.c).
const OVL_OPEN_REALFILE =
  'static struct file *ovl_open_realfile(const struct file *file, const struct path *realpath)\n{\n\tconst struct cred *old_cred;\n\tstruct file *realfile;\n\n\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\trealfile = backing_file_open(file, file->f_flags, realpath, current_cred());\n\trevert_creds(old_cred);\n\treturn realfile;\n}\n\nstatic int ovl_open(struct inode *inode, struct file *file)\n{\n\tstruct path realpath;\n\n\tovl_path_realdata(file_inode(file), &realpath);\n\treturn PTR_ERR_OR_ZERO(ovl_open_realfile(file, &realpath));\n}\n\n';
const OVL_WITH_OPEN = (t: string): string => t.replace('static ssize_t ovl_read_iter(', OVL_OPEN_REALFILE + 'static ssize_t ovl_read_iter(').replace('\t.read_iter\t= ovl_read_iter,', '\t.open\t\t= ovl_open,\n\t.read_iter\t= ovl_read_iter,');

// An nfs-localio-like client: the iocb is set up by the submitting task, the read runs from a work item as the file's opener.
const NFS_LOCALIO =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: an NFS client reading a local file nfsd opened, from a work item. */\n#include <linux/nfslocalio.h>\n\nstruct nfs_local_kiocb {\n\tstruct kiocb\t\tkiocb;\n\tstruct work_struct\twork;\n\tconst struct cred\t*cred;\n};\n\nstatic struct nfs_local_kiocb *nfs_local_iocb_alloc(struct file *file)\n{\n\tstruct nfs_local_kiocb *iocb = kmalloc(sizeof(*iocb), GFP_KERNEL);\n\n\tinit_sync_kiocb(&iocb->kiocb, file);\n\treturn iocb;\n}\n\nstatic void nfs_local_call_read(struct work_struct *work)\n{\n\tstruct nfs_local_kiocb *iocb = container_of(work, struct nfs_local_kiocb, work);\n\tstruct file *filp = iocb->kiocb.ki_filp;\n\tconst struct cred *save_cred;\n\tstruct iov_iter iter;\n\n\tsave_cred = override_creds(filp->f_cred);\n\tvfs_iocb_iter_read(filp, &iocb->kiocb, &iter);\n\trevert_creds(save_cred);\n}\n\nstatic int nfs_do_local_read(struct nfs_pageio_descriptor *desc, struct nfsd_file *localio)\n{\n\tstruct file *file = nfs_to->nfsd_file_file(localio);\n\tstruct nfs_local_kiocb *iocb = nfs_local_iocb_alloc(file);\n\n\tINIT_WORK(&iocb->work, nfs_local_call_read);\n\tqueue_work(nfslocaliod_workqueue, &iocb->work);\n\treturn 0;\n}\n\nstatic const struct nfs_pageio_ops nfs_local_pgio_ops = {\n\t.pg_doio\t= nfs_do_local_read,\n};\n';

// An overlayfs-like helper in a file of its own, syncing the real file with no switch of its own.
const OVL_UTIL = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs helpers. */\n#include "overlayfs.h"\n\nint ovl_sync_realfile(struct file *realfile)\n{\n\treturn vfs_fsync(realfile, 0);\n}\n';

/** ovl_flush() as 6.12 has it: the real file's ->flush() under the mounter's override. */
const OVL_FLUSH = loadKtree()['fs/overlayfs/file.c']!.replace('const struct file_operations ovl_file_operations = {\n', 'static int ovl_flush(struct file *file, fl_owner_t id)\n{\n\tstruct file *realfile = ovl_real_file(file);\n\tconst struct cred *old_cred;\n\tint err = 0;\n\n\tif (IS_ERR(realfile))\n\t\treturn PTR_ERR(realfile);\n\tif (realfile->f_op->flush) {\n\t\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\t\terr = realfile->f_op->flush(realfile, id);\n\t\trevert_creds(old_cred);\n\t}\n\treturn err;\n}\n\nconst struct file_operations ovl_file_operations = {\n\t.flush\t\t= ovl_flush,\n');

/** nfsd-like: the credentials on entry saved, a callee that installs the client's (nfsd_setuser()), then restored. */
const NFSD_LOCAL = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a server helper whose callee switches to the client\'s credentials. */\n#include <linux/cred.h>\n\n__be32 xnfsd_acquire_local(struct net *net, struct svc_fh *fhp, struct xnfsd_file **pnf)\n{\n\tconst struct cred *save_cred = get_current_cred();\n\t__be32 beres;\n\n\tberes = xnfsd_do_acquire(net, fhp, pnf);\n\trevert_creds(save_cred);\n\treturn beres;\n}\n';

/** ksmbd-like: the session user's fsids switched for the request, kept in the work item, reverted before the error label. */
const KSMBD_QUERY = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: an SMB server request handler acting as the session user. */\n#include "smb_common.h"\n\nint xsmb_query_info(struct ksmbd_work *work)\n{\n\tint rc;\n\n\tif (ksmbd_override_fsids(work)) {\n\t\trc = -ENOMEM;\n\t\tgoto err_out;\n\t}\n\n\trc = xsmb_get_info(work);\n\tksmbd_revert_fsids(work);\n\tif (!rc)\n\t\treturn 0;\nerr_out:\n\txsmb_set_error(work, rc);\n\treturn rc;\n}\n';

// An overlayfs-like fsync long enough that a hunk near the override shows neither the revert nor the end.
const OVL_LONG_FSYNC = (t: string): string => t.replace(
  '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);',
  '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = ovl_sync_dirs(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = ovl_sync_xattrs(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = ovl_sync_acls(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = ovl_sync_times(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = vfs_fsync_range(realfile, start, end, datasync);\nout:',
);

/** An nfs-localio-like commit: a context allocated by the committing task, the fsync run from a work item. */
const NFS_LOCAL_COMMIT = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: an NFS client committing a local file from a work item. */\n#include <linux/nfslocalio.h>\n\nstruct nfs_local_fsync_ctx {\n\tstruct file\t\t*filp;\n\tstruct work_struct\twork;\n\tconst struct cred\t*cred;\n};\n\nstatic int nfs_local_run_commit(struct file *filp)\n{\n\treturn vfs_fsync_range(filp, 0, LLONG_MAX, 0);\n}\n\nstatic void nfs_local_fsync_work(struct work_struct *work)\n{\n\tstruct nfs_local_fsync_ctx *ctx = container_of(work, struct nfs_local_fsync_ctx, work);\n\n\tnfs_local_run_commit(ctx->filp);\n}\n\nstruct nfs_local_fsync_ctx *nfs_local_fsync_ctx_alloc(struct file *filp)\n{\n\tstruct nfs_local_fsync_ctx *ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);\n\n\tctx->filp = filp;\n\tINIT_WORK(&ctx->work, nfs_local_fsync_work);\n\treturn ctx;\n}\n';

/** ovl_fsync() with error paths: \`out:\` before the revert, \`out_put:\` past it (a goto there leaves overridden). */
const OVL_EXIT_FSYNC = (t: string): string => t.replace(
  '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);\n\treturn ret;',
  '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = ovl_sync_dirs(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = ovl_sync_xattrs(realfile);\n\tif (ret)\n\t\tgoto out;\n\tret = vfs_fsync_range(realfile, start, end, datasync);\nout:\n\trevert_creds(old_cred);\nout_put:\n\tovl_put_realfile(realfile);\n\treturn ret;',
);

/** backing_file_read_iter() with a sync and an async branch under one override, as fs/backing-file.c has it. */
const BACKING_TWO_BRANCHES = (t: string): string => t.replace(
  '\told_cred = override_creds(ctx->cred);\n\tret = vfs_iter_read(file, iter, &iocb->ki_pos, flags);\n\trevert_creds(old_cred);',
  '\told_cred = override_creds(ctx->cred);\n\tif (is_sync_kiocb(iocb))\n\t\tret = vfs_iter_read(file, iter, &iocb->ki_pos, flags);\n\telse\n\t\tret = vfs_iocb_iter_read(file, iocb, iter);\n\trevert_creds(old_cred);',
);

/** ovl_open_realfile() as 6.12 has it, long enough that two hunks leave the override between them unseen. */
const OVL_LONG_OPEN = (t: string): string => OVL_WITH_OPEN(t).replace(OVL_OPEN_REALFILE.slice(0, OVL_OPEN_REALFILE.indexOf('static int ovl_open(')), `static struct file *ovl_open_realfile(const struct file *file, const struct path *realpath)
{
	struct inode *realinode = d_inode(realpath->dentry);
	struct inode *inode = file_inode(file);
	struct mnt_idmap *real_idmap;
	struct file *realfile;
	const struct cred *old_cred;
	int flags = file->f_flags | OVL_OPEN_FLAGS;
	int acc_mode = ACC_MODE(flags);
	int err;

	if (flags & O_APPEND)
		acc_mode |= MAY_APPEND;

	old_cred = ovl_override_creds(inode->i_sb);
	real_idmap = mnt_idmap(realpath->mnt);
	err = inode_permission(real_idmap, realinode, MAY_OPEN | acc_mode);
	if (err) {
		realfile = ERR_PTR(err);
	} else {
		if (!inode_owner_or_capable(real_idmap, realinode))
			flags &= ~O_NOATIME;
		realfile = backing_file_open(file,
					     flags, realpath, current_cred());
	}
	revert_creds(old_cred);

	return realfile;
}

`);

/** nfsd's recovery directory, opened under nfs4_save_creds() (fsuid root). */
const NFSD_RECDIR = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: nfsd opening its recovery directory as root. */\n#include "nfsd.h"\n\nstatic int nfsd4_init_recdir(struct nfsd_net *nn)\n{\n\tconst struct cred *original_cred;\n\tint status;\n\n\tstatus = nfs4_save_creds(&original_cred);\n\tif (status < 0)\n\t\treturn status;\n\n\tnn->rec_file = filp_open(user_recovery_dirname, O_RDONLY | O_DIRECTORY, 0);\n\tif (IS_ERR(nn->rec_file)) {\n\t\tstatus = PTR_ERR(nn->rec_file);\n\t\tnn->rec_file = NULL;\n\t}\n\n\tnfs4_reset_creds(original_cred);\n\treturn status;\n}\n';

/** cachefiles' withdrawal: an unlink under cachefiles_begin_secure() in the caller. */
const CACHEFILES_WITHDRAW = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: cachefiles withdrawing an object. */\n#include "internal.h"\n\nstatic void cachefiles_unlink(struct cachefiles_cache *cache, struct dentry *dir, struct dentry *dentry)\n{\n\tvfs_unlink(&nop_mnt_idmap, d_inode(dir), dentry, NULL);\n}\n\nstatic void cachefiles_clean_up_object(struct cachefiles_object *object, struct cachefiles_cache *cache)\n{\n\tif (test_bit(FSCACHE_COOKIE_RETIRED, &object->cookie->flags))\n\t\tcachefiles_unlink(cache, object->dir, object->dentry);\n\telse\n\t\tcachefiles_commit_object(object, cache);\n}\n\nstatic void cachefiles_withdraw_cookie(struct fscache_cookie *cookie)\n{\n\tstruct cachefiles_object *object = cookie->cache_priv;\n\tstruct cachefiles_cache *cache = object->volume->cache;\n\tconst struct cred *saved_cred;\n\n\tcachefiles_begin_secure(cache, &saved_cred);\n\tcachefiles_clean_up_object(object, cache);\n\tcachefiles_end_secure(cache, saved_cred);\n}\n\nconst struct fscache_cache_ops cachefiles_cache_ops = {\n\t.withdraw_cookie\t= cachefiles_withdraw_cookie,\n};\n';

/** An nfs-localio-like iocb whose credentials its allocator keeps (get_cred(cred)) and the work item switches to. */
const NFS_LOCALIO_CRED = NFS_LOCALIO.replace(
  'static struct nfs_local_kiocb *nfs_local_iocb_alloc(struct file *file)\n{\n\tstruct nfs_local_kiocb *iocb = kmalloc(sizeof(*iocb), GFP_KERNEL);\n\n\tinit_sync_kiocb(&iocb->kiocb, file);\n',
  'static struct nfs_local_kiocb *nfs_local_iocb_alloc(struct file *file, const struct cred *cred)\n{\n\tstruct nfs_local_kiocb *iocb = kmalloc(sizeof(*iocb), GFP_KERNEL);\n\n\tinit_sync_kiocb(&iocb->kiocb, file);\n\tiocb->cred = get_cred(cred);\n',
).replace('override_creds(filp->f_cred)', 'override_creds(iocb->cred)').replace('nfs_local_iocb_alloc(file);', 'nfs_local_iocb_alloc(file, file->f_cred);');

/** A SCSI-target-like file backstore: commands reach it through its exec_cmd_ops, in the fabric's context. */
const TARGET_FILE = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a SCSI target file backstore. */\n#include <target/target_core_backend.h>\n\nstruct fd_dev {\n\tstruct file\t*fd_file;\n};\n\nstatic sense_reason_t fd_execute_rw(struct se_cmd *cmd, struct fd_dev *fd_dev, struct iov_iter *iter, loff_t pos)\n{\n\tssize_t ret;\n\n\tret = vfs_iter_write(fd_dev->fd_file, iter, &pos, 0);\n\treturn ret < 0 ? TCM_LOGICAL_UNIT_COMMUNICATION_FAILURE : 0;\n}\n\nstatic struct exec_cmd_ops fd_exec_cmd_ops = {\n\t.execute_rw\t= fd_execute_rw,\n};\n';

/** An overlayfs-like getattr: vfs_getattr() on the real path ovl_path_real() fills, under the override. */
const OVL_XSTAT = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: an overlayfs getattr. */\n#include "overlayfs.h"\n\nstatic int ovl_xstat(struct mnt_idmap *idmap, const struct path *path, struct kstat *stat, u32 request_mask, unsigned int flags)\n{\n\tstruct dentry *dentry = path->dentry;\n\tstruct path realpath;\n\tconst struct cred *old_cred;\n\tint err;\n\n\tovl_path_real(dentry, &realpath);\n\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = vfs_getattr(&realpath, stat, request_mask, flags);\n\tif (!err)\n\t\tstat->dev = dentry->d_sb->s_dev;\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nconst struct inode_operations ovl_xstat_iops = {\n\t.getattr\t= ovl_xstat,\n};\n';

/** A cachefiles-like replacement of a cache file from ->invalidate_cookie(), which fscache runs from its cookie worker. */
const CACHEFILES_INVAL = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: cachefiles invalidation. */\n#include "internal.h"\n\nstatic struct file *cachefiles_new_tmpfile(struct cachefiles_cache *cache, struct path *parentpath, const struct cred *cred)\n{\n\treturn kernel_tmpfile_open(&nop_mnt_idmap, parentpath, S_IFREG | 0600, O_RDWR | O_LARGEFILE | O_DIRECT, cred);\n}\n\nstatic bool cachefiles_inval(struct fscache_cookie *cookie)\n{\n\tstruct cachefiles_object *object = cookie->cache_priv;\n\tstruct cachefiles_cache *cache = object->volume->cache;\n\tstruct file *file;\n\n\tfile = cachefiles_new_tmpfile(cache, &object->volume->path, cache->cache_cred);\n\treturn !IS_ERR(file);\n}\n\nconst struct fscache_cache_ops cachefiles_inval_ops = {\n\t.invalidate_cookie\t= cachefiles_inval,\n};\n';

/** NFS_LOCALIO_CRED with a reader long enough that a hunk near the allocation shows neither its head nor another call. */
const NFS_LOCALIO_CRED_LONG = NFS_LOCALIO_CRED.replace(
  '\tstruct nfs_local_kiocb *iocb = nfs_local_iocb_alloc(file, file->f_cred);\n',
  '\tstruct nfs_local_kiocb *iocb;\n\n\tif (!file)\n\t\treturn -EIO;\n\tnfs_local_trace_read(file);\n\tnfs_local_account_read(desc);\n\tdesc->pg_error = 0;\n\tdesc->pg_count = 0;\n\t/* the work item reads the local file */\n\tiocb = nfs_local_iocb_alloc(file, file->f_cred);\n\tif (!iocb)\n\t\treturn -ENOMEM;\n\tiocb->hdr = NULL;\n\n',
);

/** An overlayfs-like setattr: the upper dentry changed through the ovl_do_*() wrapper, inside the override. */
const OVL_SETATTR = '// synthetic\n#include "overlayfs.h"\n\nstatic inline int ovl_do_notify_change(struct ovl_fs *ofs, struct dentry *upperdentry, struct iattr *attr)\n{\n\treturn notify_change(ovl_upper_mnt_idmap(ofs), upperdentry, attr, NULL);\n}\n\nint ovl_setattr(struct mnt_idmap *idmap, struct dentry *dentry, struct iattr *attr)\n{\n\tstruct ovl_fs *ofs = OVL_FS(dentry->d_sb);\n\tstruct dentry *upperdentry = ovl_dentry_upper(dentry);\n\tconst struct cred *old_cred;\n\tint err;\n\n\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nconst struct inode_operations ovl_file_inode_operations = {\n\t.setattr\t= ovl_setattr,\n};\n';

/** An nfs-localio-like read worker: the local file read under its own f_cred. */
const LOCALIO_READ = '// synthetic\n#include "internal.h"\n\nstatic void nfs_local_call_read(struct work_struct *work)\n{\n\tstruct nfs_local_kiocb *iocb = container_of(work, struct nfs_local_kiocb, work);\n\tstruct file *filp = iocb->kiocb.ki_filp;\n\tconst struct cred *save_cred;\n\tstruct iov_iter iter;\n\tssize_t status;\n\n\tsave_cred = override_creds(filp->f_cred);\n\tstatus = vfs_iocb_iter_read(filp, &iocb->kiocb, &iter);\n\trevert_creds(save_cred);\n\tnfs_local_read_done(iocb, status);\n}\n\nint nfs_do_local_read(struct nfs_local_kiocb *iocb)\n{\n\tINIT_WORK(&iocb->work, nfs_local_call_read);\n\tqueue_work(nfslocaliod_workqueue, &iocb->work);\n\treturn 0;\n}\n';

/** An nvmet-like worker whose early return sits between lines a patch's hunks would show. */
const NVMET_ZEROES = '// synthetic\n#include "nvmet.h"\n\nstatic void nvmet_file_write_zeroes_work(struct work_struct *w)\n{\n\tstruct nvmet_req *req = container_of(w, struct nvmet_req, f.work);\n\tloff_t offset;\n\tloff_t len;\n\tint ret;\n\n\toffset = req->offset;\n\tlen = req->len;\n\tret = 0;\n\tret = 0;\n\tif (unlikely(offset + len > req->ns->size)) {\n\t\tnvmet_req_complete(req, -ENOSPC);\n\t\treturn;\n\t}\n\tret = 0;\n\tret = 0;\n\tret = 0;\n\tret = 0;\n\tret = vfs_fallocate(req->ns->file, 0, offset, len);\n\tnvmet_req_complete(req, ret);\n}\n';

/** An overlayfs-like xattr set: error gotos to a label past the revert, before the override. */
const OVL_XATTR = '// synthetic\n#include "overlayfs.h"\n\nstatic int ovl_xattr_set(struct dentry *dentry, const char *name, const void *value, size_t size)\n{\n\tstruct dentry *upperdentry = ovl_dentry_upper(dentry);\n\tconst struct cred *old_cred;\n\tint err;\n\n\terr = ovl_want_write(dentry);\n\tif (err)\n\t\tgoto out;\n\terr = 0;\n\terr = 0;\n\terr = 0;\n\terr = 0;\n\terr = 0;\n\terr = ovl_copy_up(dentry);\n\tif (err)\n\t\tgoto out;\n\n\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = vfs_setxattr(&nop_mnt_idmap, upperdentry, name, value, size, 0);\n\trevert_creds(old_cred);\n\tovl_drop_write(dentry);\nout:\n\treturn err;\n}\n';

/** A cachefiles-like on-demand write: the space work inside the cache's switch, the data outside. */
const CACHEFILES_ONDEMAND = '// synthetic\n#include "internal.h"\n\nstatic int xcache_prepare(struct cachefiles_object *object, struct file *file, loff_t pos, size_t len)\n{\n\treturn vfs_fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, len);\n}\n\nstatic ssize_t cachefiles_ondemand_fd_write_iter(struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tstruct cachefiles_object *object = kiocb->ki_filp->private_data;\n\tstruct cachefiles_cache *cache = object->volume->cache;\n\tstruct file *file = object->file;\n\tconst struct cred *saved_cred;\n\tint ret;\n\n\tcachefiles_begin_secure(cache, &saved_cred);\n\tret = xcache_prepare(object, file, kiocb->ki_pos, iter->count);\n\tcachefiles_end_secure(cache, saved_cred);\n\tif (ret < 0)\n\t\treturn ret;\n\treturn vfs_iocb_iter_write(file, kiocb, iter);\n}\n\nstatic const struct file_operations cachefiles_ondemand_fd_fops = {\n\t.write_iter\t= cachefiles_ondemand_fd_write_iter,\n};\n';

/** An overlayfs-like fsync helper that switches to the credentials its caller hands in. */
const OVL_FSYNC_CRED_PARAM = '// synthetic\n#include "overlayfs.h"\n\nstatic ssize_t ovl_real_fsync(struct file *realfile, const struct cred *cred, int datasync)\n{\n\tconst struct cred *old_cred;\n\tssize_t ret;\n\n\told_cred = override_creds(cred);\n\tret = vfs_fsync(realfile, datasync);\n\trevert_creds(old_cred);\n\treturn ret;\n}\n\nstatic int ovl_fsync(struct file *file, loff_t start, loff_t end, int datasync)\n{\n\tstruct file *realfile = ovl_real_file(file);\n\n\treturn ovl_real_fsync(realfile, ovl_creds(file_inode(file)->i_sb), datasync);\n}\n\nconst struct file_operations ovl_file_operations = {\n\t.fsync\t\t= ovl_fsync,\n};\n';

/** erofs-like metadata buffers on block devices only, read by a helper on the buffer's mapping. */
const XEROFS_BUF = '// synthetic\n#include "internal.h"\n\nstatic void xerofs_init_metabuf(struct erofs_buf *buf, struct super_block *sb)\n{\n\tstruct erofs_sb_info *sbi = EROFS_SB(sb);\n\n\tbuf->file = NULL;\n\tbuf->mapping = sb->s_bdev->bd_mapping;\n}\n\nstatic void *xerofs_bread(struct erofs_buf *buf, erofs_off_t offset)\n{\n\tstruct folio *folio = read_mapping_folio(buf->mapping, offset >> PAGE_SHIFT, buf->file);\n\n\treturn IS_ERR(folio) ? folio : folio_address(folio);\n}\n\nstatic int xerofs_fill_super(struct super_block *sb, struct fs_context *fc)\n{\n\tstruct erofs_buf buf = __EROFS_BUF_INITIALIZER;\n\n\txerofs_init_metabuf(&buf, sb);\n\treturn PTR_ERR_OR_ZERO(xerofs_bread(&buf, 0));\n}\n\nstatic const struct fs_context_operations xerofs_context_ops = {\n\t.get_tree\t= xerofs_fill_super,\n};\n';

/** cachefiles_lookup_cookie() as 6.12 has it: the success path ends the secure section, and so does the error path after its label. */
const CACHEFILES_LOOKUP = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: cachefiles looking an object up. */\n#include "internal.h"\n\nstatic int cachefiles_adjust_size(struct cachefiles_object *object)\n{\n\tstruct iattr newattrs;\n\tstruct file *file = object->file;\n\n\tnewattrs.ia_size = object->cookie->object_size;\n\tnewattrs.ia_valid = ATTR_SIZE;\n\treturn notify_change(&nop_mnt_idmap, file->f_path.dentry, &newattrs, NULL);\n}\n\nstatic bool cachefiles_lookup_cookie(struct fscache_cookie *cookie)\n{\n\tstruct cachefiles_object *object;\n\tstruct cachefiles_cache *cache = cookie->volume->cache->cache_priv;\n\tconst struct cred *saved_cred;\n\tbool success;\n\n\tobject = cachefiles_alloc_object(cookie);\n\tif (!object)\n\t\tgoto fail;\n\n\tcachefiles_begin_secure(cache, &saved_cred);\n\n\tsuccess = cachefiles_look_up_object(object);\n\tif (!success)\n\t\tgoto fail_withdraw;\n\n\tcachefiles_see_object(object, cachefiles_obj_see_lookup_cookie);\n\n\tspin_lock(&cache->object_list_lock);\n\tlist_add(&object->cache_link, &cache->object_list);\n\tspin_unlock(&cache->object_list_lock);\n\tcachefiles_adjust_size(object);\n\n\tcachefiles_end_secure(cache, saved_cred);\n\t_leave(" = t");\n\treturn true;\n\nfail_withdraw:\n\tcachefiles_end_secure(cache, saved_cred);\n\tcachefiles_see_object(object, cachefiles_obj_see_lookup_failed);\n\tfscache_caching_failed(cookie);\n\t_debug("failed c=%08x o=%08x", cookie->debug_id, object->debug_id);\n\treturn false;\n\nfail:\n\treturn false;\n}\n\nconst struct fscache_cache_ops cachefiles_cache_ops = {\n\t.lookup_cookie\t\t= cachefiles_lookup_cookie,\n};\n';
const CACHEFILES_SIZE_AFTER_END = (t: string): string => t.replace('\tcachefiles_adjust_size(object);\n\n\tcachefiles_end_secure(cache, saved_cred);\n', '\n\tcachefiles_end_secure(cache, saved_cred);\n\tcachefiles_adjust_size(object);\n');

/** overlayfs-like O_TMPFILE: the backing file opened under the override, its f_cred the creds handed to backing_tmpfile_open(). */
const OVL_TMPFILE = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs O_TMPFILE creation. */\n#include "overlayfs.h"\n\nstatic int ovl_create_tmpfile(struct file *file, struct dentry *dentry, struct inode *inode, umode_t mode)\n{\n\tconst struct cred *old_cred;\n\tstruct path realparentpath;\n\tstruct file *realfile;\n\n\told_cred = ovl_override_creds(dentry->d_sb);\n\tovl_path_upper(dentry->d_parent, &realparentpath);\n\trealfile = backing_tmpfile_open(file, file->f_flags, &realparentpath, mode, current_cred());\n\trevert_creds(old_cred);\n\treturn PTR_ERR_OR_ZERO(realfile);\n}\n\nstatic int ovl_tmpfile(struct mnt_idmap *idmap, struct inode *dir, struct file *file, umode_t mode)\n{\n\treturn ovl_create_tmpfile(file, file->f_path.dentry, dir, mode);\n}\n\nconst struct inode_operations ovl_dir_inode_operations = {\n\t.tmpfile\t= ovl_tmpfile,\n};\n';

/** FUSE passthrough's ->mmap() through backing_file_mmap(), which switches to ctx->cred around call_mmap(). */
const FUSE_MMAP = (t: string): string => t + '\nssize_t fuse_passthrough_mmap(struct file *file, struct vm_area_struct *vma)\n{\n\tstruct fuse_file *ff = file->private_data;\n\tstruct file *backing_file = fuse_file_passthrough(ff);\n\tstruct backing_file_ctx ctx = {\n\t\t.cred = ff->cred,\n\t\t.user_file = file,\n\t};\n\n\treturn backing_file_mmap(backing_file, vma, &ctx);\n}\n\nconst struct file_operations fuse_passthrough_fops = {\n\t.read_iter\t= fuse_passthrough_read_iter,\n\t.mmap\t\t= fuse_passthrough_mmap,\n};\n';

/** overlayfs-like redirect xattrs: set through ovl_check_setxattr() -> ovl_do_setxattr(), from callers under the override (and one nobody calls). */
const OVL_REDIRECT = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs redirect and opaque xattrs on the upper layer. */\n#include "overlayfs.h"\n\nstatic int ovl_check_setxattr(struct ovl_fs *ofs, struct dentry *upper, const char *name, const void *value, size_t size)\n{\n\treturn ovl_do_setxattr(ofs, upper, name, value, size, 0);\n}\n\nint ovl_set_opaque_xerr(struct dentry *dentry, struct dentry *upper)\n{\n\treturn ovl_check_setxattr(OVL_FS(dentry->d_sb), upper, "opaque", "y", 1);\n}\n\nstatic int ovl_set_redirect(struct dentry *dentry, bool samedir)\n{\n\treturn ovl_check_setxattr(OVL_FS(dentry->d_sb), ovl_dentry_upper(dentry), "redirect", "r", 1);\n}\n\nstatic int ovl_set_link_redirect(struct dentry *dentry)\n{\n\tconst struct cred *old_cred;\n\tint err;\n\n\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = ovl_set_redirect(dentry, false);\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nstatic int ovl_link(struct dentry *old, struct inode *newdir, struct dentry *new)\n{\n\tint err = 0;\n\n\tif (ovl_is_metacopy_dentry(old))\n\t\terr = ovl_set_link_redirect(old);\n\treturn err;\n}\n\nstatic int ovl_rename(struct mnt_idmap *idmap, struct inode *olddir, struct dentry *old, struct inode *newdir, struct dentry *new, unsigned int flags)\n{\n\tconst struct cred *old_cred;\n\tint err;\n\n\told_cred = ovl_override_creds(old->d_sb);\n\terr = ovl_set_redirect(old, true);\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nconst struct inode_operations ovl_dir_inode_operations = {\n\t.link\t\t= ovl_link,\n\t.rename\t\t= ovl_rename,\n};\n';

/** overlayfs-like copy up: the LSM's copy-up creds switched by ovl_prep_cu_creds(), undone by ovl_revert_cu_creds(). */
const OVL_COPY_UP = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs copy up into the work dir. */\n#include "overlayfs.h"\n\nstatic int ovl_copy_up_workdir(struct ovl_copy_up_ctx *c)\n{\n\tstruct ovl_cu_creds cc;\n\tint err;\n\n\terr = ovl_prep_cu_creds(c->dentry, &cc);\n\tif (err)\n\t\treturn err;\n\n\terr = ovl_copy_up_data(c);\n\tovl_revert_cu_creds(&cc);\n\treturn err;\n}\n';

/** overlayfs-like readdir: the real directory read under the mounter's override, in a function longer than a hunk shows. */
const OVL_READDIR = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs directory iteration. */\n#include "overlayfs.h"\n\nstruct ovl_dir_file {\n\tstruct file *realfile;\n\tconst struct cred *cred;\n};\n\nstatic int ovl_iterate_real(struct file *file, struct dir_context *ctx)\n{\n\tstruct ovl_dir_file *od = file->private_data;\n\n\treturn iterate_dir(od->realfile, ctx);\n}\n\nstatic int ovl_iterate(struct file *file, struct dir_context *ctx)\n{\n\tstruct ovl_dir_file *od = file->private_data;\n\tstruct dentry *dentry = file->f_path.dentry;\n\tconst struct cred *old_cred;\n\tint err;\n\n\tif (!ctx->pos)\n\t\tovl_dir_reset(file);\n\tif (od->is_real)\n\t\tovl_dir_mark(file);\n\tif (od->is_upper)\n\t\tovl_dir_mark_upper(file);\n\told_cred = ovl_override_creds(dentry->d_sb);\n\tif (od->is_cached)\n\t\tovl_dir_cache_check(file);\n\tif (od->is_merged)\n\t\tovl_dir_merge_check(file);\n\tif (od->is_impure)\n\t\tovl_dir_impure_check(file);\n\terr = ovl_iterate_real(file, ctx);\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nstatic int ovl_dir_open(struct inode *inode, struct file *file)\n{\n\tstruct ovl_dir_file *od = kzalloc(sizeof(*od), GFP_KERNEL);\n\n\tod->cred = get_cred(file->f_cred);\n\tfile->private_data = od;\n\treturn 0;\n}\n\nconst struct file_operations ovl_dir_operations = {\n\t.open\t\t= ovl_dir_open,\n\t.iterate_shared\t= ovl_iterate,\n};\n';

/** overlayfs-like ->fileattr_set(): the override inside the copy-up's success branch. */
const OVL_FILEATTR = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs file attributes on the upper layer. */\n#include "overlayfs.h"\n\nint ovl_fileattr_set(struct mnt_idmap *idmap, struct dentry *dentry, struct fileattr *fa)\n{\n\tstruct path upperpath;\n\tconst struct cred *old_cred;\n\tint err;\n\n\terr = ovl_copy_up(dentry);\n\tif (!err) {\n\t\tovl_path_real(dentry, &upperpath);\n\t\told_cred = ovl_override_creds(dentry->d_sb);\n\t\terr = ovl_set_protattr(d_inode(dentry), upperpath.dentry, fa);\n\t\tif (!err)\n\t\t\terr = vfs_fileattr_set(mnt_idmap(upperpath.mnt), upperpath.dentry, fa);\n\t\trevert_creds(old_cred);\n\t\tovl_drop_write(dentry);\n\t}\n\treturn err;\n}\n\nconst struct inode_operations ovl_file_inode_operations = {\n\t.fileattr_set\t= ovl_fileattr_set,\n};\n';

/** backing-file.c with the switch spelt through wrappers a patch adds (a function pair, or macros). */
const BACKING_WRAPPERS = 'static const struct cred *backing_file_begin(const struct backing_file_ctx *ctx)\n{\n\treturn override_creds(ctx->cred);\n}\n\nstatic void backing_file_end(const struct cred *old_cred)\n{\n\trevert_creds(old_cred);\n}\n\n';
const BACKING_WRAP = (t: string, call = 'backing_file_begin(ctx)'): string => t.replace('ssize_t backing_file_read_iter(', BACKING_WRAPPERS + 'ssize_t backing_file_read_iter(').replace('\told_cred = override_creds(ctx->cred);\n\tret = vfs_iter_read(', `\told_cred = ${call};\n\tret = vfs_iter_read(`).replace('\trevert_creds(old_cred);\n\tif (ctx->accessed)', '\tbacking_file_end(old_cred);\n\tif (ctx->accessed)');

/** A cachefiles-like cache setup: the secure section ends before the registration, whose error label goes back in before the common cleanup's revert. */
const CACHEFILES_SETUP = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: cachefiles bringing a cache online. */\n#include "internal.h"\n\nint cachefiles_bring_online(struct cachefiles_cache *cache)\n{\n\tconst struct cred *saved_cred;\n\tstruct path path;\n\tint ret;\n\n\tcachefiles_begin_secure(cache, &saved_cred);\n\tret = kern_path(cache->rootdirname, LOOKUP_DIRECTORY, &path);\n\tif (ret < 0)\n\t\tgoto error_open_root;\n\tret = -EROFS;\n\tif (sb_rdonly(path.dentry->d_sb))\n\t\tgoto error_unsupported;\n\tcache->store = cachefiles_get_directory(cache, path.dentry, "cache", NULL);\n\tif (IS_ERR(cache->store)) {\n\t\tret = PTR_ERR(cache->store);\n\t\tgoto error_unsupported;\n\t}\n\tcachefiles_end_secure(cache, saved_cred);\n\n\tret = cachefiles_register(cache);\n\tif (ret < 0)\n\t\tgoto error_register;\n\treturn 0;\n\nerror_register:\n\tcachefiles_put_directory(cache->store);\nerror_unsupported:\n\tpath_put(&path);\nerror_open_root:\n\tcachefiles_end_secure(cache, saved_cred);\n\treturn ret;\n}\n';

/** ovl_fsync() retrying an -EAGAIN sync, switching on each pass; `tail` is what the pass does after the sync. */
const OVL_RETRY_FSYNC = (tail: string): ((t: string) => string) => (t) => t.replace(
  '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);\n\treturn ret;\n',
  `\tfor (int tries = 0; tries < 3; tries++) {\n\t\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\t\tret = vfs_fsync_range(realfile, start, end, datasync);\n${tail}\t}\n\treturn ret;\n`,
);

/** An io_uring-like poller that switches only when the ring's creds are not already the task's. */
const SQPOLL = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a submission poller. */\n#include <linux/cred.h>\n\nstatic int sq_poll_ring(struct sq_ring *ring)\n{\n\tconst struct cred *creds = NULL;\n\tint ret = 0;\n\n\tif (ring->creds != current_cred())\n\t\tcreds = override_creds(ring->creds);\n\n\tret = sq_submit(ring);\n\tif (creds)\n\t\trevert_creds(creds);\n\treturn ret;\n}\n';

/** A cachefiles-like tmpfile helper with its own secure section, called from ->invalidate_cookie() (fscache's cookie worker). */
const CACHEFILES_TMPFILE = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: cachefiles replacing a cache file. */\n#include "internal.h"\n\nstatic struct file *cachefiles_make_tmpfile(struct cachefiles_cache *cache, struct path *parentpath, loff_t size)\n{\n\tconst struct cred *saved_cred;\n\tstruct file *file;\n\n\tcachefiles_begin_secure(cache, &saved_cred);\n\tfile = kernel_tmpfile_open(&nop_mnt_idmap, parentpath, S_IFREG | 0600, O_RDWR | O_LARGEFILE | O_DIRECT, cache->cache_cred);\n\tif (!IS_ERR(file) && size)\n\t\tvfs_truncate(&file->f_path, size);\n\tcachefiles_end_secure(cache, saved_cred);\n\treturn file;\n}\n\nstatic bool cachefiles_replace_file(struct fscache_cookie *cookie)\n{\n\tstruct cachefiles_object *object = cookie->cache_priv;\n\tstruct file *file;\n\n\tfile = cachefiles_make_tmpfile(object->volume->cache, &object->volume->path, object->size);\n\treturn !IS_ERR(file);\n}\n\nconst struct fscache_cache_ops cachefiles_replace_ops = {\n\t.invalidate_cookie\t= cachefiles_replace_file,\n};\n';

/** An overlayfs-like open that loads a lower file's verity under the mounter's creds, through a helper that opens with current_cred(). */
const OVL_VERITY = '// SPDX-License-Identifier: GPL-2.0-only\n/* Synthetic: overlayfs loading a lower file\'s verity on open. */\n#include "overlayfs.h"\n\nstatic int ovl_load_verity(struct path *datapath)\n{\n\tstruct file *filp;\n\n\tfilp = kernel_file_open(datapath, O_RDONLY, current_cred());\n\tif (IS_ERR(filp))\n\t\treturn PTR_ERR(filp);\n\tfput(filp);\n\treturn 0;\n}\n\nstatic int ovl_verity_open(struct inode *inode, struct file *file)\n{\n\tstruct path datapath;\n\tconst struct cred *old_cred;\n\tint err;\n\n\tovl_path_lowerdata(file->f_path.dentry, &datapath);\n\told_cred = ovl_override_creds(inode->i_sb);\n\terr = ovl_load_verity(&datapath);\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nconst struct file_operations ovl_verity_fops = {\n\t.open\t\t= ovl_verity_open,\n};\n';

/** An overlayfs-like setattr whose override sits inside `if (!err) {`, a comment block away from the call it covers. */
const OVL_NESTED_OVERRIDE = '// SPDX-License-Identifier: GPL-2.0-only\n/* Synthetic: overlayfs setting flags on the upper inode. */\n#include "overlayfs.h"\n\nint ovl_set_flags(struct dentry *dentry, struct fileattr *fa)\n{\n\tstruct inode *inode = d_inode(dentry);\n\tstruct path upperpath;\n\tconst struct cred *old_cred;\n\tint err;\n\n\terr = ovl_copy_up(dentry);\n\tif (!err) {\n\t\tovl_path_real(dentry, &upperpath);\n\t\told_cred = ovl_override_creds(inode->i_sb);\n\t\t/*\n\t\t * The protection flags live in an xattr of the upper\n\t\t * inode, the rest in its own flags: both are written\n\t\t * as the mounter.\n\t\t */\n\t\terr = ovl_store_flags(inode, upperpath.dentry, fa);\n\t\tif (!err)\n\t\t\terr = vfs_fileattr_set(&nop_mnt_idmap, upperpath.dentry, fa);\n\t\trevert_creds(old_cred);\n\t}\n\treturn err;\n}\n\nconst struct inode_operations ovl_flags_iops = {\n\t.fileattr_set\t= ovl_set_flags,\n};\n';

/** An overlayfs-like flags check that opens the upper file with the credentials its caller passes. */
const OVL_CHECK_FLAGS = '// SPDX-License-Identifier: GPL-2.0-only\n/* Synthetic: overlayfs checking a flags change on the upper file. */\n#include "overlayfs.h"\n\nstatic int ovl_check_flags(const struct path *realpath, struct fileattr *fa, const struct cred *cred)\n{\n\tstruct file *file;\n\tint err;\n\n\tfile = dentry_open(realpath, O_RDONLY | O_NONBLOCK, cred);\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\terr = security_file_ioctl(file, FS_IOC_SETFLAGS, 0);\n\tfput(file);\n\treturn err;\n}\n\nint ovl_flags_set(struct mnt_idmap *idmap, struct dentry *dentry, struct fileattr *fa)\n{\n\tstruct inode *inode = d_inode(dentry);\n\tstruct path upperpath;\n\tconst struct cred *old_cred;\n\tint err;\n\n\tovl_path_upper(dentry, &upperpath);\n\told_cred = ovl_override_creds(inode->i_sb);\n\terr = ovl_check_flags(&upperpath, fa, current_cred());\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nconst struct inode_operations ovl_flags_set_iops = {\n\t.fileattr_set\t= ovl_flags_set,\n};\n';

/** ovl_fileattr_set()'s shape: a two-line signature whose hunk shows no call, and the call under the override in a nested block. */
const OVL_CHECK_FLAGS_SPLIT = "// SPDX-License-Identifier: GPL-2.0-only\n/* Synthetic: overlayfs checking a flags change on the upper file, in the shape of ovl_fileattr_set(). */\n#include \"overlayfs.h\"\n\n/*\n * Open the upper file so that the LSM hooks can check the change\n * properly.\n */\nstatic int ovl_check_flags(const struct path *realpath,\n\t\t\t   struct fileattr *fa)\n{\n\tstruct file *file;\n\tunsigned int flags;\n\tint err;\n\n\tflags = O_RDONLY | O_NONBLOCK;\n\tif (force_o_largefile())\n\t\tflags |= O_LARGEFILE;\n\n\tfile = dentry_open(realpath, flags, current_cred());\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\terr = security_file_ioctl(file, FS_IOC_SETFLAGS, 0);\n\tfput(file);\n\treturn err;\n}\n\nint ovl_flags_set(struct mnt_idmap *idmap, struct dentry *dentry, struct fileattr *fa)\n{\n\tstruct inode *inode = d_inode(dentry);\n\tstruct path upperpath;\n\tconst struct cred *old_cred;\n\tint err;\n\n\terr = ovl_copy_up(dentry);\n\tif (!err) {\n\t\tovl_path_upper(dentry, &upperpath);\n\t\told_cred = ovl_override_creds(inode->i_sb);\n\t\t/*\n\t\t * Check the change on the upper file, the one that will\n\t\t * carry the flags.\n\t\t */\n\t\terr = ovl_set_protflags(inode, upperpath.dentry, fa);\n\t\tif (!err)\n\t\t\terr = ovl_check_flags(&upperpath, fa);\n\t\trevert_creds(old_cred);\n\t}\n\treturn err;\n}\n\nconst struct inode_operations ovl_flags_set_iops = {\n\t.fileattr_set\t= ovl_flags_set,\n};\n";
/** Patch 1 of the series on it: the opener takes the creds as an argument, its caller passes current_cred(). */
const OVL_FLAGS_CRED_ARG = (t: string): string =>
  t.replace('\t\t\t   struct fileattr *fa)\n', '\t\t\t   struct fileattr *fa, const struct cred *cred)\n').replace('dentry_open(realpath, flags, current_cred())', 'dentry_open(realpath, flags, cred)').replace('ovl_check_flags(&upperpath, fa)', 'ovl_check_flags(&upperpath, fa, current_cred())');

/** overlayfs' fiemap: the real inode's ->fiemap() called by hand, under the mounter's creds. */
const OVL_FIEMAP = "// SPDX-License-Identifier: GPL-2.0-only\n/* Synthetic: overlayfs handing fiemap to the real inode's own method. */\n#include \"overlayfs.h\"\n\nstatic int ovl_fiemap(struct inode *inode, struct fiemap_extent_info *fieinfo,\n\t\t      u64 start, u64 len)\n{\n\tint err;\n\tstruct inode *realinode = ovl_inode_realdata(inode);\n\tconst struct cred *old_cred;\n\n\tif (!realinode)\n\t\treturn -EIO;\n\n\tif (!realinode->i_op->fiemap)\n\t\treturn -EOPNOTSUPP;\n\n\told_cred = ovl_override_creds(inode->i_sb);\n\terr = realinode->i_op->fiemap(realinode, fieinfo, start, len);\n\trevert_creds(old_cred);\n\n\treturn err;\n}\n\nconst struct inode_operations ovl_fiemap_iops = {\n\t.fiemap\t\t= ovl_fiemap,\n};\n";

/** backing_file_splice_write() with its four-line signature, and FUSE's caller. */
const BF_SPLICE_WRITE = "// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: backing-file.c's splice write, switching to the caller's ctx->cred. */\n#include <linux/backing-file.h>\n#include \"internal.h\"\n\nssize_t backing_file_splice_write(struct pipe_inode_info *pipe,\n\t\t\t\t  struct file *out, loff_t *ppos, size_t len,\n\t\t\t\t  unsigned int flags,\n\t\t\t\t  struct backing_file_ctx *ctx)\n{\n\tconst struct cred *old_cred;\n\tssize_t ret;\n\n\tif (WARN_ON_ONCE(!(out->f_mode & FMODE_BACKING)))\n\t\treturn -EIO;\n\n\tif (!out->f_op->splice_write)\n\t\treturn -EINVAL;\n\n\tret = security_file_permission(ctx->user_file, MAY_WRITE);\n\tif (ret)\n\t\treturn ret;\n\n\told_cred = override_creds(ctx->cred);\n\tfile_start_write(out);\n\tret = out->f_op->splice_write(pipe, out, ppos, len, flags);\n\tfile_end_write(out);\n\trevert_creds(old_cred);\n\n\treturn ret;\n}\nEXPORT_SYMBOL_GPL(backing_file_splice_write);\n";
const FUSE_SPLICE_WRITE = "// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: FUSE passthrough splice to the backing file the daemon registered. */\n#include \"fuse_i.h\"\n\nssize_t fuse_passthrough_splice_write(struct pipe_inode_info *pipe,\n\t\t\t\t      struct file *out, loff_t *ppos,\n\t\t\t\t      size_t len, unsigned int flags)\n{\n\tstruct fuse_file *ff = out->private_data;\n\tstruct file *backing_file = fuse_file_passthrough(ff);\n\tstruct backing_file_ctx ctx = {\n\t\t.cred = ff->cred,\n\t\t.user_file = out,\n\t};\n\n\treturn backing_file_splice_write(pipe, backing_file, ppos, len, flags, &ctx);\n}\n\nstatic const struct file_operations fuse_splice_fops = {\n\t.splice_write\t= fuse_passthrough_splice_write,\n};\n";

/** backing_file_open() taking the creds to open with, and FUSE's caller handing it the daemon's. */
const BF_OPEN = "// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: backing-file.c's opener, the backing file getting the credentials it is handed. */\n#include <linux/backing-file.h>\n#include \"internal.h\"\n\nstruct file *backing_file_open(const struct path *user_path, int flags,\n\t\t\t       const struct path *real_path,\n\t\t\t       const struct cred *cred)\n{\n\tstruct file *f;\n\tint error;\n\n\tf = alloc_empty_backing_file(flags, cred);\n\tif (IS_ERR(f))\n\t\treturn f;\n\n\tpath_get(user_path);\n\tbacking_file_set_user_path(f, user_path);\n\terror = vfs_open(real_path, f);\n\tif (error) {\n\t\tfput(f);\n\t\tf = ERR_PTR(error);\n\t}\n\n\treturn f;\n}\nEXPORT_SYMBOL_GPL(backing_file_open);\n";
const FUSE_BF_OPEN = "// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: FUSE opening the backing file the daemon registered, with the daemon's creds. */\n#include \"fuse_i.h\"\n\nstruct fuse_backing *fuse_passthrough_open(struct file *file, struct inode *inode, int backing_id)\n{\n\tstruct fuse_file *ff = file->private_data;\n\tstruct fuse_backing *fb = fuse_backing_lookup(get_fuse_conn(inode), backing_id);\n\tstruct file *backing_file;\n\n\tif (!fb)\n\t\treturn ERR_PTR(-ENOENT);\n\tbacking_file = backing_file_open(&file->f_path, file->f_flags,\n\t\t\t\t\t &fb->file->f_path, fb->cred);\n\tif (IS_ERR(backing_file))\n\t\treturn ERR_CAST(backing_file);\n\tff->passthrough = backing_file;\n\treturn fb;\n}\n\nstatic int fuse_open(struct inode *inode, struct file *file)\n{\n\treturn PTR_ERR_OR_ZERO(fuse_passthrough_open(file, inode, 0));\n}\n\nstatic const struct file_operations fuse_open_fops = {\n\t.open\t= fuse_open,\n};\n";

const XEROFS_XATTR = '// synthetic\n#include "internal.h"\n\nstatic void xerofs_init_metabuf(struct erofs_buf *buf, struct super_block *sb)\n{\n\tstruct erofs_sb_info *sbi = EROFS_SB(sb);\n\n\tbuf->file = sbi->fdev;\n\tbuf->mapping = sbi->fdev->f_mapping;\n}\n\nstatic void *xerofs_bread(struct erofs_buf *buf, erofs_off_t offset)\n{\n\treturn NULL;\n}\n\nstatic int xerofs_xattr_get(const struct xattr_handler *handler, struct dentry *unused, struct inode *inode, const char *name, void *buffer, size_t size)\n{\n\tstruct erofs_buf buf = __EROFS_BUF_INITIALIZER;\n\n\txerofs_init_metabuf(&buf, inode->i_sb);\n\treturn PTR_ERR_OR_ZERO(xerofs_bread(&buf, 0));\n}\n\nconst struct xattr_handler xerofs_xattr_user_handler = {\n\t.get\t= xerofs_xattr_get,\n};\n';

const YFLUSH =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs flushing the real file under the mounter\'s creds. */\n#include "overlayfs.h"\n\nstatic int ovl_yflush(struct file *file, fl_owner_t id)\n{\n\tstruct file *realfile = ovl_real_file(file);\n\tconst struct cred *old_cred;\n\tint err = 0;\n\n\tif (!realfile->f_op->flush)\n\t\treturn 0;\n\n\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\terr = realfile->f_op->flush(realfile, id);\n\tif (err)\n\t\tpr_debug("flush: %d\\n", err);\n\telse\n\t\tpr_debug("flushed\\n");\n\ttrace_ovl_flush(file, err);\n\trevert_creds(old_cred);\n\n\treturn err;\n}\n\nconst struct file_operations ovl_yfile_operations = {\n\t.flush = ovl_yflush,\n};\n';

/** A copy loop whose body is long enough that a hunk at its end does not show the `for`. */
const YCOPY =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a server copying chunks between two open files. */\n#include <linux/fs.h>\n\nint ycopy_chunks(struct file *src, struct file *dst, struct ychunk *chunks, int n)\n{\n\tconst struct cred *saved;\n\tloff_t off;\n\tsize_t len;\n\tint i, ret = 0;\n\n\tfor (i = 0; i < n; i++) {\n\t\toff = le64_to_cpu(chunks[i].off);\n\t\tlen = le32_to_cpu(chunks[i].len);\n\t\tif (!len)\n\t\t\treturn -EINVAL;\n\t\tif (len > SZ_1M)\n\t\t\treturn -E2BIG;\n\t\tif (off + len < off)\n\t\t\treturn -EINVAL;\n\t\tret = vfs_copy_file_range(src, off, dst, off, len, 0);\n\t\tif (ret < 0)\n\t\t\treturn ret;\n\t}\n\treturn 0;\n}\n';


/** nfsd's recovery-directory shape: a paired switch and its own revert, by the knowledge base's names. */
const YRECDIR =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: nfsd creating a recovery directory as root. */\n#include "nfsd.h"\n\nstatic int\nnfs4_save_creds(const struct cred **original_creds)\n{\n\tstruct cred *new;\n\n\tnew = prepare_creds();\n\tif (!new)\n\t\treturn -ENOMEM;\n\n\tnew->fsuid = GLOBAL_ROOT_UID;\n\tnew->fsgid = GLOBAL_ROOT_GID;\n\t*original_creds = override_creds(new);\n\tput_cred(new);\n\treturn 0;\n}\n\nstatic void\nnfs4_reset_creds(const struct cred *original)\n{\n\trevert_creds(original);\n}\n\nstatic int yrec_create(struct dentry *dir, const char *name)\n{\n\tconst struct cred *original_cred;\n\tstruct dentry *dentry;\n\tint status;\n\n\tstatus = nfs4_save_creds(&original_cred);\n\tif (status < 0)\n\t\treturn status;\n\tdentry = lookup_one_len(name, dir, strlen(name));\n\tif (IS_ERR(dentry)) {\n\t\tstatus = PTR_ERR(dentry);\n\t\tgoto out;\n\t}\n\tstatus = vfs_mkdir(&nop_mnt_idmap, d_inode(dir), dentry, S_IRWXU);\n\tdput(dentry);\nout:\n\tnfs4_reset_creds(original_cred);\n\treturn status;\n}\n';

/** An overlayfs-like copy-up under the LSM's copy-up creds (ovl_prep_cu_creds()/ovl_revert_cu_creds()). */
const YCUCOPY = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: overlayfs copy-up under the LSM\'s copy-up creds. */\n#include "overlayfs.h"\n\nstatic int ovl_prep_cu_creds(struct dentry *dentry, struct ovl_cu_creds *cc)\n{\n\tint err;\n\n\tcc->old = cc->new = NULL;\n\terr = security_inode_copy_up(dentry, &cc->new);\n\tif (err < 0)\n\t\treturn err;\n\n\tif (cc->new)\n\t\tcc->old = override_creds(cc->new);\n\n\treturn 0;\n}\n\nstatic void ovl_revert_cu_creds(struct ovl_cu_creds *cc)\n{\n\tif (cc->new) {\n\t\trevert_creds(cc->old);\n\t\tput_cred(cc->new);\n\t}\n}\n\nstatic int ovl_copy_up_ylink(struct ovl_fs *ofs, struct ovl_copy_up_ctx *c)\n{\n\tstruct ovl_cu_creds cc;\n\tint err;\n\n\terr = ovl_prep_cu_creds(c->dentry, &cc);\n\tif (err)\n\t\treturn err;\n\n\terr = ovl_do_link(ofs, c->tempdentry, c->destdir, c->destdentry);\n\tovl_revert_cu_creds(&cc);\n\treturn err;\n}\n';

const invalid: InvalidCase[] = [
  {
    name: "erofs: a new backing-file read reached from ->read_folio() under the caller's creds",
    patches: [{ subject: 'erofs: read small folios with kernel_read', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      'static int erofs_fileio_read_folio(',
      READ_FOLIO_RAW + 'static int erofs_fileio_read_folio(',
    ).replace('\terofs_fileio_rq_submit(rq);\n\treturn 0;', '\tif (folio_size(folio) < PAGE_SIZE)\n\t\treturn erofs_fileio_read_raw(rq, folio_address(folio), folio_size(folio));\n\terofs_fileio_rq_submit(rq);\n\treturn 0;') } }],
    // the read the patch adds, and (pre-existing) the one the tree already had
    expect: ['preexisting fs/erofs/fileio.c:19 callerCreds (high)', 'introduced fs/erofs/fileio.c:28 callerCreds (high)'],
  },
  {
    name: "erofs: the backing file read under kernel creds instead of the mounter's",
    patches: [{ subject: 'erofs: read as the kernel', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);',
      '\tscoped_with_kernel_creds()\n\t\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);',
    ) } }],
    expect: ['introduced fs/erofs/fileio.c:20 wrongPrincipal (high)'],
  },
  {
    name: "erofs: override_creds() with an early return that skips revert_creds()",
    patches: [{ subject: 'erofs: impersonate the mounter for data reads', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n\tif (ret != -EIOCBQUEUED)\n\t\terofs_fileio_ki_complete(&rq->iocb, ret);',
      '\told_cred = override_creds(rq->iocb.ki_filp->f_cred);\n\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n\tif (ret == -EIOCBQUEUED)\n\t\treturn;\n\trevert_creds(old_cred);\n\terofs_fileio_ki_complete(&rq->iocb, ret);',
    ).replace('\tssize_t ret;\n\n\tiov_iter_bvec', '\tconst struct cred *old_cred;\n\tssize_t ret;\n\n\tiov_iter_bvec') } }],
    expect: ['introduced fs/erofs/fileio.c:23 unbalanced (high)'],
  },
  {
    name: 'fuse: backing_file ctx.cred set to the current task',
    patches: [{ subject: 'fuse: use the caller creds for passthrough', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\t\t.cred = ff->cred,', '\t\t.cred = current_cred(),') } }],
    expect: ['introduced fs/fuse/passthrough.c:11 ctxCred (high)'],
  },
  {
    name: 'loop: requests served inline from ->queue_rq(), in the submitter, not from the kworker',
    patches: [{ subject: 'loop: serve small requests inline', edit: { 'drivers/block/loop.c': (t) => t + '\nstatic blk_status_t loop_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)\n{\n\tstruct request *rq = bd->rq;\n\tstruct loop_device *lo = rq->q->queuedata;\n\n\treturn errno_to_blk_status(do_req_filebacked(lo, rq));\n}\n\nstatic const struct blk_mq_ops loop_mq_ops = {\n\t.queue_rq = loop_queue_rq,\n};\n' } }],
    // unchanged functions, newly reachable from the submitter (the buffered read and both raw calls):
    // one hazard, told at the call the patch adds
    expect: ['introduced drivers/block/loop.c:73 callerCreds (high)'],
  },
  {
    name: 'overlayfs: an early return between ovl_override_creds() and revert_creds()',
    patches: [{ subject: 'ovl: skip fsync of clean files', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tif (!datasync && !(realfile->f_mode & FMODE_WRITE))\n\t\treturn 0;\n\tret = vfs_fsync_range(realfile, start, end, datasync);',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:32 unbalanced (high)'],
  },
  {
    name: 'overlayfs: a goto to a label after revert_creds()',
    patches: [{ subject: 'ovl: report fsync errors once', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);\n\treturn ret;',
      '\tret = vfs_fsync_range(realfile, start, end, datasync);\n\tif (ret)\n\t\tgoto out;\n\trevert_creds(old_cred);\nout:\n\treturn ret;',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:33 unbalanced (high)'],
  },
  {
    name: 'cachefiles: cachefiles_begin_secure() not ended on the error path',
    patches: [{ subject: 'cachefiles: bail out early on short reads', edit: { 'fs/cachefiles/io.c': (t) => t.replace(
      '\tret = vfs_iocb_iter_read(object->file, &kiocb, iter);\n',
      '\tret = vfs_iocb_iter_read(object->file, &kiocb, iter);\n\tif (ret < 0)\n\t\treturn ret;\n',
    ) } }],
    expect: ['introduced fs/cachefiles/io.c:17 unbalanced (high)'],
  },
  {
    name: 'override_creds() never reverted before the end of the function',
    patches: [{ subject: 'ovl: add ovl_sync_real', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      'const struct file_operations ovl_file_operations',
      'static int ovl_sync_real(struct file *realfile, struct super_block *sb)\n{\n\tconst struct cred *old_cred = ovl_override_creds(sb);\n\n\treturn vfs_fsync(realfile, 0);\n}\n\nconst struct file_operations ovl_file_operations',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:41 unbalanced (high)'],
  },
  {
    name: 'overlayfs: out-parameter override form, a goto skips the two-argument revert',
    patches: [{ subject: 'ovl: let the creds hook deny fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);\n\treturn ret;',
      '\tret = ovl_override_creds(file_inode(file)->i_sb, &old_cred);\n\tif (ret)\n\t\treturn ret;\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\tif (ret)\n\t\tgoto out;\n\tovl_revert_creds(file_inode(file)->i_sb, old_cred);\nout:\n\treturn ret;',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:35 unbalanced (high)'],
  },
  {
    name: "cachefiles: namespace work on the cache from a netfs method, outside cachefiles_begin_secure()",
    patches: [{ subject: 'cachefiles: punch the hole before the write', edit: { 'fs/cachefiles/io.c': (t) => t + '\nstatic int cachefiles_prepare_write(struct netfs_cache_resources *cres, loff_t start, size_t len)\n{\n\tstruct cachefiles_object *object = cachefiles_cres_object(cres);\n\n\treturn vfs_fallocate(object->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start, len);\n}\n\nstatic const struct netfs_cache_ops cachefiles_netfs_cache_ops = {\n\t.read\t\t\t= cachefiles_read,\n\t.prepare_write\t\t= cachefiles_prepare_write,\n};\n' } }],
    expect: ['introduced fs/cachefiles/io.c:24 outsideStackCreds (high)'],
  },
  {
    name: 'cachefiles: a cache file opened with the calling task\'s credentials',
    patches: [{ subject: 'cachefiles: open the backing file as the caller', edit: { 'fs/cachefiles/io.c': (t) => t + '\nstatic struct file *cachefiles_open(struct cachefiles_cache *cache, struct path *path)\n{\n\treturn kernel_file_open(path, O_RDWR | O_LARGEFILE | O_DIRECT, current_cred());\n}\n' } }],
    expect: ['introduced fs/cachefiles/io.c:22 openCreds (high)'],
  },
  {
    name: 'fuse: ff->cred taken from the task that opens the file, then used for the backing I/O',
    patches: [{ subject: 'fuse: remember the opener creds for passthrough', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nstatic int fuse_passthrough_open(struct inode *inode, struct file *file)\n{\n\tstruct fuse_file *ff = file->private_data;\n\n\tff->cred = get_current_cred();\n\treturn 0;\n}\n\nconst struct file_operations fuse_passthrough_fops = {\n\t.open\t\t= fuse_passthrough_open,\n\t.read_iter\t= fuse_passthrough_read_iter,\n};\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:22 capturedCreds (high)'],
  },
  {
    name: "fuse: ctx.cred is the FUSE file's own f_cred, i.e. whoever opened it",
    patches: [{ subject: 'fuse: passthrough reads with the file creds', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\t\t.cred = ff->cred,', '\t\t.cred = file->f_cred,') } }],
    expect: ['introduced fs/fuse/passthrough.c:11 ctxCred (high)'],
  },
  {
    name: "fuse, patch only: a hunk that changes only ctx.cred (no call in it) still shows its function",
    mode: 'patch-only',
    patches: [{ subject: 'fuse: passthrough reads with the file creds', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\t\t.cred = ff->cred,', '\t\t.cred = file->f_cred,') } }],
    expect: ['introduced fs/fuse/passthrough.c:11 ctxCred (medium)'],
  },
  {
    name: 'fuse: ff->cred = get_cred(current_cred()) at open is the opener\'s creds, kept',
    patches: [{ subject: 'fuse: remember the opener creds for passthrough', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nstatic int fuse_passthrough_open(struct inode *inode, struct file *file)\n{\n\tstruct fuse_file *ff = file->private_data;\n\n\tff->cred = get_cred(current_cred());\n\treturn 0;\n}\n\nconst struct file_operations fuse_passthrough_fops = {\n\t.open\t\t= fuse_passthrough_open,\n\t.read_iter\t= fuse_passthrough_read_iter,\n};\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:22 capturedCreds (high)'],
  },
  {
    name: 'patch-only: a goto added right after the override, to a label the model puts past the revert',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_EXIT_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: skip fsync of clean files', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tif (!ovl_dirty(file)) {\n\t\tret = 0;\n\t\tgoto out_put;\n\t}\n\tret = ovl_sync_meta(realfile);',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:33 unbalanced (medium)'],
  },
  {
    name: "backing-file.c: the override narrowed to the sync branch, the async read left under the caller's creds",
    tree: { 'fs/backing-file.c': BACKING_TWO_BRANCHES(loadKtree()['fs/backing-file.c']!) },
    patches: [{ subject: 'backing-file: only override for sync reads', edit: { 'fs/backing-file.c': (t) => t.replace(
      '\told_cred = override_creds(ctx->cred);\n\tif (is_sync_kiocb(iocb))\n\t\tret = vfs_iter_read(file, iter, &iocb->ki_pos, flags);\n\telse\n\t\tret = vfs_iocb_iter_read(file, iocb, iter);\n\trevert_creds(old_cred);',
      '\tif (is_sync_kiocb(iocb)) {\n\t\told_cred = override_creds(ctx->cred);\n\t\tret = vfs_iter_read(file, iter, &iocb->ki_pos, flags);\n\t\trevert_creds(old_cred);\n\t} else {\n\t\tret = vfs_iocb_iter_read(file, iocb, iter);\n\t}',
    ) } }],
    expect: ['introduced fs/backing-file.c:14 switchNarrowed (high)'],
  },
  {
    name: "nfs localio: the committing task's creds kept in the context and switched to by the work item",
    tree: { 'fs/nfs/localio.c': NFS_LOCAL_COMMIT },
    patches: [{ subject: 'nfs/localio: commit with the credentials of the committer', edit: { 'fs/nfs/localio.c': (t) => t.replace(
      '\tnfs_local_run_commit(ctx->filp);\n', '\tconst struct cred *save_cred = override_creds(ctx->cred);\n\n\tnfs_local_run_commit(ctx->filp);\n\trevert_creds(save_cred);\n',
    ).replace('\tctx->filp = filp;\n', '\tctx->filp = filp;\n\tctx->cred = get_current_cred();\n') } }],
    expect: ['introduced fs/nfs/localio.c:20 wrongPrincipal (medium)'],
  },
  {
    name: "fuse: the first opener's prepare_creds() stored into fb->cred by cmpxchg()",
    patches: [{ subject: 'fuse: take the backing creds from the first opener', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nstatic int fuse_passthrough_open(struct inode *inode, struct file *file)\n{\n\tstruct fuse_backing *fb = fuse_inode_backing(inode);\n\n\tif (!READ_ONCE(fb->cred)) {\n\t\tstruct cred *cred = prepare_creds();\n\n\t\tif (cmpxchg(&fb->cred, NULL, cred))\n\t\t\tput_cred(cred);\n\t}\n\treturn 0;\n}\n\nconst struct file_operations fuse_passthrough_fops = {\n\t.open\t\t= fuse_passthrough_open,\n\t.read_iter\t= fuse_passthrough_read_iter,\n};\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:23 capturedCreds (high)'],
  },
  {
    name: 'overlayfs: a new ->llseek() opens a real directory and reads it with iterate_dir(), no override',
    patches: [{ subject: 'ovl: count entries on seek', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      'const struct file_operations ovl_file_operations = {',
      'static int ovl_read_real_dir(const struct path *realpath, struct dir_context *ctx)\n{\n\tstruct file *realfile = dentry_open(realpath, O_RDONLY, current_cred());\n\n\tif (IS_ERR(realfile))\n\t\treturn PTR_ERR(realfile);\n\treturn iterate_dir(realfile, ctx);\n}\n\nstatic loff_t ovl_count_llseek(struct file *file, loff_t offset, int whence)\n{\n\tstruct dir_context ctx = {};\n\n\treturn ovl_read_real_dir(&file->f_path, &ctx);\n}\n\nconst struct file_operations ovl_file_operations = {\n\t.llseek\t\t= ovl_count_llseek,',
    ) } }],
    // the open with the task's creds and the read of what it opened: both outside ovl_override_creds()
    expect: ['introduced fs/overlayfs/file.c:38 openCreds (high)', 'introduced fs/overlayfs/file.c:42 callerCreds (high)'],
  },
  {
    name: "fuse: the creds kept for the backing file set to the kernel's (prepare_kernel_cred(&init_task)), whoever registers it",
    patches: [{ subject: 'fuse: register backing files as the kernel', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nstatic void fuse_backing_set_cred(struct fuse_backing *fb)\n{\n\tfb->cred = prepare_kernel_cred(&init_task);\n}\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:20 keptKernelCreds (high)'],
  },
  {
    name: 'fuse: ctx.cred from a local that holds current_cred()',
    patches: [{ subject: 'fuse: use the caller creds, through a local', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\tstruct backing_file_ctx ctx = {\n\t\t.cred = ff->cred,', '\tconst struct cred *cred = current_cred();\n\tstruct backing_file_ctx ctx = {\n\t\t.cred = cred,') } }],
    expect: ['introduced fs/fuse/passthrough.c:12 ctxCred (high)'],
  },
  {
    name: 'overlayfs: backing_file_open() with a cred local taken before ovl_override_creds()',
    tree: { 'fs/overlayfs/file.c': OVL_WITH_OPEN(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: take the creds once', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\tconst struct cred *old_cred;\n\tstruct file *realfile;\n\n\told_cred = ovl_override_creds(',
      '\tconst struct cred *cred = current_cred();\n\tconst struct cred *old_cred;\n\tstruct file *realfile;\n\n\told_cred = ovl_override_creds(',
    ).replace('realpath, current_cred());', 'realpath, cred);') } }],
    expect: ['introduced fs/overlayfs/file.c:13 openCreds (high)'],
  },
  {
    name: "erofs: override_creds() of a local holding current_cred(): the reader's own creds, a switch that changes nothing",
    patches: [{ subject: 'erofs: make the read credentials explicit', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tstruct iov_iter iter;\n\tssize_t ret;\n\n\tiov_iter_bvec',
      '\tconst struct cred *cred = current_cred(), *old_cred;\n\tstruct iov_iter iter;\n\tssize_t ret;\n\n\tiov_iter_bvec',
    ).replace('\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n', '\told_cred = override_creds(cred);\n\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n\trevert_creds(old_cred);\n') } }],
    expect: ['introduced fs/erofs/fileio.c:20 wrongPrincipal (high)'],
  },
  {
    name: 'nfs localio: the iocb keeps the submitting task\'s creds, and the work item reads the local file with them',
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO },
    patches: [{ subject: 'nfs/localio: read as the submitter', edit: { 'fs/nfs/localio.c': (t) => t.replace(
      '\tinit_sync_kiocb(&iocb->kiocb, file);\n',
      '\tinit_sync_kiocb(&iocb->kiocb, file);\n\tiocb->cred = get_current_cred();\n',
    ).replace('override_creds(filp->f_cred)', 'override_creds(iocb->cred)') } }],
    expect: ['introduced fs/nfs/localio.c:27 wrongPrincipal (high)'],
  },
  {
    name: 'overlayfs: the override around the real file\'s fsync dropped',
    patches: [{ subject: 'ovl: fsync the real file as the caller', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n', '').replace('\trevert_creds(old_cred);\n\treturn ret;', '\treturn ret;').replace('\tconst struct cred *old_cred;\n\tint ret;', '\tint ret;') } }],
    expect: ['introduced fs/overlayfs/file.c:29 switchRemoved (high)'],
  },
  {
    name: 'fuse: backing_file_read_iter() (which switches to ctx->cred) replaced by a direct checked read',
    patches: [{ subject: 'fuse: read passthrough files directly', edit: { 'fs/fuse/passthrough.c': (t) => t.replace(
      '\treturn backing_file_read_iter(backing_file, iter, iocb, iocb->ki_flags, &ctx);',
      '\treturn vfs_iocb_iter_read(backing_file, iocb, iter);',
    ) } }],
    expect: ['introduced fs/fuse/passthrough.c:15 switchRemoved (high)'],
  },
  {
    name: "overlayfs: a helper with ->fsync()'s shape beside the table's own .fsync, newly called after the revert, is no method: its file is the real file",
    patches: [{ subject: 'ovl: sync the real file once more', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      'static int ovl_fsync(', 'static int ovl_real_fsync(struct file *file, loff_t start, loff_t end, int datasync)\n{\n\treturn vfs_fsync_range(file, start, end, datasync);\n}\n\nstatic int ovl_fsync(',
    ).replace('\trevert_creds(old_cred);\n\treturn ret;', '\trevert_creds(old_cred);\n\tif (!ret)\n\t\tret = ovl_real_fsync(realfile, start, end, datasync);\n\treturn ret;') } }],
    expect: ['introduced fs/overlayfs/file.c:23 callerCreds (high)'],
  },
  {
    name: 'overlayfs: a new call, outside any override, of a helper that fsyncs the real file with no switch of its own',
    tree: { 'fs/overlayfs/util.c': OVL_UTIL },
    patches: [{ subject: 'ovl: sync the real file before reading', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\t\treturn PTR_ERR(realfile);\n\treturn backing_file_read_iter(',
      '\t\treturn PTR_ERR(realfile);\n\tif (iocb->ki_flags & IOCB_DSYNC)\n\t\tovl_sync_realfile(realfile);\n\treturn backing_file_read_iter(',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:19 newCaller (high)'],
  },
  {
    name: 'patch-only: an early return right after ovl_override_creds(), the revert beyond the hunk',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: skip fsync of read-only files', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tif (!(realfile->f_mode & FMODE_WRITE))\n\t\treturn 0;\n\tret = ovl_sync_meta(realfile);',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:32 unbalanced (medium)'],
  },
  {
    name: 'patch-only: the override dropped from a function shown in two hunks, its access between them',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: sync the real file as the caller', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n', '').replace('out:\n\trevert_creds(old_cred);\n', 'out:\n') } }],
    expect: ['introduced fs/overlayfs/file.c:45 switchRemoved (medium)'],
  },
  {
    name: 'patch-only: a return in a second hunk, the lines after ovl_override_creds() taken from the model and none of them reverting',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: skip the xattr sync of read-only files', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\t/* metadata first */\n\tret = ovl_sync_meta(realfile);',
    ).replace('\tret = ovl_sync_times(realfile);\n', '\tif (!(realfile->f_mode & FMODE_WRITE))\n\t\treturn 0;\n\tret = ovl_sync_times(realfile);\n') } }],
    expect: ['introduced fs/overlayfs/file.c:45 unbalanced (medium)'],
  },
  {
    name: 'patch-only: the creds for backing_file_open() taken before an override the hunks do not show',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_OPEN(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: take the creds once in ovl_open_realfile', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\tconst struct cred *old_cred;\n\tint flags = file->f_flags | OVL_OPEN_FLAGS;',
      '\tconst struct cred *old_cred;\n\tconst struct cred *cred = current_cred();\n\tint flags = file->f_flags | OVL_OPEN_FLAGS;',
    ).replace('flags, realpath, current_cred());', 'flags, realpath, cred);') } }],
    expect: ['introduced fs/overlayfs/file.c:29 openCreds (medium)'],
  },
  {
    name: "nfsd: a new return between nfs4_save_creds() and nfs4_reset_creds() leaves the task with root's fsuid",
    tree: { 'fs/nfsd/nfs4recover.c': NFSD_RECDIR },
    patches: [{ subject: 'nfsd: refuse a read-only recovery directory', edit: { 'fs/nfsd/nfs4recover.c': (t) => t.replace('\t\tnn->rec_file = NULL;\n\t}\n', '\t\tnn->rec_file = NULL;\n\t}\n\tif (nn->rec_file && __mnt_is_readonly(nn->rec_file->f_path.mnt))\n\t\treturn -EROFS;\n') } }],
    expect: ['introduced fs/nfsd/nfs4recover.c:20 unbalanced (high)'],
  },
  {
    name: "fuse: a backing_file_*() helper newer than the knowledge base, handed a ctx whose cred is the FUSE file's own f_cred",
    patches: [{ subject: 'fuse: passthrough fallocate', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nlong fuse_passthrough_fallocate(struct file *file, int mode, loff_t offset, loff_t len)\n{\n\tstruct fuse_file *ff = file->private_data;\n\tstruct file *backing_file = fuse_file_passthrough(ff);\n\tstruct backing_file_ctx ctx = {\n\t\t.cred = file->f_cred,\n\t\t.user_file = file,\n\t};\n\n\treturn backing_file_fallocate(backing_file, mode, offset, len, &ctx);\n}\n\nstatic long fuse_file_fallocate(struct file *file, int mode, loff_t offset, loff_t len)\n{\n\treturn fuse_passthrough_fallocate(file, mode, offset, len);\n}\n\nstatic const struct file_operations fuse_file_operations = {\n\t.fallocate\t= fuse_file_fallocate,\n};\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:23 ctxCred (high)'],
  },
  {
    name: "cachefiles: the switch moved from the caller into the helper, around one branch only: the unlink of the other is left outside",
    tree: { 'fs/cachefiles/interface.c': CACHEFILES_WITHDRAW },
    patches: [{ subject: 'cachefiles: narrow the secure section', edit: { 'fs/cachefiles/interface.c': (t) => t.replace('\telse\n\t\tcachefiles_commit_object(object, cache);', '\telse {\n\t\tconst struct cred *saved_cred;\n\n\t\tcachefiles_begin_secure(cache, &saved_cred);\n\t\tcachefiles_commit_object(object, cache);\n\t\tcachefiles_end_secure(cache, saved_cred);\n\t}').replace('\tconst struct cred *saved_cred;\n\n\tcachefiles_begin_secure(cache, &saved_cred);\n\tcachefiles_clean_up_object(object, cache);\n\tcachefiles_end_secure(cache, saved_cred);', '\tcachefiles_clean_up_object(object, cache);') } }],
    expect: ['introduced fs/cachefiles/interface.c:27 switchNarrowed (high)'],
  },
  {
    name: 'patch-only: an override in one hunk, its revert in another, and a return the second hunk shows between them',
    mode: 'patch-only',
    tree: { 'drivers/usb/gadget/function/xstorage.c': '// synthetic\n#include <linux/fs.h>\n\nstatic int xs_do_read(struct fsg_lun *curlun, char *buf, size_t amount, loff_t pos)\n{\n\tssize_t nread;\n\tint a = 0;\n\n\tnread = kernel_read(curlun->filp, buf, amount, &pos);\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\tif (signal_pending(current))\n\t\treturn -EINTR;\n\n\treturn nread < 0 ? nread : a;\n}\n' },
    patches: [{ subject: 'usb: gadget: read the LUN file as its opener', edit: { 'drivers/usb/gadget/function/xstorage.c': (t) => t.replace('\n\tnread = kernel_read(', '\n\told_cred = override_creds(curlun->filp->f_cred);\n\tnread = kernel_read(').replace('\t\treturn -EINTR;\n\n', '\t\treturn -EINTR;\n\trevert_creds(old_cred);\n\n') } }],
    expect: ['introduced drivers/usb/gadget/function/xstorage.c:9 unbalanced (medium)'],
  },
  {
    name: "erofs: readahead switching to rac->file's f_cred, the reader's file, not the backing file's",
    patches: [{ subject: 'erofs: read ahead with the opener credentials', edit: { 'fs/erofs/fileio.c': (t) => t.replace('const struct address_space_operations erofs_fileio_aops = {\n\t.read_folio = erofs_fileio_read_folio,\n', 'static void erofs_fileio_readahead(struct readahead_control *rac)\n{\n\tconst struct cred *old_cred = override_creds(rac->file->f_cred);\n\n\terofs_fileio_rq_submit(NULL);\n\trevert_creds(old_cred);\n}\n\nconst struct address_space_operations erofs_fileio_aops = {\n\t.read_folio = erofs_fileio_read_folio,\n\t.readahead = erofs_fileio_readahead,\n') } }],
    expect: ['preexisting fs/erofs/fileio.c:19 callerCreds (high)', 'introduced fs/erofs/fileio.c:34 scopeCreds (high)'],
  },
  {
    name: "nfs localio: the submitter's creds handed to the allocator, which keeps them for the work item's switch",
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO_CRED },
    patches: [{ subject: 'nfs/localio: read as the submitter', edit: { 'fs/nfs/localio.c': (t) => t.replace('nfs_local_iocb_alloc(file, file->f_cred);', 'nfs_local_iocb_alloc(file, current_cred());') } }],
    expect: ['introduced fs/nfs/localio.c:35 capturedCreds (medium)'],
  },
  {
    name: "target-like: the submitter's creds kept for the work item that does the backstore's I/O",
    tree: { 'drivers/target/target_core_file.c': TARGET_FILE },
    patches: [{ subject: 'target/file: write from a work item', edit: { 'drivers/target/target_core_file.c': (t) => t.replace(
      'static struct exec_cmd_ops fd_exec_cmd_ops = {\n\t.execute_rw\t= fd_execute_rw,',
      'struct fd_work {\n\tstruct work_struct\twork;\n\tstruct se_cmd\t\t*cmd;\n\tstruct fd_dev\t\t*fd_dev;\n\tstruct iov_iter\t\t*iter;\n\tloff_t\t\t\tpos;\n\tconst struct cred\t*cred;\n};\n\nstatic void fd_rw_work(struct work_struct *work)\n{\n\tstruct fd_work *w = container_of(work, struct fd_work, work);\n\tconst struct cred *old_cred;\n\n\told_cred = override_creds(w->cred);\n\tfd_execute_rw(w->cmd, w->fd_dev, w->iter, w->pos);\n\trevert_creds(old_cred);\n\tput_cred(w->cred);\n}\n\nstatic sense_reason_t fd_queue_rw(struct se_cmd *cmd, struct fd_dev *fd_dev, struct iov_iter *iter, loff_t pos)\n{\n\tstruct fd_work *w = kmalloc(sizeof(*w), GFP_KERNEL);\n\n\tINIT_WORK(&w->work, fd_rw_work);\n\tw->cmd = cmd;\n\tw->fd_dev = fd_dev;\n\tw->iter = iter;\n\tw->pos = pos;\n\tw->cred = get_current_cred();\n\tqueue_work(system_unbound_wq, &w->work);\n\treturn 0;\n}\n\nstatic struct exec_cmd_ops fd_exec_cmd_ops = {\n\t.execute_rw\t= fd_queue_rw,',
    ) } }],
    expect: ['introduced drivers/target/target_core_file.c:31 wrongPrincipal (medium)'],
  },
  {
    name: 'overlayfs: the revert moved above vfs_getattr() of the real path ovl_path_real() filled',
    tree: { 'fs/overlayfs/xstat.c': OVL_XSTAT },
    patches: [{ subject: 'ovl: drop the mounter creds before stat', edit: { 'fs/overlayfs/xstat.c': (t) => t.replace('\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = vfs_getattr(', '\told_cred = ovl_override_creds(dentry->d_sb);\n\trevert_creds(old_cred);\n\terr = vfs_getattr(').replace('\t\tstat->dev = dentry->d_sb->s_dev;\n\trevert_creds(old_cred);\n', '\t\tstat->dev = dentry->d_sb->s_dev;\n') } }],
    expect: ['introduced fs/overlayfs/xstat.c:15 switchNarrowed (high)'],
  },
  {
    name: "cachefiles: a cache file opened from ->invalidate_cookie() with the worker's current_cred() handed down",
    tree: { 'fs/cachefiles/inval.c': CACHEFILES_INVAL },
    patches: [{ subject: 'cachefiles: open the replacement as the caller', edit: { 'fs/cachefiles/inval.c': (t) => t.replace('&object->volume->path, cache->cache_cred);', '&object->volume->path, current_cred());') } }],
    expect: ['introduced fs/cachefiles/inval.c:16 openCreds (high)'],
  },
  {
    name: "patch-only series: the submitter's creds handed to the allocator in patch 2, in a function patch 1's image holds whole",
    mode: 'patch-only',
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO_CRED_LONG },
    patches: [
      { subject: 'nfs/localio: clear IOCB_APPEND for local I/O', edit: { 'fs/nfs/localio.c': (t) => t.replace('\tiocb->cred = get_cred(cred);\n', '\tiocb->cred = get_cred(cred);\n\tiocb->kiocb.ki_flags &= ~IOCB_APPEND;\n') } },
      { subject: 'nfs/localio: read as the submitter', edit: { 'fs/nfs/localio.c': (t) => t.replace('nfs_local_iocb_alloc(file, file->f_cred);', 'nfs_local_iocb_alloc(file, current_cred());') } },
    ],
    expect: ['introduced fs/nfs/localio.c:45 capturedCreds (low)'],
  },
  {
    name: "overlayfs: notify_change() on the upper dentry (through ovl_do_notify_change()) in a new branch outside the override",
    tree: { 'fs/overlayfs/inode.c': OVL_SETATTR },
    patches: [{ subject: 'ovl: do not switch creds for timestamp-only setattr', edit: { 'fs/overlayfs/inode.c': (t) => t.replace('\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n\trevert_creds(old_cred);\n', '\tif (!(attr->ia_valid & ~ATTR_TIMES)) {\n\t\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n\t} else {\n\t\told_cred = ovl_override_creds(dentry->d_sb);\n\t\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n\t\trevert_creds(old_cred);\n\t}\n') } }],
    expect: ['introduced fs/overlayfs/inode.c:17 switchNarrowed (high)'],
  },
  {
    name: "nfs-localio-like: the worker switches to prepare_kernel_cred(&init_task), not the local file's f_cred",
    tree: { 'fs/nfs/localio.c': LOCALIO_READ },
    patches: [{ subject: 'nfs/localio: read as the kernel', edit: { 'fs/nfs/localio.c': (t) => t.replace('\tconst struct cred *save_cred;\n', '\tconst struct cred *save_cred, *kcred;\n').replace('\tsave_cred = override_creds(filp->f_cred);\n', '\tkcred = prepare_kernel_cred(&init_task);\n\tsave_cred = override_creds(kcred);\n') } }],
    expect: ['introduced fs/nfs/localio.c:13 wrongPrincipal (high)'],
  },
  {
    name: 'patch-only: an override and its revert added around an early return the hunks do not show (the model has it)',
    mode: 'patch-only',
    tree: { 'drivers/nvme/target/io-cmd-file.c': NVMET_ZEROES },
    patches: [{ subject: 'nvmet: zero the range as the opener of the backing file', edit: { 'drivers/nvme/target/io-cmd-file.c': (t) => t.replace('\tint ret;\n\n', '\tint ret;\n\tconst struct cred *old_cred;\n\n\told_cred = override_creds(req->ns->file->f_cred);\n').replace('\tret = vfs_fallocate(req->ns->file, 0, offset, len);\n', '\tret = vfs_fallocate(req->ns->file, 0, offset, len);\n\trevert_creds(old_cred);\n') } }],
    expect: ['introduced drivers/nvme/target/io-cmd-file.c:12 unbalanced (medium)'],
  },
  {
    name: 'patch-only: an override moved up above existing gotos to a label past its revert (label and revert beyond the hunks)',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/xattrs.c': OVL_XATTR },
    patches: [{ subject: 'ovl: take the creds once in ovl_xattr_set', edit: { 'fs/overlayfs/xattrs.c': (t) => t.replace('\tint err;\n\n\terr = ovl_want_write(dentry);\n', '\tint err;\n\n\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = ovl_want_write(dentry);\n').replace('\n\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = vfs_setxattr(', '\n\terr = vfs_setxattr(') } }],
    expect: ['introduced fs/overlayfs/xattrs.c:10 unbalanced (medium)'],
  },
  {
    name: "cachefiles: the on-demand fd's space work moved into a new helper called outside cachefiles_begin_secure()",
    tree: { 'fs/cachefiles/ondemand.c': CACHEFILES_ONDEMAND },
    patches: [{ subject: 'cachefiles: factor out prepare-and-write', edit: { 'fs/cachefiles/ondemand.c': (t) => t.replace('static ssize_t cachefiles_ondemand_fd_write_iter(', 'static ssize_t xcache_prepare_and_write(struct cachefiles_object *object, struct file *file, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tint ret = xcache_prepare(object, file, kiocb->ki_pos, iter->count);\n\n\tif (ret < 0)\n\t\treturn ret;\n\treturn vfs_iocb_iter_write(file, kiocb, iter);\n}\n\nstatic ssize_t cachefiles_ondemand_fd_write_iter(').replace('\tcachefiles_begin_secure(cache, &saved_cred);\n\tret = xcache_prepare(object, file, kiocb->ki_pos, iter->count);\n\tcachefiles_end_secure(cache, saved_cred);\n\tif (ret < 0)\n\t\treturn ret;\n\treturn vfs_iocb_iter_write(file, kiocb, iter);\n', '\treturn xcache_prepare_and_write(object, file, kiocb, iter);\n') } }],
    expect: ['introduced fs/cachefiles/ondemand.c:26 switchRemoved (high)'],
  },
  {
    name: "overlayfs-like: the caller now hands current_cred() to a helper that switches to what it is given: told at the caller's line",
    tree: { 'fs/overlayfs/file.c': OVL_FSYNC_CRED_PARAM },
    patches: [{ subject: 'ovl: fsync as the caller', edit: { 'fs/overlayfs/file.c': (t) => t.replace('ovl_creds(file_inode(file)->i_sb), datasync', 'current_cred(), datasync') } }],
    expect: ['introduced fs/overlayfs/file.c:19 wrongPrincipal (high)'],
  },
  {
    name: "overlayfs: the real file's ->flush() left outside the override (an operation the backing filesystem checks as the caller)",
    tree: { 'fs/overlayfs/file.c': OVL_FLUSH },
    patches: [{ subject: 'ovl: flush without switching creds', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\t\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\t\terr = realfile->f_op->flush(realfile, id);\n\t\trevert_creds(old_cred);\n', '\t\terr = realfile->f_op->flush(realfile, id);\n') } }],
    expect: ['introduced fs/overlayfs/file.c:45 switchRemoved (high)'],
  },
  {
    name: "nfs localio: the work item switches to the request's hdr->cred (the NFS user's, from the open context), not the local file's f_cred",
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO.replace('\tconst struct cred\t*cred;\n};', '\tconst struct cred\t*cred;\n\tstruct nfs_pgio_header\t*hdr;\n};').replace('static struct nfs_local_kiocb *nfs_local_iocb_alloc(struct file *file)\n{\n\tstruct nfs_local_kiocb *iocb = kmalloc(sizeof(*iocb), GFP_KERNEL);\n', 'static struct nfs_local_kiocb *nfs_local_iocb_alloc(struct nfs_pgio_header *hdr, struct file *file)\n{\n\tstruct nfs_local_kiocb *iocb = kmalloc(sizeof(*iocb), GFP_KERNEL);\n\n\tiocb->hdr = hdr;\n').replace('nfs_local_iocb_alloc(file);', 'nfs_local_iocb_alloc(NULL, file);') },
    patches: [{ subject: "nfs/localio: read with the request's credentials", edit: { 'fs/nfs/localio.c': (t) => t.replace('override_creds(filp->f_cred)', 'override_creds(iocb->hdr->cred)') } }],
    expect: ['introduced fs/nfs/localio.c:29 wrongPrincipal (high)'],
  },
  {
    name: "nfsd-like: a return between a callee that installs the client's credentials and the revert_creds() of the ones saved on entry",
    tree: { 'fs/nfsd/xlocal.c': NFSD_LOCAL },
    patches: [{ subject: 'nfsd: return early when the open fails', edit: { 'fs/nfsd/xlocal.c': (t) => t.replace('\tberes = xnfsd_do_acquire(net, fhp, pnf);\n', '\tberes = xnfsd_do_acquire(net, fhp, pnf);\n\tif (beres)\n\t\treturn beres;\n') } }],
    expect: ['introduced fs/nfsd/xlocal.c:12 savedNotRestored (high)'],
  },
  {
    name: 'overlayfs: the upper ACL read back with vfs_get_acl() after the revert (an attribute operation on a layer)',
    tree: { 'fs/overlayfs/inode.c': OVL_SETATTR },
    patches: [{ subject: 'ovl: check the upper ACL after setattr', edit: { 'fs/overlayfs/inode.c': (t) => t.replace('\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n\trevert_creds(old_cred);\n', '\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n\trevert_creds(old_cred);\n\tif (!err)\n\t\tposix_acl_release(vfs_get_acl(ovl_upper_mnt_idmap(ofs), upperdentry, XATTR_NAME_POSIX_ACL_ACCESS));\n') } }],
    expect: ['introduced fs/overlayfs/inode.c:20 callerCreds (high)'],
  },
  {
    name: "ksmbd-like: a goto to the error label past ksmbd_revert_fsids() after the session user's fsids were switched",
    tree: { 'fs/smb/server/xsmb.c': KSMBD_QUERY },
    patches: [{ subject: 'ksmbd: reject short requests', edit: { 'fs/smb/server/xsmb.c': (t) => t.replace('\trc = xsmb_get_info(work);\n', '\tif (work->request_sz < 64) {\n\t\trc = -EINVAL;\n\t\tgoto err_out;\n\t}\n\trc = xsmb_get_info(work);\n') } }],
    expect: ['introduced fs/smb/server/xsmb.c:16 unbalanced (high)'],
  },
  {
    name: 'a new early return beside an old one in the same override: the old leak does not hide the new',
    tree: { 'drivers/x/xleak.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a helper with an old leak. */\n#include <linux/cred.h>\n\nint xleak_sync(struct file *file, const struct cred *cred)\n{\n\tconst struct cred *old_cred;\n\tint ret;\n\n\told_cred = override_creds(cred);\n\tret = xleak_prepare(file);\n\tif (ret)\n\t\treturn ret;\n\tret = xleak_flush(file);\n\trevert_creds(old_cred);\n\treturn ret;\n}\n' },
    patches: [{ subject: 'x: stop on a busy file', edit: { 'drivers/x/xleak.c': (t) => t.replace('\tret = xleak_flush(file);\n', '\tif (xleak_busy(file))\n\t\treturn -EBUSY;\n\tret = xleak_flush(file);\n') } }],
    expect: ['preexisting drivers/x/xleak.c:13 unbalanced (high)', 'introduced drivers/x/xleak.c:15 unbalanced (high)'],
  },
  {
    name: 'cachefiles: the resize moved below the success path\'s cachefiles_end_secure(), though the error path\'s revert comes later',
    tree: { 'fs/cachefiles/interface.c': CACHEFILES_LOOKUP },
    patches: [{ subject: 'cachefiles: size the object after the secure section', edit: { 'fs/cachefiles/interface.c': CACHEFILES_SIZE_AFTER_END } }],
    expect: ['introduced fs/cachefiles/interface.c:39 switchNarrowed (high)'],
  },
  {
    name: 'patch-only: the resize moved below the success path\'s cachefiles_end_secure(), the error path\'s revert beyond the hunk',
    mode: 'patch-only',
    tree: { 'fs/cachefiles/interface.c': CACHEFILES_LOOKUP },
    patches: [{ subject: 'cachefiles: size the object after the secure section', edit: { 'fs/cachefiles/interface.c': CACHEFILES_SIZE_AFTER_END } }],
    expect: ['introduced fs/cachefiles/interface.c:39 switchNarrowed (medium)'],
  },
  {
    name: "overlayfs: backing_tmpfile_open() handed file->f_cred in ->tmpfile(), the creator's creds, not the mounter's",
    tree: { 'fs/overlayfs/dir.c': OVL_TMPFILE },
    patches: [{ subject: 'ovl: record the opener in O_TMPFILE backing files', edit: { 'fs/overlayfs/dir.c': (t) => t.replace('mode, current_cred());', 'mode, file->f_cred);') } }],
    expect: ['introduced fs/overlayfs/dir.c:13 openCreds (high)'],
  },
  {
    name: 'fuse: backing_file_mmap() open-coded, call_mmap() on the vma_set_file() file with no switch',
    tree: { 'fs/fuse/passthrough.c': FUSE_MMAP(loadKtree()['fs/fuse/passthrough.c']!) },
    patches: [{ subject: 'fuse: passthrough: only mark atime after a successful mmap', edit: { 'fs/fuse/passthrough.c': (t) => t.replace(
      '\tstruct backing_file_ctx ctx = {\n\t\t.cred = ff->cred,\n\t\t.user_file = file,\n\t};\n\n\treturn backing_file_mmap(backing_file, vma, &ctx);',
      '\tint ret;\n\n\tvma_set_file(vma, backing_file);\n\tret = call_mmap(vma->vm_file, vma);\n\tif (!ret)\n\t\tfuse_file_accessed(file);\n\treturn ret;',
    ) } }],
    expect: ['introduced fs/fuse/passthrough.c:25 switchRemoved (high)'],
  },
  {
    name: "overlayfs: a wrapper's override dropped, ->link() calling the helper (a header wrapper's setxattr two calls down) itself",
    tree: { 'fs/overlayfs/dir.c': OVL_REDIRECT },
    patches: [{ subject: 'ovl: remove ovl_set_link_redirect()', edit: { 'fs/overlayfs/dir.c': (t) => t.replace(
      /static int ovl_set_link_redirect\(struct dentry \*dentry\)\n\{\n[^}]*\}\n\n/, '',
    ).replace('err = ovl_set_link_redirect(old);', 'err = ovl_set_redirect(old, false);') } }],
    expect: ['introduced fs/overlayfs/dir.c:25 newCaller (high)'],
  },
  {
    name: 'overlayfs: an early return after ovl_prep_cu_creds() skips ovl_revert_cu_creds()',
    tree: { 'fs/overlayfs/copy_up.c': OVL_COPY_UP },
    patches: [{ subject: "ovl: don't copy up into an unhashed work dir", edit: { 'fs/overlayfs/copy_up.c': (t) => t.replace(
      '\t\treturn err;\n\n\terr = ovl_copy_up_data(c);', '\t\treturn err;\n\n\tif (unlikely(d_unhashed(c->workdir)))\n\t\treturn -ESTALE;\n\n\terr = ovl_copy_up_data(c);',
    ) } }],
    expect: ['introduced fs/overlayfs/copy_up.c:15 unbalanced (high)'],
  },
  {
    name: "nfs localio: the worker's commit run inline by the committing task",
    tree: { 'fs/nfs/localio.c': NFS_LOCAL_COMMIT + '\nstatic int nfs_local_commit(struct nfsd_file *localio, struct nfs_commit_data *data, int how)\n{\n\tstruct nfs_local_fsync_ctx *ctx = nfs_local_fsync_ctx_alloc(nfs_to->nfsd_file_file(localio));\n\n\tqueue_work(nfslocaliod_workqueue, &ctx->work);\n\treturn 0;\n}\n\nstatic const struct nfs_commit_ops nfs_local_commit_ops = {\n\t.commit\t\t= nfs_local_commit,\n};\n' },
    patches: [{ subject: 'nfs/localio: run synchronous COMMITs in the caller', edit: { 'fs/nfs/localio.c': (t) => t.replace(
      '\tqueue_work(nfslocaliod_workqueue, &ctx->work);\n\treturn 0;', '\tif (how & FLUSH_SYNC)\n\t\tnfs_local_run_commit(ctx->filp);\n\telse\n\t\tqueue_work(nfslocaliod_workqueue, &ctx->work);\n\treturn 0;',
    ) } }],
    expect: ['introduced fs/nfs/localio.c:37 callerCreds (high)'],
  },
  {
    name: 'overlayfs, patch only: an override replaced in place by one to captured creds is judged for its creds, not reported dropped',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/readdir.c': OVL_READDIR },
    patches: [{ subject: "ovl: iterate real directories with the opener's credentials", edit: { 'fs/overlayfs/readdir.c': (t) => t.replace('\told_cred = ovl_override_creds(dentry->d_sb);', '\told_cred = override_creds(od->cred);') } }],
    expect: ['introduced fs/overlayfs/readdir.c:30 scopeCreds (medium)'],
  },
  {
    name: 'patch-only, -U1: the revert moved up above the fsync, the override one line above the hunk (the model has it)',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_EXIT_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: drop the mounter creds before syncing', context: 1, edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\tret = ovl_sync_meta(realfile);\n', '\tret = ovl_sync_meta(realfile);\n\trevert_creds(old_cred);\n',
    ).replaceAll('goto out;', 'goto out_put;').replace('out:\n\trevert_creds(old_cred);\n', '') } }],
    expect: ['introduced fs/overlayfs/file.c:41 switchNarrowed (medium)'],
  },
  {
    name: 'patch-only, -U1: a goto to a label the patch adds past the revert, which the hunks do not show (the model has it)',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_EXIT_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: skip fsync of clean files', context: 1, edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tif (!ovl_dirty(file)) {\n\t\tret = 0;\n\t\tgoto out_clean;\n\t}\n\tret = ovl_sync_meta(realfile);',
    ).replace('out_put:\n\tovl_put_realfile(realfile);', 'out_put:\n\tovl_put_realfile(realfile);\nout_clean:') } }],
    expect: ['introduced fs/overlayfs/file.c:33 unbalanced (medium)'],
  },
  {
    name: "patch-only, -U1: the label moved below the revert, so the model's gotos to it (lines the hunk does not show) skip it",
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_EXIT_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: keep the mounter creds for the final put', context: 1, edit: { 'fs/overlayfs/file.c': (t) => t.replace('out:\n\trevert_creds(old_cred);\nout_put:', '\trevert_creds(old_cred);\nout:\nout_put:') } }],
    expect: ['introduced fs/overlayfs/file.c:33 unbalanced (medium)', 'introduced fs/overlayfs/file.c:36 unbalanced (medium)', 'introduced fs/overlayfs/file.c:39 unbalanced (medium)'],
  },
  {
    name: 'patch-only, -U1: the revert moved up inside a nested block, the setattr on the upper left under the caller',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/inode.c': OVL_FILEATTR },
    patches: [{ subject: 'ovl: drop the mounter creds before setting the real attributes', context: 1, edit: { 'fs/overlayfs/inode.c': (t) => t.replace(
      '\t\terr = ovl_set_protattr(d_inode(dentry), upperpath.dentry, fa);\n', '\t\terr = ovl_set_protattr(d_inode(dentry), upperpath.dentry, fa);\n\t\trevert_creds(old_cred);\n',
    ).replace('\t\trevert_creds(old_cred);\n\t\tovl_drop_write(dentry);', '\t\tovl_drop_write(dentry);') } }],
    expect: ['introduced fs/overlayfs/inode.c:18 switchNarrowed (medium)'],
  },
  {
    name: 'patch-only: the revert moved up from the end to just after the override (both shown), the fsync between on lines no hunk shows',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': loadKtree()['fs/overlayfs/file.c']!.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tovl_sync_a(realfile);\n\tovl_sync_b(realfile);\n\tovl_sync_c(realfile);\n\tovl_sync_d(realfile);\n\tovl_sync_e(realfile);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\tovl_sync_f(realfile);\n\tovl_sync_g(realfile);\n\tovl_sync_h(realfile);\n\tovl_sync_i(realfile);\n\tovl_sync_j(realfile);\n\tovl_sync_k(realfile);',
    ) },
    patches: [{ subject: 'ovl: sync the real file as the caller', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\tovl_sync_a(realfile);\n', '\tovl_sync_a(realfile);\n\trevert_creds(old_cred);\n',
    ).replace('\tovl_sync_k(realfile);\n\trevert_creds(old_cred);\n', '\tovl_sync_k(realfile);\n') } }],
    expect: ['introduced fs/overlayfs/file.c:37 switchNarrowed (medium)'],
  },
  {
    name: 'patch-only, -U1: the override and its revert removed in two hunks that show nothing else of the function but blank lines',
    mode: 'patch-only',
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO.replace('\tsave_cred = override_creds(filp->f_cred);\n\tvfs_iocb_iter_read(filp, &iocb->kiocb, &iter);\n\trevert_creds(save_cred);\n', '\tsave_cred = override_creds(filp->f_cred);\n\n\tvfs_iocb_iter_read(filp, &iocb->kiocb, &iter);\n\n\trevert_creds(save_cred);\n\n\tnfs_local_read_done(iocb);\n') },
    patches: [{ subject: 'nfs/localio: read as the worker', context: 1, edit: { 'fs/nfs/localio.c': (t) => t.replace('\tsave_cred = override_creds(filp->f_cred);\n', '').replace('\trevert_creds(save_cred);\n', '') } }],
    expect: ['introduced fs/nfs/localio.c:27 switchRemoved (low)'],
  },
  {
    name: "patch-only, -U1: the success path's end_secure moved up above the resize, the error path's revert beyond the hunks",
    mode: 'patch-only',
    tree: { 'fs/cachefiles/interface.c': CACHEFILES_LOOKUP },
    patches: [{ subject: 'cachefiles: end the secure section after the lookup', context: 1, edit: { 'fs/cachefiles/interface.c': (t) => t.replace(
      '\tsuccess = cachefiles_look_up_object(object);\n', '\tsuccess = cachefiles_look_up_object(object);\n\tcachefiles_end_secure(cache, saved_cred);\n',
    ).replace('\tcachefiles_adjust_size(object);\n\n\tcachefiles_end_secure(cache, saved_cred);\n', '\tcachefiles_adjust_size(object);\n\n') } }],
    expect: ['introduced fs/cachefiles/interface.c:38 switchNarrowed (medium)'],
  },
  {
    name: "fuse, patch only, -U1: a hunk that ends inside the ctx initialiser (its closing brace not shown) still shows .cred",
    mode: 'patch-only',
    patches: [{ subject: 'fuse: passthrough reads with the file creds', context: 1, edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\t\t.cred = ff->cred,', '\t\t.cred = file->f_cred,') } }],
    expect: ['introduced fs/fuse/passthrough.c:11 ctxCred (medium)'],
  },
  {
    name: "patch-only, -U1: an override switched in place to the caller's creds, its revert beyond the hunk (the model has it)",
    mode: 'patch-only',
    tree: { 'fs/overlayfs/readdir.c': OVL_READDIR },
    patches: [{ subject: 'ovl: iterate real directories as the caller', context: 1, edit: { 'fs/overlayfs/readdir.c': (t) => t.replace('\told_cred = ovl_override_creds(dentry->d_sb);', '\told_cred = override_creds(current_cred());') } }],
    expect: ['introduced fs/overlayfs/readdir.c:30 scopeCreds (medium)'],
  },
  {
    name: 'overlayfs: the second of two switches into old_cred respelt to the caller\'s creds (ovl_copyfile())',
    tree: { 'fs/overlayfs/file.c': 'static loff_t ovl_copyfile(struct file *file_in, struct file *file_out, loff_t len)\n{\n\tstruct inode *inode_in = file_inode(file_in);\n\tstruct inode *inode_out = file_inode(file_out);\n\tstruct file *real_in = ovl_real_file(file_in);\n\tstruct file *real_out = ovl_real_file(file_out);\n\tconst struct cred *old_cred;\n\tloff_t ret;\n\n\tif (unlikely(inode_in->i_sb != inode_out->i_sb)) {\n\t\told_cred = ovl_override_creds(inode_in->i_sb);\n\t\tret = rw_verify_area(READ, real_in, NULL, len);\n\t\trevert_creds(old_cred);\n\t\tif (unlikely(ret))\n\t\t\treturn ret;\n\t}\n\n\told_cred = ovl_override_creds(inode_out->i_sb);\n\tret = vfs_copy_file_range(real_in, 0, real_out, 0, len, 0);\n\trevert_creds(old_cred);\n\treturn ret;\n}\n\nconst struct file_operations ovl_file_operations = {\n\t.copy_file_range = ovl_copyfile,\n};\n' },
    patches: [{ subject: 'ovl: copy with the caller\'s credentials', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\told_cred = ovl_override_creds(inode_out->i_sb);', '\told_cred = override_creds(current_cred());') } }],
    expect: ['introduced fs/overlayfs/file.c:18 wrongPrincipal (high)'],
  },
  {
    name: "erofs: a local set by a conditional, `file ? file->f_cred : current_cred()`: either arm is the reader's",
    patches: [{ subject: 'erofs: read with the credentials of the file being read', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tstruct erofs_fileio_rq *rq = erofs_fileio_rq_alloc(&folio_map_dev(folio));\n\n\terofs_fileio_rq_submit(rq);\n',
      '\tconst struct cred *cred = file ? file->f_cred : current_cred();\n\tstruct erofs_fileio_rq *rq = erofs_fileio_rq_alloc(&folio_map_dev(folio));\n\tconst struct cred *old_cred = override_creds(cred);\n\n\terofs_fileio_rq_submit(rq);\n\trevert_creds(old_cred);\n',
    ) } }],
    expect: ['introduced fs/erofs/fileio.c:28 scopeCreds (high)'],
  },
  {
    name: 'nfs localio: two calls added in one block, each a new path to the local file with no switch: one finding, at the first',
    tree: { 'fs/nfs/localio.c': NFS_LOCAL_COMMIT.replace('static void nfs_local_fsync_work(', 'static int nfs_local_run_getattr(struct file *filp, struct kstat *stat)\n{\n\treturn vfs_getattr(&filp->f_path, stat, STATX_BASIC_STATS, AT_STATX_SYNC_AS_STAT);\n}\n\nstatic void nfs_local_fsync_work(') + '\nstatic int nfs_local_commit(struct nfsd_file *localio, struct nfs_commit_data *data, int how)\n{\n\tstruct nfs_local_fsync_ctx *ctx = nfs_local_fsync_ctx_alloc(nfs_to->nfsd_file_file(localio));\n\n\tqueue_work(nfslocaliod_workqueue, &ctx->work);\n\treturn 0;\n}\n\nstatic const struct nfs_commit_ops nfs_local_commit_ops = {\n\t.commit\t\t= nfs_local_commit,\n};\n' },
    patches: [{ subject: 'nfs/localio: run synchronous COMMITs in the caller', edit: { 'fs/nfs/localio.c': (t) => t.replace(
      '\tqueue_work(nfslocaliod_workqueue, &ctx->work);\n\treturn 0;', '\tif (how & FLUSH_SYNC) {\n\t\tstruct kstat stat;\n\n\t\tnfs_local_run_commit(ctx->filp);\n\t\tnfs_local_run_getattr(ctx->filp, &stat);\n\t\treturn 0;\n\t}\n\tqueue_work(nfslocaliod_workqueue, &ctx->work);\n\treturn 0;',
    ) } }],
    expect: ['introduced fs/nfs/localio.c:44 callerCreds (high)'],
  },
  {
    name: "overlayfs: ovl_permission()'s check of the real inode taken out of the mounter's creds",
    tree: { 'fs/overlayfs/inode.c': 'int ovl_permission(struct mnt_idmap *idmap, struct inode *inode, int mask)\n{\n\tstruct inode *realinode = ovl_inode_real(inode);\n\tconst struct cred *old_cred;\n\tint err;\n\n\terr = generic_permission(&nop_mnt_idmap, inode, mask);\n\tif (err)\n\t\treturn err;\n\n\told_cred = ovl_override_creds(inode->i_sb);\n\terr = inode_permission(&nop_mnt_idmap, realinode, mask);\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nconst struct inode_operations ovl_file_inode_operations = {\n\t.permission\t= ovl_permission,\n};\n' },
    patches: [{ subject: 'ovl: check the real inode as the caller', edit: { 'fs/overlayfs/inode.c': (t) => t.replace('\told_cred = ovl_override_creds(inode->i_sb);\n', '').replace('\trevert_creds(old_cred);\n', '').replace('\tconst struct cred *old_cred;\n', '') } }],
    expect: ['introduced fs/overlayfs/inode.c:10 switchRemoved (high)'],
  },  {
    name: "overlayfs: a new caller of a helper whose other caller is six calls below a switch (the copy-up path, judged all the way up)",
    tree: { 'fs/overlayfs/xattr-x.c': '// synthetic\n#include "overlayfs.h"\n\nstatic int ovl_x_set(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_do_setxattr(ofs, upper, "trusted.x", NULL, 0, 0);\n}\n\nstatic int ovl_x_step1(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_x_set(ofs, upper);\n}\n\nstatic int ovl_x_step2(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_x_step1(ofs, upper);\n}\n\nstatic int ovl_x_step3(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_x_step2(ofs, upper);\n}\n\nstatic int ovl_x_step4(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_x_step3(ofs, upper);\n}\n\nstatic int ovl_x_step5(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_x_step4(ofs, upper);\n}\n\nstatic int ovl_x_step6(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_x_step5(ofs, upper);\n}\n\nint ovl_x_copy_up(struct dentry *dentry, struct ovl_fs *ofs, struct dentry *upper)\n{\n\tconst struct cred *old_cred = ovl_override_creds(dentry->d_sb);\n\tint err = ovl_x_step6(ofs, upper);\n\n\trevert_creds(old_cred);\n\treturn err;\n}\n\nstatic int ovl_x_fileattr_set(struct mnt_idmap *idmap, struct dentry *dentry, struct fileattr *fa)\n{\n\tstruct ovl_fs *ofs = OVL_FS(dentry->d_sb);\n\tstruct dentry *upper = ovl_dentry_upper(dentry);\n\n\treturn 0;\n}\n\nconst struct inode_operations ovl_x_inode_operations = {\n\t.fileattr_set\t= ovl_x_fileattr_set,\n};\n' },
    patches: [{ subject: 'ovl: set the protection xattr from fileattr_set', edit: { 'fs/overlayfs/xattr-x.c': (t) => t.replace('\tstruct dentry *upper = ovl_dentry_upper(dentry);\n\n\treturn 0;', '\tstruct dentry *upper = ovl_dentry_upper(dentry);\n\n\treturn ovl_x_set(ofs, upper);') } }],
    expect: ['introduced fs/overlayfs/xattr-x.c:53 newCaller (high)'],
  },  {
    name: 'overlayfs: a call added after the revert, of a helper in another file whose layer access is four calls down (ovl_validate_verity()-like)',
    tree: { 'fs/overlayfs/util-y.c': '// synthetic\n#include "overlayfs.h"\n\nstatic int ovl_y_h4(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_do_setxattr(ofs, upper, "trusted.y", NULL, 0, 0);\n}\n\nstatic int ovl_y_h3(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_y_h4(ofs, upper);\n}\n\nstatic int ovl_y_h2(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_y_h3(ofs, upper);\n}\n\nint ovl_y_h1(struct ovl_fs *ofs, struct dentry *upper)\n{\n\treturn ovl_y_h2(ofs, upper);\n}\n\n', 'fs/overlayfs/inode-y.c': '// synthetic\n#include "overlayfs.h"\n\nstatic int ovl_y_fileattr_set(struct mnt_idmap *idmap, struct dentry *dentry, struct fileattr *fa)\n{\n\tstruct ovl_fs *ofs = OVL_FS(dentry->d_sb);\n\tstruct dentry *upper = ovl_dentry_upper(dentry);\n\tconst struct cred *old_cred;\n\tint err;\n\n\told_cred = ovl_override_creds(dentry->d_sb);\n\terr = ovl_real_fileattr_set(upper, fa);\n\trevert_creds(old_cred);\n\n\treturn err;\n}\n\nconst struct inode_operations ovl_y_inode_operations = {\n\t.fileattr_set\t= ovl_y_fileattr_set,\n};\n' },
    patches: [{ subject: 'ovl: mark the upper after fileattr_set', edit: { 'fs/overlayfs/inode-y.c': (t) => t.replace('\trevert_creds(old_cred);\n\n\treturn err;', '\trevert_creds(old_cred);\n\tif (!err)\n\t\terr = ovl_y_h1(ofs, upper);\n\n\treturn err;') } }],
    expect: ['introduced fs/overlayfs/inode-y.c:15 newCaller (high)'],
  },
  {
    name: "backing-file.c: the switch moved into a wrapper the patch adds, handed the caller's creds (the wrapper's body read for whose they are)",
    tree: { 'fs/backing-file.c': loadKtree()['fs/backing-file.c']! },
    patches: [{ subject: 'backing-file: add begin/end helpers for the credential switch', edit: { 'fs/backing-file.c': (t) => BACKING_WRAP(t, 'backing_file_begin(&(struct backing_file_ctx){ .cred = current_cred() })').replace('static const struct cred *backing_file_begin(const struct backing_file_ctx *ctx)\n{\n\treturn override_creds(ctx->cred);', 'static const struct cred *backing_file_begin(const struct cred *cred)\n{\n\treturn override_creds(cred);').replace('backing_file_begin(&(struct backing_file_ctx){ .cred = current_cred() })', 'backing_file_begin(current_cred())') } }],
    expect: ['introduced fs/backing-file.c:23 wrongPrincipal (high)'],
  },
  {
    name: 'patch-only: an early return between a wrapper switch the patch adds and its wrapper revert leaves overridden',
    mode: 'patch-only',
    tree: { 'fs/backing-file.c': loadKtree()['fs/backing-file.c']! },
    patches: [{ subject: 'backing-file: add begin/end helpers and skip empty reads', edit: { 'fs/backing-file.c': (t) => BACKING_WRAP(t).replace('\told_cred = backing_file_begin(ctx);\n', '\told_cred = backing_file_begin(ctx);\n\tif (!iov_iter_count(iter))\n\t\treturn 0;\n') } }],
    expect: ['introduced fs/backing-file.c:25 unbalanced (medium)'],
  },
  {
    name: 'overlayfs: a break out of the retry loop before the pass reverts leaves ovl_fsync() with the mounter creds',
    patches: [{ subject: 'ovl: retry fsync on -EAGAIN', edit: { 'fs/overlayfs/file.c': OVL_RETRY_FSYNC('\t\tif (ret != -EAGAIN)\n\t\t\tbreak;\n\t\trevert_creds(old_cred);\n') } }],
    expect: ['introduced fs/overlayfs/file.c:34 unbalanced (high)'],
  },
  {
    name: 'patch-only: a continue before the pass reverts switches again over the switched creds',
    mode: 'patch-only',
    patches: [{ subject: 'ovl: retry fsync on -EAGAIN', edit: { 'fs/overlayfs/file.c': OVL_RETRY_FSYNC('\t\tif (ret == -EAGAIN)\n\t\t\tcontinue;\n\t\trevert_creds(old_cred);\n\t\tbreak;\n') } }],
    expect: ['introduced fs/overlayfs/file.c:34 unbalancedContinue (medium)'],
  },
  {
    name: 'io_uring-like: a new early return under a conditional switch, with no revert at all',
    tree: { 'io_uring/sqpoll.c': SQPOLL },
    patches: [{ subject: 'io_uring/sqpoll: skip dying rings', edit: { 'io_uring/sqpoll.c': (t) => t.replace('\tret = sq_submit(ring);\n', '\tif (sq_ring_dying(ring))\n\t\treturn 0;\n\tret = sq_submit(ring);\n') } }],
    expect: ['introduced io_uring/sqpoll.c:14 unbalanced (high)'],
  },
  {
    name: "cachefiles: the secure section dropped from a tmpfile helper the cookie worker calls leaves its creation under kernel creds",
    tree: { 'fs/cachefiles/replace.c': CACHEFILES_TMPFILE },
    patches: [{ subject: 'cachefiles: callers of cachefiles_make_tmpfile() hold the secure section', edit: { 'fs/cachefiles/replace.c': (t) => t.replace('\tconst struct cred *saved_cred;\n', '').replace('\tcachefiles_begin_secure(cache, &saved_cred);\n', '').replace('\tcachefiles_end_secure(cache, saved_cred);\n', '') } }],
    expect: ['introduced fs/cachefiles/replace.c:11 switchRemoved (medium)'],
  },
  {
    name: "overlayfs: the override dropped around a helper that opens a lower file with current_cred() leaves that open to the caller",
    tree: { 'fs/overlayfs/verity.c': OVL_VERITY },
    patches: [{ subject: 'ovl: load verity without switching creds', edit: { 'fs/overlayfs/verity.c': (t) => t.replace('\tconst struct cred *old_cred;\n', '').replace('\told_cred = ovl_override_creds(inode->i_sb);\n', '').replace('\trevert_creds(old_cred);\n', '') } }],
    expect: ['introduced fs/overlayfs/verity.c:22 switchRemoved (high)'],
  },
  {
    name: "overlayfs: the creds ovl_override_creds() returned (the caller's) passed to a helper that opens the upper file with them",
    tree: { 'fs/overlayfs/flags.c': OVL_CHECK_FLAGS },
    patches: [{ subject: 'ovl: check flags changes against the calling task', edit: { 'fs/overlayfs/flags.c': (t) => t.replace('ovl_check_flags(&upperpath, fa, current_cred());', 'ovl_check_flags(&upperpath, fa, old_cred);') } }],
    expect: ['introduced fs/overlayfs/flags.c:27 openCreds (high)'],
  },
  {
    name: "patch-only: the creds ovl_override_creds() returned, passed to a helper that opens the upper file, with the switch outside the hunk",
    mode: 'patch-only',
    tree: { 'fs/overlayfs/flags.c': OVL_CHECK_FLAGS.replace('\told_cred = ovl_override_creds(inode->i_sb);\n', '\told_cred = ovl_override_creds(inode->i_sb);\n\t/*\n\t * Check the change on the upper file, the one that will\n\t * carry the flags.\n\t */\n') },
    patches: [{ subject: 'ovl: check flags changes against the calling task', edit: { 'fs/overlayfs/flags.c': (t) => t.replace('ovl_check_flags(&upperpath, fa, current_cred());', 'ovl_check_flags(&upperpath, fa, old_cred);') } }],
    expect: ['introduced fs/overlayfs/flags.c:31 openCreds (medium)'],
  },
  {
    name: 'patch-only series: patch 1 gives the opener a cred argument in a signature hunk with no call in it, patch 2 passes what ovl_override_creds() returned',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/flags.c': OVL_CHECK_FLAGS_SPLIT },
    patches: [
      { subject: 'ovl: pass the creds to ovl_check_flags()', edit: { 'fs/overlayfs/flags.c': OVL_FLAGS_CRED_ARG } },
      { subject: 'ovl: check flags changes against the calling task', edit: { 'fs/overlayfs/flags.c': (t) => t.replace('ovl_check_flags(&upperpath, fa, current_cred());', 'ovl_check_flags(&upperpath, fa, old_cred);') } },
    ],
    expect: ['introduced fs/overlayfs/flags.c:45 openCreds (medium)'],
  },
  {
    name: "overlayfs: the override dropped around a real inode's own ->fiemap() called by hand",
    tree: { 'fs/overlayfs/fiemap.c': OVL_FIEMAP },
    patches: [{ subject: 'ovl: do not switch creds for fiemap', edit: { 'fs/overlayfs/fiemap.c': (t) => t.replace('\tconst struct cred *old_cred;\n', '').replace('\told_cred = ovl_override_creds(inode->i_sb);\n', '').replace('\trevert_creds(old_cred);\n', '') } }],
    expect: ['introduced fs/overlayfs/fiemap.c:17 switchRemoved (high)'],
  },
  {
    name: "patch-only: the override dropped from backing_file_splice_write(), whose hunk starts on the third line of its signature",
    mode: 'patch-only',
    tree: { 'fs/backing-file.c': BF_SPLICE_WRITE, 'fs/fuse/splice.c': FUSE_SPLICE_WRITE },
    patches: [{ subject: 'backing-file: let the callers switch creds for splice_write', edit: { 'fs/backing-file.c': (t) => t.replace('\tconst struct cred *old_cred;\n', '').replace('\told_cred = override_creds(ctx->cred);\n', '').replace('\trevert_creds(old_cred);\n', '') } }],
    expect: ['introduced fs/backing-file.c:24 switchRemoved (medium)'],
  },
  {
    name: "fuse: NULL handed to an opener that a patch of the series makes take the user path's file creds for it",
    tree: { 'fs/backing-file.c': BF_OPEN, 'fs/fuse/open.c': FUSE_BF_OPEN },
    patches: [
      { subject: 'backing-file: default to the user file creds', edit: { 'fs/backing-file.c': (t) => t.replace('const struct path *user_path, int flags,', 'const struct file *user_file, int flags,').replace('\tint error;\n\n\tf = alloc', '\tint error;\n\n\tif (!cred)\n\t\tcred = user_file->f_cred;\n\n\tf = alloc').replace('\tpath_get(user_path);\n\tbacking_file_set_user_path(f, user_path);\n', '\tpath_get(&user_file->f_path);\n\tbacking_file_set_user_path(f, &user_file->f_path);\n'), 'fs/fuse/open.c': (t) => t.replace('backing_file_open(&file->f_path, file->f_flags,', 'backing_file_open(file, file->f_flags,') } },
      { subject: 'fuse: let backing_file_open() pick the creds', edit: { 'fs/fuse/open.c': (t) => t.replace('&fb->file->f_path, fb->cred);', '&fb->file->f_path, NULL);') } },
    ],
    expect: ['introduced fs/fuse/open.c:13 openCreds (high)'],
  },
  {
    name: "FUSE: ff->cred, what every backing_file_*() call switches to, set to the opened FUSE file's own f_cred (the opener's)",
    tree: { 'fs/fuse/open.c': FUSE_BF_OPEN },
    patches: [{ subject: 'fuse: take ff->cred from the open file', edit: { 'fs/fuse/open.c': (t) => t.replace('\tff->passthrough = backing_file;\n', '\tff->passthrough = backing_file;\n\tff->cred = get_cred(file->f_cred);\n') } }],
    expect: ['introduced fs/fuse/open.c:18 keptOpenerCreds (medium)'],
  },
  {
    name: 'patch-only: deleting the one revert of an override the hunk does not show leaves the task switched',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/yfile.c': YFLUSH },
    patches: [{ subject: 'ovl: trim ovl_yflush()', edit: { 'fs/overlayfs/yfile.c': (t) => t.replace('\trevert_creds(old_cred);\n', '') } }],
    expect: ['introduced fs/overlayfs/yfile.c:21 revertDeleted (medium)'],
  },
  {
    name: "patch-only: a continue before the pass's revert, in a hunk that starts inside the loop's body (no loop header shown)",
    mode: 'patch-only',
    tree: { 'fs/smb/server/ycopy.c': YCOPY },
    patches: [{ subject: 'ksmbd: copy chunks as the target opener', edit: { 'fs/smb/server/ycopy.c': (t) => t.replace('\t\tret = vfs_copy_file_range(src, off, dst, off, len, 0);\n', '\t\tsaved = override_creds(dst->f_cred);\n\t\tret = vfs_copy_file_range(src, off, dst, off, len, 0);\n\t\tif (ret == 0)\n\t\t\tcontinue;\n\t\trevert_creds(saved);\n') } }],
    expect: ['introduced fs/smb/server/ycopy.c:24 unbalancedContinue (medium)'],
  },
];

const YACCESS =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: an access(2)-like check under the real ids. */\n#include <linux/cred.h>\n\nstatic long do_yaccess(int dfd, const char __user *filename, int mode)\n{\n\tstruct path path;\n\tconst struct cred *old_cred = NULL;\n\tint res;\n\n\tif (mode & ~S_IRWXO)\n\t\treturn -EINVAL;\n\n\told_cred = access_override_creds();\n\tif (!old_cred)\n\t\treturn -ENOMEM;\n\n\tres = user_path_at(dfd, filename, LOOKUP_FOLLOW, &path);\n\tif (res)\n\t\tgoto out;\n\n\tres = inode_permission(mnt_idmap(path.mnt), d_backing_inode(path.dentry), mode | MAY_ACCESS);\n\tpath_put(&path);\nout:\n\trevert_creds(old_cred);\n\treturn res;\n}\n';

const valid: ValidCase[] = [
  {
    name: "fuse: a backing_file_*() helper newer than the knowledge base, handed the daemon's ff->cred",
    patches: [{ subject: 'fuse: passthrough fallocate', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nlong fuse_passthrough_fallocate(struct file *file, int mode, loff_t offset, loff_t len)\n{\n\tstruct fuse_file *ff = file->private_data;\n\tstruct file *backing_file = fuse_file_passthrough(ff);\n\tstruct backing_file_ctx ctx = {\n\t\t.cred = ff->cred,\n\t\t.user_file = file,\n\t};\n\n\treturn backing_file_fallocate(backing_file, mode, offset, len, &ctx);\n}\n\nstatic long fuse_file_fallocate(struct file *file, int mode, loff_t offset, loff_t len)\n{\n\treturn fuse_passthrough_fallocate(file, mode, offset, len);\n}\n\nstatic const struct file_operations fuse_file_operations = {\n\t.fallocate\t= fuse_file_fallocate,\n};\n' } }],
  },
  {
    name: 'patch-only: an override in one hunk and its revert in another, before the return the second hunk shows',
    mode: 'patch-only',
    tree: { 'drivers/usb/gadget/function/xstorage.c': '// synthetic\n#include <linux/fs.h>\n\nstatic int xs_do_read(struct fsg_lun *curlun, char *buf, size_t amount, loff_t pos)\n{\n\tssize_t nread;\n\tint a = 0;\n\n\tnread = kernel_read(curlun->filp, buf, amount, &pos);\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\tif (signal_pending(current))\n\t\treturn -EINTR;\n\n\treturn nread < 0 ? nread : a;\n}\n' },
    patches: [{ subject: 'usb: gadget: read the LUN file as its opener', edit: { 'drivers/usb/gadget/function/xstorage.c': (t) => t.replace('\n\tnread = kernel_read(', '\n\told_cred = override_creds(curlun->filp->f_cred);\n\tnread = kernel_read(').replace('\tif (signal_pending(current))\n', '\trevert_creds(old_cred);\n\tif (signal_pending(current))\n') } }],
  },
  {
    name: "fuse: prepare_kernel_cred(current) copies the registering daemon's own creds, not the kernel's",
    patches: [{ subject: 'fuse: keep a kernel-style copy of the daemon creds', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nstatic void fuse_backing_set_cred(struct fuse_backing *fb)\n{\n\tfb->cred = prepare_kernel_cred(current);\n}\n' } }],
  },
  {
    name: "nfsd: nfs4_save_creds()'s error return switched nothing",
    tree: { 'fs/nfsd/nfs4recover.c': NFSD_RECDIR },
    patches: [{ subject: 'nfsd: say why the recovery directory was not opened', edit: { 'fs/nfsd/nfs4recover.c': (t) => t.replace('\tif (status < 0)\n\t\treturn status;\n', '\tif (status < 0) {\n\t\tpr_warn("NFSD: no creds for the recovery directory\\n");\n\t\treturn status;\n\t}\n') } }],
  },
  {
    // kernel credentials kept by a stack are wrong except where they are its design
    name: "cachefiles: cache->cache_cred derived from kernel credentials is the cache's own (linux-cachefs)",
    tree: { 'fs/cachefiles/security.c': '// synthetic\n#include "internal.h"\n\nint cachefiles_get_security_ID(struct cachefiles_cache *cache)\n{\n\treturn 0;\n}\n' },
    patches: [{ subject: 'cachefiles: Add security derivation', edit: { 'fs/cachefiles/security.c': (t) => t.replace('\treturn 0;\n', '\tstruct cred *new = prepare_kernel_cred(current);\n\n\tif (!new)\n\t\treturn -ENOMEM;\n\tcache->cache_cred = new;\n\treturn 0;\n') } }],
  },
  {
    // a guard kept from round 3 (reverted): a form whose argument is not credentials cannot be judged by it
    name: 'overlayfs: the override turned into a newer scoped form whose argument is not the creds (linux-unionfs)',
    patches: [{ subject: 'ovl: port ovl_fsync() to a cleanup guard', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);',
      '\tscoped_class(ovl_override_creator_creds, creds, file->f_path.dentry)\n\t\tret = vfs_fsync_range(realfile, start, end, datasync);',
    ) } }],
  },
  {
    name: 'patch-only: a goto added after the override to a label before the revert',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_EXIT_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: skip fsync of clean files', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tif (!ovl_dirty(file)) {\n\t\tret = 0;\n\t\tgoto out;\n\t}\n\tret = ovl_sync_meta(realfile);',
    ) } }],
  },
  {
    name: 'backing-file.c: the override widened over both branches and the accessed() hook',
    tree: { 'fs/backing-file.c': BACKING_TWO_BRANCHES(loadKtree()['fs/backing-file.c']!) },
    patches: [{ subject: 'backing-file: account under the override', edit: { 'fs/backing-file.c': (t) => t.replace(
      '\trevert_creds(old_cred);\n\tif (ctx->accessed)\n\t\tctx->accessed(iocb->ki_filp);',
      '\tif (ctx->accessed)\n\t\tctx->accessed(iocb->ki_filp);\n\trevert_creds(old_cred);',
    ) } }],
  },
  {
    name: "fuse: ctx.cred from the backing file's own f_cred (the daemon opened it) is not the user's",
    patches: [{ subject: 'fuse: use the backing file creds', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\t\t.cred = ff->cred,', '\t\t.cred = backing_file->f_cred,') } }],
  },
  {
    name: 'patch-only: a return in a second hunk that reverts first, the lines between taken from the model',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: skip the xattr sync of read-only files', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\t/* metadata first */\n\tret = ovl_sync_meta(realfile);',
    ).replace('\tret = ovl_sync_times(realfile);\n', '\tif (!(realfile->f_mode & FMODE_WRITE)) {\n\t\trevert_creds(old_cred);\n\t\treturn 0;\n\t}\n\tret = ovl_sync_times(realfile);\n') } }],
  },
  {
    name: "erofs: scoped_with_creds() with the backing file's f_cred",
    patches: [{ subject: 'erofs: impersonate the mounter', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);',
      '\tscoped_with_creds(rq->iocb.ki_filp->f_cred)\n\t\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);',
    ) } }],
    expect: [],
  },
  {
    name: 'an early return inside a scoped form is balanced',
    patches: [{ subject: 'erofs: impersonate the mounter, return early', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n\tif (ret != -EIOCBQUEUED)\n\t\terofs_fileio_ki_complete(&rq->iocb, ret);',
      '\tscoped_with_creds(rq->iocb.ki_filp->f_cred) {\n\t\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n\t\tif (ret == -EIOCBQUEUED)\n\t\t\treturn;\n\t}\n\terofs_fileio_ki_complete(&rq->iocb, ret);',
    ) } }],
    expect: [],
  },
  {
    name: 'overlayfs: put_cred(override_creds()) for a second layer, one revert',
    patches: [{ subject: 'ovl: fsync with prepared creds', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);',
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tput_cred(override_creds(ovl_prepare_fsync_creds(file)));\n\tret = vfs_fsync_range(realfile, start, end, datasync);',
    ) } }],
    expect: [],
  },
  {
    name: 'overlayfs: a two-argument ovl_revert_creds(sb, old_cred) undoes the override',
    patches: [{ subject: 'ovl: pass the super block to ovl_revert_creds', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\trevert_creds(old_cred);\n\treturn ret;',
      '\tovl_revert_creds(file_inode(file)->i_sb, old_cred);\n\treturn ret;',
    ) } }],
    expect: [],
  },
  {
    name: 'overlayfs: out-parameter override, reverted on every path',
    patches: [{ subject: 'ovl: let the creds hook deny fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);',
      '\tret = ovl_override_creds(file_inode(file)->i_sb, &old_cred);\n\tif (ret)\n\t\treturn ret;\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\tovl_revert_creds(file_inode(file)->i_sb, old_cred ?: NULL);',
    ) } }],
    expect: [],
  },
  {
    name: 'overlayfs: out-parameter override as an if condition, its error path returns',
    patches: [{ subject: 'ovl: let the creds hook deny fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);',
      '\tif (ovl_override_creds(file_inode(file)->i_sb, &old_cred))\n\t\treturn -EPERM;\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\tovl_revert_creds(file_inode(file)->i_sb, old_cred);',
    ) } }],
    expect: [],
  },
  {
    name: 'a goto to a label before revert_creds() is balanced',
    patches: [{ subject: 'ovl: skip datasync on read-only files', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);',
      '\tret = 0;\n\tif (!(realfile->f_mode & FMODE_WRITE))\n\t\tgoto out;\n\tret = vfs_fsync_range(realfile, start, end, datasync);\nout:\n\trevert_creds(old_cred);',
    ) } }],
    expect: [],
  },
  {
    name: 'overlayfs: a helper whose only caller holds the mounter creds',
    patches: [{ subject: 'ovl: factor out ovl_do_fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\tret = vfs_fsync_range(realfile, start, end, datasync);',
      '\tret = ovl_do_fsync(realfile, start, end, datasync);',
    ).replace('static int ovl_fsync(', 'static int ovl_do_fsync(struct file *realfile, loff_t start, loff_t end, int datasync)\n{\n\treturn vfs_fsync_range(realfile, start, end, datasync);\n}\n\nstatic int ovl_fsync(') } }],
    expect: [],
  },
  {
    name: 'loop: raw I/O from the kworker runs with kernel creds, as loop should',
    patches: [{ subject: 'loop: set the I/O priority', edit: { 'drivers/block/loop.c': (t) => t.replace('\tcmd->iocb.ki_flags = IOCB_DIRECT;\n', '\tcmd->iocb.ki_flags = IOCB_DIRECT;\n\tcmd->iocb.ki_ioprio = IOPRIO_DEFAULT;\n') } }],
    expect: [],
  },
  {
    name: 'fuse: backing_file ctx.cred is the daemon creds ff->cred',
    patches: [{ subject: 'fuse: check the backing file', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\treturn backing_file_read_iter(', '\tif (!backing_file)\n\t\treturn -EIO;\n\treturn backing_file_read_iter(') } }],
    expect: [],
  },
  {
    name: 'cachefiles: begin/end secure balanced on every path',
    patches: [{ subject: 'cachefiles: end secure before bailing out', edit: { 'fs/cachefiles/io.c': (t) => t.replace(
      '\tret = vfs_iocb_iter_read(object->file, &kiocb, iter);\n',
      '\tret = vfs_iocb_iter_read(object->file, &kiocb, iter);\n\tif (ret < 0) {\n\t\tcachefiles_end_secure(cache, saved_cred);\n\t\treturn ret;\n\t}\n',
    ) } }],
    expect: [],
  },
  {
    name: 'erofs: mount-time access runs as the mounter',
    patches: [{ subject: 'erofs: stat the source at mount', edit: { 'fs/erofs/super.c': (t) => t.replace(
      '\tsbi->dif0.file = file;\n',
      '\tsbi->dif0.file = file;\n\terr = vfs_getattr(&sbi->dif0.file->f_path, &stat, STATX_SIZE, 0);\n\tif (err)\n\t\treturn err;\n',
    ) } }],
    expect: [],
  },
  {
    name: 'loop: a config ioctl is the administrator setting the device up',
    patches: [{ subject: 'loop: sync the backing file on LOOP_CLR_FD', edit: { 'drivers/block/loop.c': (t) => t + '\nstatic int lo_ioctl(struct block_device *bdev, blk_mode_t mode, unsigned int cmd, unsigned long arg)\n{\n\tstruct loop_device *lo = bdev->bd_disk->private_data;\n\n\treturn vfs_fsync(lo->lo_backing_file, 0);\n}\n\nstatic const struct block_device_operations lo_fops = {\n\t.ioctl = lo_ioctl,\n};\n' } }],
    expect: [],
  },
  {
    name: "cachefiles: data I/O under the netfs caller's credentials is cachefiles' design",
    patches: [{ subject: 'cachefiles: read without the override', edit: { 'fs/cachefiles/io.c': (t) => t.replace('\tcachefiles_begin_secure(cache, &saved_cred);\n', '').replace('\tcachefiles_end_secure(cache, saved_cred);\n', '') } }],
  },
  {
    name: 'cachefiles: namespace work inside cachefiles_begin_secure()',
    patches: [{ subject: 'cachefiles: punch the hole as the cache', edit: { 'fs/cachefiles/io.c': (t) => t + '\nstatic int cachefiles_prepare_write(struct netfs_cache_resources *cres, loff_t start, size_t len)\n{\n\tstruct cachefiles_object *object = cachefiles_cres_object(cres);\n\tstruct cachefiles_cache *cache = object->volume->cache;\n\tconst struct cred *saved_cred;\n\tint ret;\n\n\tcachefiles_begin_secure(cache, &saved_cred);\n\tret = vfs_fallocate(object->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start, len);\n\tcachefiles_end_secure(cache, saved_cred);\n\treturn ret;\n}\n\nstatic const struct netfs_cache_ops cachefiles_netfs_cache_ops = {\n\t.prepare_write\t\t= cachefiles_prepare_write,\n};\n' } }],
  },
  {
    name: "fuse: the daemon's own backing-open ioctl captures its creds (the design)",
    patches: [{ subject: 'fuse: register backing files', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nstatic int fuse_backing_open(struct fuse_conn *fc, struct fuse_backing *fb)\n{\n\tfb->cred = prepare_creds();\n\treturn 0;\n}\n\nstatic long fuse_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)\n{\n\treturn fuse_backing_open(file->private_data, (void *)arg);\n}\n\nconst struct file_operations fuse_dev_operations = {\n\t.unlocked_ioctl\t= fuse_dev_ioctl,\n};\n' } }],
  },
  {
    name: 'a driver that opens its backing file in the same call the administrator makes (zloop-like device setup)',
    tree: { 'drivers/block/zloop.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a zoned loop driver set up through a control device. */\n#include <linux/fs.h>\n\nstatic int zloop_init_zone(struct zloop_device *zlo, struct zloop_zone *zone, const char *path)\n{\n\tzone->file = filp_open(path, O_RDWR, 0600);\n\tif (IS_ERR(zone->file))\n\t\treturn PTR_ERR(zone->file);\n\treturn 0;\n}\n\nstatic ssize_t zloop_ctl_write(struct file *file, const char __user *ubuf, size_t count, loff_t *pos)\n{\n\treturn zloop_init_zone(file->private_data, NULL, "zone0");\n}\n\nstatic const struct file_operations zloop_ctl_fops = {\n\t.write\t\t= zloop_ctl_write,\n};\n' },
    patches: [{ subject: 'zloop: size new zones', edit: { 'drivers/block/zloop.c': (t) => t.replace('\t\treturn PTR_ERR(zone->file);\n\treturn 0;', '\t\treturn PTR_ERR(zone->file);\n\treturn vfs_truncate(&zone->file->f_path, SZ_256M);') } }],
  },
  {
    name: 'overlayfs: backing_file_open() with current_cred() inside ovl_override_creds() (the mounter\'s creds)',
    tree: { 'fs/overlayfs/file.c': OVL_WITH_OPEN(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: open the real file without atime', edit: { 'fs/overlayfs/file.c': (t) => t.replace('file->f_flags, realpath, current_cred());', 'file->f_flags | O_NOATIME, realpath, current_cred());') } }],
  },
  {
    name: "erofs: override_creds() of a local holding the backing file's f_cred",
    patches: [{ subject: 'erofs: read as the mounter, through a local', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tstruct iov_iter iter;\n\tssize_t ret;\n\n\tiov_iter_bvec',
      '\tconst struct cred *cred = rq->iocb.ki_filp->f_cred, *old_cred;\n\tstruct iov_iter iter;\n\tssize_t ret;\n\n\tiov_iter_bvec',
    ).replace('\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n', '\told_cred = override_creds(cred);\n\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n\trevert_creds(old_cred);\n') } }],
  },
  {
    name: 'overlayfs: a prepared copy of the creds, changed, then overridden (new credentials, not the task\'s)',
    patches: [{ subject: 'ovl: fsync with a raised fsuid', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);',
      '\tstruct cred *cred = prepare_creds();\n\n\tcred->fsuid = GLOBAL_ROOT_UID;\n\told_cred = override_creds(cred);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);\n\tput_cred(cred);',
    ) } }],
  },
  {
    name: "nfs localio: the iocb keeps a reference to the local file's f_cred for the work item",
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO },
    patches: [{ subject: 'nfs/localio: keep the opener creds in the iocb', edit: { 'fs/nfs/localio.c': (t) => t.replace(
      '\tinit_sync_kiocb(&iocb->kiocb, file);\n',
      '\tinit_sync_kiocb(&iocb->kiocb, file);\n\tiocb->cred = get_cred(file->f_cred);\n',
    ).replace('override_creds(filp->f_cred)', 'override_creds(iocb->cred)') } }],
  },
  {
    name: 'overlayfs: the override turned into the scoped with_ovl_creds() form',
    patches: [{ subject: 'ovl: use the scoped creds guard in fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);', '\twith_ovl_creds(file_inode(file)->i_sb)\n\t\tret = vfs_fsync_range(realfile, start, end, datasync);').replace('\tconst struct cred *old_cred;\n\tint ret;', '\tint ret;') } }],
  },
  {
    name: 'fuse: backing_file_read_iter() replaced by a read under scoped_with_creds(ff->cred)',
    patches: [{ subject: 'fuse: read passthrough files directly, as the daemon', edit: { 'fs/fuse/passthrough.c': (t) => t.replace(
      '\treturn backing_file_read_iter(backing_file, iter, iocb, iocb->ki_flags, &ctx);',
      '\tssize_t ret;\n\n\tscoped_with_creds(ff->cred)\n\t\tret = vfs_iocb_iter_read(backing_file, iocb, iter);\n\treturn ret;',
    ) } }],
  },
  {
    name: 'overlayfs: a new call of the real-file sync helper inside the mounter\'s override',
    tree: { 'fs/overlayfs/util.c': OVL_UTIL },
    patches: [{ subject: 'ovl: sync the real file in fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\tret = vfs_fsync_range(realfile, start, end, datasync);\n', '\tret = vfs_fsync_range(realfile, start, end, datasync);\n\tif (!ret)\n\t\tret = ovl_sync_realfile(realfile);\n') } }],
  },
  {
    name: "erofs: one more caller of a metadata helper every read path already reaches under the reader's creds (the helper's hazard, pre-existing)",
    tree: { 'fs/erofs/dir.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: erofs directories, read through the metadata buffers. */\n#include "internal.h"\n\nstatic int erofs_readdir(struct file *f, struct dir_context *ctx)\n{\n\tstruct erofs_buf buf = __EROFS_BUF_INITIALIZER;\n\n\treturn PTR_ERR_OR_ZERO(erofs_read_metabuf(&buf, file_inode(f)->i_sb, ctx->pos, true));\n}\n\nconst struct file_operations erofs_dir_fops = {\n\t.iterate_shared\t= erofs_readdir,\n};\n' },
    patches: [{ subject: 'erofs: read the inline tail through the metabuf', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      '\tstruct erofs_fileio_rq *rq = erofs_fileio_rq_alloc(&folio_map_dev(folio));\n\n',
      '\tstruct erofs_fileio_rq *rq = erofs_fileio_rq_alloc(&folio_map_dev(folio));\n\tstruct erofs_buf buf = __EROFS_BUF_INITIALIZER;\n\n\tif (folio_test_inline(folio))\n\t\treturn PTR_ERR_OR_ZERO(erofs_read_metabuf(&buf, folio->mapping->host->i_sb, folio_pos(folio), true));\n',
    ) } }],
    expect: ['preexisting fs/erofs/fileio.c:19 callerCreds (high)'],
  },
  {
    name: 'patch-only: the error return of an out-parameter override, the revert beyond the hunk',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: let the creds hook deny fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = ovl_sync_meta(realfile);',
      '\tret = ovl_override_creds(file_inode(file)->i_sb, &old_cred);\n\tif (ret)\n\t\treturn ret;\n\tret = ovl_sync_meta(realfile);',
    ) } }],
  },
  {
    name: 'patch-only: an override turned into with_ovl_creds() in one hunk, its revert dropped in another',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: use the scoped creds guard in fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n', '\twith_ovl_creds(file_inode(file)->i_sb);\n').replace('out:\n\trevert_creds(old_cred);\n', 'out:\n') } }],
  },
  {
    name: 'patch-only: the override respelt in one hunk, a line added beside its access in another',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: name the inode once in fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n', '\told_cred = ovl_override_creds(inode->i_sb);\n',
    ).replace('\tret = vfs_fsync_range(realfile, start, end, datasync);\nout:', '\t/* the data last */\n\tret = vfs_fsync_range(realfile, start, end, datasync);\nout:') } }],
  },
  {
    name: 'patch-only: the creds for backing_file_open() taken inside an override the hunks do not show',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_LONG_OPEN(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: name the creds of the real file', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\t\tif (!inode_owner_or_capable(real_idmap, realinode))\n\t\t\tflags &= ~O_NOATIME;\n',
      '\t\tconst struct cred *cred = current_cred();\n\n\t\tif (!inode_owner_or_capable(real_idmap, realinode))\n\t\t\tflags &= ~O_NOATIME;\n',
    ).replace('flags, realpath, current_cred());', 'flags, realpath, cred);') } }],
  },
  {
    name: "cachefiles: space work on the cache from ->invalidate_cookie(), which fscache runs only from its cookie worker",
    // upstream's own invalidation buries the old file from there with no switch
    patches: [{ subject: 'cachefiles: punch out the old data on invalidation', edit: { 'fs/cachefiles/io.c': (t) => t + '\nstatic bool cachefiles_invalidate_cookie(struct fscache_cookie *cookie)\n{\n\tstruct cachefiles_object *object = cookie->cache_priv;\n\n\treturn vfs_fallocate(object->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, object->object_size) == 0;\n}\n\nconst struct fscache_cache_ops cachefiles_cache_ops = {\n\t.invalidate_cookie\t= cachefiles_invalidate_cookie,\n};\n' } }],
  },
  {
    name: 'zloop: the control write that adds a device opens each zone file through a helper and sizes it (the opener, on the same path)',
    tree: { 'drivers/block/zloop.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a zoned loop driver configured by writes to a control device. */\n#include <linux/fs.h>\n\nstruct zloop_zone {\n\tstruct file *file;\n};\n\nstatic struct file *zloop_open_fmt(int oflags, const char *p)\n{\n\tstruct file *file;\n\n\tfile = filp_open(p, oflags, 0600);\n\treturn file;\n}\n\nstatic int zloop_init_zone(struct zloop_zone *zone, const char *p)\n{\n\tstruct kstat stat;\n\n\tzone->file = zloop_open_fmt(O_RDWR, p);\n\treturn 0;\n}\n\nstatic ssize_t zloop_ctl_write(struct file *file, const char __user *ubuf, size_t count, loff_t *pos)\n{\n\tstruct zloop_zone zone;\n\n\treturn zloop_init_zone(&zone, "x") ?: count;\n}\n\nstatic const struct file_operations zloop_ctl_fops = {\n\t.write\t\t= zloop_ctl_write,\n};\n' },
    patches: [{ subject: 'zloop: size the zone from its file', edit: { 'drivers/block/zloop.c': (t) => t.replace('\tzone->file = zloop_open_fmt(O_RDWR, p);\n', '\tzone->file = zloop_open_fmt(O_RDWR, p);\n\tif (vfs_getattr(&zone->file->f_path, &stat, STATX_SIZE, 0))\n\t\treturn -EIO;\n') } }],
  },
  {
    name: 'patch-only: an out-parameter override with its error return and its revert respelt, in one hunk of a function completed from the model',
    mode: 'patch-only',
    patches: [{ subject: 'ovl: let the creds hook deny fsync', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\trevert_creds(old_cred);\n',
      '\tret = ovl_override_creds(file_inode(file)->i_sb, &old_cred);\n\tif (ret)\n\t\treturn ret;\n\n\tret = vfs_fsync_range(realfile, start, end, datasync);\n\tovl_revert_creds(file_inode(file)->i_sb, old_cred);\n',
    ) } }],
  },
  {
    name: "target-like: the backstore's I/O from its exec_cmd_ops runs in the fabric's context, not a user's",
    tree: { 'drivers/target/target_core_file.c': TARGET_FILE },
    patches: [{ subject: 'target/file: log short writes', edit: { 'drivers/target/target_core_file.c': (t) => t.replace('\tret = vfs_iter_write(fd_dev->fd_file, iter, &pos, 0);\n', '\tret = vfs_iter_write(fd_dev->fd_file, iter, &pos, 0);\n\tif (ret >= 0 && ret < iov_iter_count(iter))\n\t\tpr_debug("short write: %zd\\n", ret);\n') } }],
  },
  {
    name: 'nfs localio: the local file\'s own f_cred handed to the allocator for the work item\'s switch',
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO_CRED.replace('nfs_local_iocb_alloc(file, file->f_cred);', 'nfs_local_iocb_alloc(file, NULL);') },
    patches: [{ subject: 'nfs/localio: read as the opener', edit: { 'fs/nfs/localio.c': (t) => t.replace('nfs_local_iocb_alloc(file, NULL);', 'nfs_local_iocb_alloc(file, file->f_cred);') } }],
  },
  {
    name: 'patch-only: a revert moved down in a hunk that does not show the override: not a dropped switch',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/xstat.c': OVL_XSTAT },
    patches: [{ subject: 'ovl: keep the mounter creds for the dev fixup', edit: { 'fs/overlayfs/xstat.c': (t) => t.replace('\tif (!err)\n\t\tstat->dev = dentry->d_sb->s_dev;\n\trevert_creds(old_cred);\n', '\trevert_creds(old_cred);\n\tif (!err)\n\t\tstat->dev = dentry->d_sb->s_dev;\n') } }],
  },
  {
    name: 'overlayfs: both branches of a split setattr call ovl_do_notify_change() inside the override',
    tree: { 'fs/overlayfs/inode.c': OVL_SETATTR },
    patches: [{ subject: 'ovl: split timestamp-only setattr', edit: { 'fs/overlayfs/inode.c': (t) => t.replace('\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n', '\tif (!(attr->ia_valid & ~ATTR_TIMES))\n\t\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n\telse\n\t\terr = ovl_do_notify_change(ofs, upperdentry, attr);\n') } }],
  },
  {
    name: "erofs-like: a directory read through the metadata reader on a buffer the caller points at the directory's own mapping (the field is the backing file's only where the metabuf set-up sets it)",
    tree: { 'fs/erofs/xdir.c': XEROFS_BUF },
    patches: [{ subject: 'erofs: file-backed metadata and directories', edit: { 'fs/erofs/xdir.c': (t) => t.replace('\tbuf->mapping = sb->s_bdev->bd_mapping;\n', '\tif (erofs_is_fileio_mode(sbi)) {\n\t\tbuf->file = sbi->dif0.file;\n\t\tbuf->mapping = buf->file->f_mapping;\n\t} else {\n\t\tbuf->mapping = sb->s_bdev->bd_mapping;\n\t}\n') + '\nstatic int xerofs_readdir(struct file *f, struct dir_context *ctx)\n{\n\tstruct inode *dir = file_inode(f);\n\tstruct erofs_buf buf = __EROFS_BUF_INITIALIZER;\n\tvoid *de;\n\n\tbuf.mapping = dir->i_mapping;\n\tde = xerofs_bread(&buf, ctx->pos);\n\treturn PTR_ERR_OR_ZERO(de);\n}\n\nconst struct file_operations xerofs_dir_fops = {\n\t.iterate_shared\t= xerofs_readdir,\n};\n' } }],
  },
  {
    name: "erofs-like: a backing-file read moved into a helper the same path calls: the credentials are the path's, as before (pre-existing, not moved)",
    patches: [{ subject: 'erofs: factor the request submission out', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
      'static void erofs_fileio_rq_submit(',
      'static ssize_t erofs_fileio_do_read(struct erofs_fileio_rq *rq, struct iov_iter *iter)\n{\n\treturn vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, iter);\n}\n\nstatic void erofs_fileio_rq_submit(',
    ).replace('\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);\n', '\tret = erofs_fileio_do_read(rq, &iter);\n') } }],
    expect: ['preexisting fs/erofs/fileio.c:15 callerCreds (high)'],
  },
  {
    name: 'nfsd-like: a return before anything that could switch the saved credentials, and one after the restore',
    tree: { 'fs/nfsd/xlocal.c': NFSD_LOCAL },
    patches: [{ subject: 'nfsd: refuse a missing file handle', edit: { 'fs/nfsd/xlocal.c': (t) => t.replace('\t__be32 beres;\n\n', '\t__be32 beres;\n\n\tif (!fhp)\n\t\treturn nfserr_inval;\n').replace('\trevert_creds(save_cred);\n', '\trevert_creds(save_cred);\n\tif (beres)\n\t\treturn beres;\n') } }],
  },
  {
    name: "ksmbd-like: the switch's own failure goes to the error label past the revert (nothing was switched)",
    tree: { 'fs/smb/server/xsmb.c': KSMBD_QUERY },
    patches: [{ subject: 'ksmbd: say why the switch failed', edit: { 'fs/smb/server/xsmb.c': (t) => t.replace('\t\trc = -ENOMEM;\n\t\tgoto err_out;', '\t\trc = -ENOMEM;\n\t\tpr_err("no memory for the session creds\\n");\n\t\tgoto err_out;') } }],
  },
  {
    name: 'cachefiles: the resize moved up, still before the success path\'s cachefiles_end_secure()',
    tree: { 'fs/cachefiles/interface.c': CACHEFILES_LOOKUP },
    patches: [{ subject: 'cachefiles: size the object before listing it', edit: { 'fs/cachefiles/interface.c': (t) => t.replace('\tcachefiles_adjust_size(object);\n', '').replace('\tspin_lock(&cache->object_list_lock);\n', '\tcachefiles_adjust_size(object);\n\tspin_lock(&cache->object_list_lock);\n') } }],
  },
  {
    name: "backing-file.c: backing_tmpfile_open() grows a user_cred beside the cred it opens with; overlayfs hands it the opener's f_cred",
    tree: {
      'fs/overlayfs/dir.c': OVL_TMPFILE,
      'fs/backing-file.c': loadKtree()['fs/backing-file.c']! + '\nstruct file *backing_tmpfile_open(struct file *user_file, int flags, const struct path *real_parentpath, umode_t mode, const struct cred *cred)\n{\n\treturn kernel_tmpfile_open(&nop_mnt_idmap, real_parentpath, mode, flags, cred);\n}\n',
    },
    patches: [{ subject: 'backing_file: store the user credentials', edit: {
      'fs/backing-file.c': (t) => t.replace('backing_tmpfile_open(struct file *user_file, int flags,', 'backing_tmpfile_open(struct file *user_file, const struct cred *user_cred, int flags,'),
      'fs/overlayfs/dir.c': (t) => t.replace('backing_tmpfile_open(file, file->f_flags,', 'backing_tmpfile_open(file, file->f_cred, file->f_flags,'),
    } }],
  },
  {
    name: 'overlayfs: a function rewritten around the helper call it already made is no new caller (the hazard, if any, is old)',
    tree: { 'fs/overlayfs/dir.c': OVL_REDIRECT.replace('err = ovl_set_link_redirect(old);', 'err = ovl_set_redirect(old, false);') },
    patches: [{ subject: 'ovl: only set a link redirect on non-opaque metacopy', edit: { 'fs/overlayfs/dir.c': (t) => t.replace(
      '\tif (ovl_is_metacopy_dentry(old))\n\t\terr = ovl_set_redirect(old, false);',
      '\tif (ovl_is_metacopy_dentry(old) && !ovl_dentry_is_opaque(old)) {\n\t\tpr_debug("link redirect %pd\\n", old);\n\t\terr = ovl_set_redirect(old, false);\n\t}',
    ) } }],
    expect: ['preexisting fs/overlayfs/dir.c:7 callerCreds (high)'],
  },
  {
    name: 'patch-only series: patch 1 sends an error path past the revert, patch 2 reverts right before the goto (fixed later, not pre-existing)',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_EXIT_FSYNC(loadKtree()['fs/overlayfs/file.c']!).replace('\tret = ovl_sync_meta(realfile);\n', '\tovl_sync_a(realfile);\n\tovl_sync_b(realfile);\n\tovl_sync_c(realfile);\n\tovl_sync_d(realfile);\n\tret = ovl_sync_meta(realfile);\n') },
    patches: [
      { subject: 'ovl: put the real file on a failed meta sync', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\tret = ovl_sync_meta(realfile);\n\tif (ret)\n\t\tgoto out;', '\tret = ovl_sync_meta(realfile);\n\tif (ret)\n\t\tgoto out_put;') } },
      { subject: 'ovl: revert the creds on a failed meta sync', edit: { 'fs/overlayfs/file.c': (t) => t.replace('\tret = ovl_sync_meta(realfile);\n\tif (ret)\n\t\tgoto out_put;', '\tret = ovl_sync_meta(realfile);\n\tif (ret) {\n\t\trevert_creds(old_cred);\n\t\tgoto out_put;\n\t}') } },
    ],
    expect: ['fixed-later fs/overlayfs/file.c:37 unbalanced (medium)'],
  },
  {
    name: "patch-only, -U1: labels moved below the return whose tail jumps back above the revert (overlayfs' ovl_rename() lock narrowing) leak nothing",
    mode: 'patch-only',
    tree: { 'fs/overlayfs/file.c': OVL_EXIT_FSYNC(loadKtree()['fs/overlayfs/file.c']!) },
    patches: [{ subject: 'ovl: report failed syncs', context: 1, edit: { 'fs/overlayfs/file.c': (t) => t.replace('out:\n\trevert_creds(old_cred);\nout_put:\n\tovl_put_realfile(realfile);\n\treturn ret;', 'out_revert:\n\trevert_creds(old_cred);\nout_put:\n\tovl_put_realfile(realfile);\n\treturn ret;\n\nout:\n\tpr_debug("sync failed\\n");\n\tgoto out_revert;') } }],
  },
  {
    name: "patch-only: an early return whose own revert precedes it, in a hunk that shows no other revert, leaves the access under the switch",
    mode: 'patch-only',
    tree: { 'fs/nfs/localio.c': NFS_LOCALIO.replace('\tvfs_iocb_iter_read(filp, &iocb->kiocb, &iter);\n\trevert_creds(save_cred);\n', '\tvfs_iocb_iter_read(filp, &iocb->kiocb, &iter);\n\tnfs_local_a(iocb);\n\tnfs_local_b(iocb);\n\tnfs_local_c(iocb);\n\tnfs_local_d(iocb);\n\trevert_creds(save_cred);\n') },
    patches: [{ subject: 'nfs/localio: skip empty reads', edit: { 'fs/nfs/localio.c': (t) => t.replace('\tsave_cred = override_creds(filp->f_cred);\n', '\tsave_cred = override_creds(filp->f_cred);\n\tif (!iov_iter_count(&iter)) {\n\t\trevert_creds(save_cred);\n\t\treturn;\n\t}\n') } }],
  },
  {
    name: 'backing-file.c: the switch and its revert moved into a function pair the patch adds (balanced, the same creds)',
    tree: { 'fs/backing-file.c': loadKtree()['fs/backing-file.c']! },
    patches: [{ subject: 'backing-file: add begin/end helpers for the credential switch', edit: { 'fs/backing-file.c': (t) => BACKING_WRAP(t) } }],
  },
  {
    name: 'patch-only: the switch and its revert spelt as macros the patch adds, (c)->cred of the same ctx',
    mode: 'patch-only',
    tree: { 'fs/backing-file.c': loadKtree()['fs/backing-file.c']! },
    patches: [{ subject: 'backing-file: add begin/end macros', edit: { 'fs/backing-file.c': (t) => BACKING_WRAP(t).replace(BACKING_WRAPPERS, '#define backing_file_begin(c) override_creds((c)->cred)\n#define backing_file_end(old) revert_creds(old)\n\n') } }],
  },
  {
    name: "cachefiles: an error label that goes back into the secure section before the common cleanup's revert leaves no goto before it unreverted",
    tree: { 'fs/cachefiles/online.c': CACHEFILES_SETUP },
    patches: [{ subject: 'cachefiles: put the directories under the cache creds on a failed registration', edit: { 'fs/cachefiles/online.c': (t) => t.replace('error_register:\n', 'error_register:\n\tcachefiles_begin_secure(cache, &saved_cred);\n') } }],
  },
  {
    name: 'overlayfs: a retry loop that reverts each pass before its break is balanced',
    patches: [{ subject: 'ovl: retry fsync on -EAGAIN', edit: { 'fs/overlayfs/file.c': OVL_RETRY_FSYNC('\t\trevert_creds(old_cred);\n\t\tif (ret != -EAGAIN)\n\t\t\tbreak;\n') } }],
  },
  {
    name: 'patch-only: a retry loop that reverts each pass before its continue is balanced',
    mode: 'patch-only',
    patches: [{ subject: 'ovl: retry fsync on -EAGAIN', edit: { 'fs/overlayfs/file.c': OVL_RETRY_FSYNC('\t\trevert_creds(old_cred);\n\t\tif (ret == -EAGAIN)\n\t\t\tcontinue;\n\t\tbreak;\n') } }],
  },
  {
    name: "io_uring-like: a new early return that reverts under `if (creds)` first (NULL saved creds: nothing was switched)",
    tree: { 'io_uring/sqpoll.c': SQPOLL },
    patches: [{ subject: 'io_uring/sqpoll: skip dying rings', edit: { 'io_uring/sqpoll.c': (t) => t.replace('\tret = sq_submit(ring);\n', '\tif (sq_ring_dying(ring)) {\n\t\tif (creds)\n\t\t\trevert_creds(creds);\n\t\treturn 0;\n\t}\n\tret = sq_submit(ring);\n') } }],
  },
  {
    name: 'patch-only: a call inside a nested override whose arguments change, the override a comment block above the hunk, stays under it',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/flags.c': OVL_NESTED_OVERRIDE },
    patches: [{ subject: 'ovl: set flags with the caller idmap', edit: { 'fs/overlayfs/flags.c': (t) => t.replace('vfs_fileattr_set(&nop_mnt_idmap, upperpath.dentry, fa)', 'vfs_fileattr_set(mnt_idmap(upperpath.mnt), upperpath.dentry, fa)') } }],
  },
  {
    name: 'patch-only: current_cred() added in the arguments of a call rewritten in place, under an override the hunk does not show, in a nested block',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/flags.c': OVL_CHECK_FLAGS_SPLIT },
    patches: [{ subject: 'ovl: pass the creds to ovl_check_flags()', edit: { 'fs/overlayfs/flags.c': OVL_FLAGS_CRED_ARG } }],
  },
  {
    name: "overlayfs: a real inode's own ->fiemap() called under the mounter's creds",
    tree: { 'fs/overlayfs/fiemap.c': OVL_FIEMAP },
    patches: [{ subject: 'ovl: fiemap only the data inode', edit: { 'fs/overlayfs/fiemap.c': (t) => t.replace('\tif (!realinode)\n\t\treturn -EIO;\n', '\tif (!realinode || !S_ISREG(realinode->i_mode))\n\t\treturn -EIO;\n') } }],
  },
  {
    name: "FUSE: ff->cred set to the daemon's fb->cred, with a reference (upstream's own line)",
    tree: { 'fs/fuse/open.c': FUSE_BF_OPEN },
    patches: [{ subject: 'fuse: keep the daemon creds for passthrough I/O', edit: { 'fs/fuse/open.c': (t) => t.replace('\tff->passthrough = backing_file;\n', '\tff->passthrough = backing_file;\n\tff->cred = get_cred(fb->cred);\n') } }],
    expect: [],
  },
  {
    name: "FUSE: a reference on the backing file's own f_cred kept elsewhere than ff->cred",
    tree: { 'fs/fuse/open.c': FUSE_BF_OPEN },
    patches: [{ subject: 'fuse: remember the backing file creds for tracing', edit: { 'fs/fuse/open.c': (t) => t.replace('\tff->passthrough = backing_file;\n', '\tff->passthrough = backing_file;\n\tff->trace_cred = get_cred(file->f_cred);\n') } }],
    expect: [],
  },
  {
    name: "erofs: a page-cache read of the backing file from an xattr handler, under the reader's credentials, is not a credentials access (6.12's erofs_bread() does this by design)",
    tree: { 'fs/erofs/xdata.c': XEROFS_XATTR },
    patches: [{ subject: 'erofs: read metadata through the page cache', edit: { 'fs/erofs/xdata.c': (t) => t.replace('\treturn NULL;\n}', '\tstruct folio *folio = read_mapping_folio(buf->mapping, offset >> PAGE_SHIFT, buf->file);\n\n\treturn IS_ERR(folio) ? folio : folio_address(folio);\n}') } }],
    expect: [],
  },
  {
    name: 'a comment added to the line of an override whose NULL result is tested next changes nothing (do_faccessat())',
    tree: { 'fs/yaccess.c': YACCESS },
    patches: [{ subject: 'fs: say why the ids are switched', edit: { 'fs/yaccess.c': (t) => t.replace('\told_cred = access_override_creds();\n', '\told_cred = access_override_creds(); /* access(2) checks the real ids */\n') } }],
  },
  {
    name: 'patch-only: a comment added to an override line, with an error label past the revert that jumps back above it, changes nothing',
    mode: 'patch-only',
    tree: { 'fs/smb/client/yacl.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: an id mapping upcall under the root creds. */\n#include <linux/cred.h>\n\nstatic int yid_to_sid(unsigned int cid, struct ysid *ssid)\n{\n\tstruct key *sidkey;\n\tconst struct cred *saved_cred;\n\tchar desc[16];\n\tint rc = 0;\n\n\tsnprintf(desc, sizeof(desc), "oi:%u", cid);\n\tsaved_cred = override_creds(root_cred);\n\tsidkey = request_key(&yidmap_key_type, desc, "");\n\tif (IS_ERR(sidkey)) {\n\t\trc = -EINVAL;\n\t\tgoto out_revert_creds;\n\t} else if (sidkey->datalen < YSID_BASE_SIZE) {\n\t\trc = -EIO;\n\t\tgoto invalidate_key;\n\t}\n\n\tycopy_sid(ssid, sidkey->payload.data[0]);\n\n\tpr_debug("%s: mapped %u\\n", __func__, cid);\n\tpr_debug("%s: key %d\\n", __func__, key_serial(sidkey));\nout_key_put:\n\tkey_put(sidkey);\nout_revert_creds:\n\trevert_creds(saved_cred);\n\treturn rc;\n\ninvalidate_key:\n\tkey_invalidate(sidkey);\n\tgoto out_key_put;\n}\n' },
    patches: [{ subject: 'smb: client: say why the upcall runs as root', edit: { 'fs/smb/client/yacl.c': (t) => t.replace('\tsaved_cred = override_creds(root_cred);\n', '\tsaved_cred = override_creds(root_cred); /* the keyring is root\'s */\n') } }],
  },
  {
    name: 'a statement added between an override and the test of its NULL result changes nothing',
    tree: { 'fs/yaccess.c': YACCESS },
    patches: [{ subject: 'fs: trace the switch to the real ids', edit: { 'fs/yaccess.c': (t) => t.replace('\told_cred = access_override_creds();\n', '\told_cred = access_override_creds();\n\tpr_debug("%s: real ids\\n", __func__);\n') } }],
  },
  {
    name: 'renaming the function that makes a pre-existing call path keeps the hazard pre-existing (erofs reads under the reader)',
    patches: [{ subject: 'erofs: rename erofs_fileio_rq_submit()', edit: { 'fs/erofs/fileio.c': (t) => t.replace(/erofs_fileio_rq_submit\b/g, 'erofs_fileio_rq_start') } }],
    expect: ['preexisting fs/erofs/fileio.c:28 callerCreds (high)'],
  },
  {
    name: 'patch-only -U1: renaming access_override_creds() leaves its failed-switch return alone',
    mode: 'patch-only',
    tree: { 'fs/yaccess.c': YACCESS.replace('static long do_yaccess', 'static const struct cred *access_override_creds(void)\n{\n\tstruct cred *override_cred = prepare_creds();\n\n\tif (!override_cred)\n\t\treturn NULL;\n\toverride_cred->fsuid = override_cred->uid;\n\treturn override_creds(override_cred);\n}\n\nstatic long do_yaccess') },
    patches: [{ subject: 'fs: rename the access override', context: 1, edit: { 'fs/yaccess.c': (t) => t.replace(/access_override_creds\b/g, 'access_override_ids') } }],
  },
  {
    name: 'patch-only: a revert moved into a helper the hunk adds is not a deleted one',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/yfile.c': YFLUSH },
    patches: [{ subject: 'ovl: revert through a helper', edit: { 'fs/overlayfs/yfile.c': (t) => t.replace('\trevert_creds(old_cred);\n', '\tovl_revert_creds(old_cred);\n') } }],
  },
  {
    name: 'patch-only: renaming a known credential switch keeps its callers switching',
    mode: 'patch-only',
    tree: { 'fs/overlayfs/ycopy.c': YCUCOPY },
    patches: [{ subject: 'ovl: rename ovl_prep_cu_creds()', edit: { 'fs/overlayfs/ycopy.c': (t) => t.replace(/ovl_prep_cu_creds\b/g, 'ovl_prepare_cu_creds') } }],
    expect: [],
  },
  {
    name: 'nfsd: a paired switch renamed together with its own revert still ends at the renamed revert',
    tree: { 'fs/nfsd/yrecdir.c': YRECDIR },
    patches: [{ subject: 'nfsd: rename the recovery directory credential helpers', edit: { 'fs/nfsd/yrecdir.c': (t) => t.replace(/\bnfs4_save_creds\b/g, 'nfsd4_recdir_override_creds').replace(/\bnfs4_reset_creds\b/g, 'nfsd4_recdir_revert_creds') } }],
    expect: [],
  },
  {
    name: 'patch-only: the same pair renamed, without a tree',
    mode: 'patch-only',
    tree: { 'fs/nfsd/yrecdir.c': YRECDIR },
    patches: [{ subject: 'nfsd: rename the recovery directory credential helpers', edit: { 'fs/nfsd/yrecdir.c': (t) => t.replace(/\bnfs4_save_creds\b/g, 'nfsd4_recdir_override_creds').replace(/\bnfs4_reset_creds\b/g, 'nfsd4_recdir_revert_creds') } }],
    expect: [],
  },
  {
    name: "nfsd: only the paired revert renamed: the switch, by its own name, ends at the revert's new one",
    tree: { 'fs/nfsd/yrecdir.c': YRECDIR },
    patches: [{ subject: 'nfsd: rename nfs4_reset_creds()', edit: { 'fs/nfsd/yrecdir.c': (t) => t.replace(/\bnfs4_reset_creds\b/g, 'nfs4_restore_creds') } }],
    expect: [],
  },
  {
    name: "patch-only: a paired switch renamed with its revert, its failed-switch return beyond the hunk (the model's reading of it stands)",
    mode: 'patch-only',
    tree: { 'fs/nfsd/yrecdir.c': YRECDIR.replace('\tstatus = nfs4_save_creds(&original_cred);\n\tif (status < 0)\n\t\treturn status;\n', '\tstatus = nfs4_save_creds(&original_cred);\n\tif (status < 0) {\n\t\tprintk("NFSD: Unable to change credentials to create the"\n\t\t       " recovery directory: error %d\\n",\n\t\t       status);\n\t\treturn status;\n\t}\n') },
    patches: [{ subject: 'nfsd: rename the recovery directory credential helpers', edit: { 'fs/nfsd/yrecdir.c': (t) => t.replace(/\bnfs4_save_creds\b/g, 'nfsd4_recdir_override_creds').replace(/\bnfs4_reset_creds\b/g, 'nfsd4_recdir_revert_creds') } }],
    expect: [],
  },
];

describe('BACKING_FILE_CREDS', () => {
  ruleTester.run('backing-file-creds', { valid, invalid });
  it('renders the call path and the scope state', async () => {
    const r = await runCase(RULE, invalid[0]!);
    await expect(r.text).toMatchFileSnapshot('./fixtures/rendered.txt');
  });
});
