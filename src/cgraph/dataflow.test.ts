import { describe, expect, it } from 'vitest';
import { blockEncloses, classifyFile, credStatesAt, normExpr, sameExpr, traceCred } from './dataflow.js';
import { extractFileFacts } from './extract/index.js';
import { MemoryCodeGraph } from './graph.js';

describe('normExpr', () => {
  it('drops address-of, casts and wrapping parentheses', () => {
    expect(normExpr('&cmd->iocb')).toBe('cmd->iocb');
    expect(normExpr('(struct file *)priv')).toBe('priv');
    expect(normExpr('( lo -> lo_backing_file )')).toBe('lo->lo_backing_file');
    expect(normExpr('buf->file->f_mapping')).toBe('buf->file->f_mapping');
  });
  it('keeps calls intact', () => {
    expect(normExpr('file_inode(file)->i_mapping')).toBe('file_inode(file)->i_mapping');
    expect(normExpr('(a)(b)')).toBe('(a)(b)');
  });
  it('compares expressions modulo spacing', () => {
    expect(sameExpr('req -> file', 'req->file')).toBe(true);
    expect(sameExpr('req->file', 'req->filp')).toBe(false);
  });
});

describe('blockEncloses', () => {
  it('is true for the same block and for ancestors only', () => {
    expect(blockEncloses('0', '0.3.1')).toBe(true);
    expect(blockEncloses('0.3', '0.3')).toBe(true);
    expect(blockEncloses('0.3', '0.31')).toBe(false);
    expect(blockEncloses('0.3.1', '0.3')).toBe(false);
  });
});

describe('traceCred', () => {
  // a request that keeps credentials taken when it is set up, used later by its worker
  const g = MemoryCodeGraph.fromFiles([
    extractFileFacts(
      'fs/x/req.c',
      'static struct x_req *x_req_alloc(struct file *file)\n{\n\tstruct x_req *req = kmalloc(sizeof(*req), GFP_KERNEL);\n\n\treq->cred = get_current_cred();\n\treq->alt = get_cred(file->f_cred);\n\treturn req;\n}\n\nstatic void x_req_work(struct x_req *req)\n{\n\tconst struct cred *old = override_creds(req->cred);\n\n\trevert_creds(old);\n}\n',
    ),
  ]);
  const work = g.resolve('x_req_work')!;
  it('follows a field to where the credentials were taken', () => {
    expect(traceCred(g, work, 'req->cred', 13).map((o) => o.root)).toEqual(['get_current_cred()']);
  });
  it('sees through get_cred() and stops at a file\'s f_cred', () => {
    expect(traceCred(g, work, 'req->alt', 13).map((o) => o.root)).toEqual(['file->f_cred']);
  });
});

describe('credStatesAt', () => {
  it('takes a known entry whose callers lie outside the graph for the calling task', () => {
    const g = MemoryCodeGraph.fromFiles([extractFileFacts('fs/nfs/localio.c', 'int nfs_local_doio(struct nfs_client *clp, struct nfsd_file *localio)\n{\n\treturn vfs_fsync(nfs_to->nfsd_file_file(localio), 0);\n}\n')]);
    const fn = g.resolve('nfs_local_doio')!;
    expect(credStatesAt(g, fn, fn.calls.find((c) => c.callee === 'vfs_fsync')!).map((s) => s.kind)).toEqual(['caller']);
  });
});

describe('classifyFile', () => {
  // nfsd's write path with nothing of fs/nfsd/filecache.c known (the embedded model's view)
  const g = MemoryCodeGraph.fromFiles([
    extractFileFacts(
      'fs/nfsd/vfs.c',
      'static int nfsd_w(struct nfsd_file *nf, struct iov_iter *iter, loff_t *pos)\n{\n\tstruct file *file = nf->nf_file;\n\n\treturn __kernel_write_iter(file, iter, pos);\n}\n\nstatic int other_w(struct other *nf, struct iov_iter *iter, loff_t *pos)\n{\n\tstruct file *file = nf->nf_file;\n\n\treturn __kernel_write_iter(file, iter, pos);\n}\n',
    ),
  ]);
  it("takes struct nfsd_file's nf_file for the exported filesystem's file, whoever set it", () => {
    const c = classifyFile(g, g.resolve('nfsd_w')!, 'file', 5);
    expect(c.kind).toBe('backing');
    expect('why' in c && c.why).toContain("struct nfsd_file's nf_file");
  });
  it('not a field of the same name in another struct', () => {
    expect(classifyFile(g, g.resolve('other_w')!, 'file', 12).kind).toBe('unknown');
  });
});
