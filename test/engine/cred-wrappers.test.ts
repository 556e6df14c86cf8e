import { describe, expect, it } from 'vitest';
import { scanWrappers } from '../../src/engine/cred-wrappers.js';
import { fillTemplate } from '../../src/cgraph/extract/creds.js';
import type { CredForm } from '../../src/kb/index.js';

function scan(text: string): { forms: Map<string, CredForm>; reverts: Set<string> } {
  const forms = new Map<string, CredForm>();
  const reverts = new Set<string>();
  scanWrappers(text, forms, reverts);
  return { forms, reverts };
}

describe('credential wrappers a patch defines', () => {
  it('reads a switch wrapper, its local aliases spelt out, and a revert wrapper', () => {
    const { forms, reverts } = scan(
      'static inline const struct cred *xovl_begin(struct super_block *sb)\n{\n\tstruct ovl_fs *ofs = OVL_FS(sb);\n\n\treturn override_creds(ofs->creator_cred);\n}\n\nstatic void xovl_end(const struct cred *old)\n{\n\trevert_creds(old);\n}\n',
    );
    expect(forms.get('xovl_begin')?.cred).toEqual({ template: 'OVL_FS(sb)->creator_cred', params: ['sb'] });
    expect([...reverts]).toEqual(['xovl_end']);
  });

  it('reads an out-parameter wrapper and one-line macros', () => {
    const { forms, reverts } = scan('static int fb_begin(struct fuse_file *ff, const struct cred **old)\n{\n\t*old = override_creds(ff->cred);\n\treturn 0;\n}\n#define fb_sw(c) override_creds((c)->cred)\n#define fb_end(o) revert_creds(o)\n');
    expect(forms.get('fb_begin')?.cred).toEqual({ template: 'ff->cred', params: ['ff', 'old'] });
    expect(forms.get('fb_sw')?.cred).toEqual({ template: '(c)->cred', params: ['c'] });
    expect([...reverts]).toEqual(['fb_end']);
  });

  it('takes no function that does more than switch, nor one that only looks at creds', () => {
    const { forms, reverts } = scan(
      'static const struct cred *x_begin(struct x *x)\n{\n\tx->count++;\n\treturn override_creds(x->cred);\n}\n\nstatic const struct cred *x_creds(struct x *x)\n{\n\treturn get_cred(x->cred);\n}\n\nstatic void x_drop(struct x *x)\n{\n\tput_cred(x->cred);\n}\n',
    );
    expect(forms.size).toBe(0);
    expect(reverts.size).toBe(0);
  });

  it('fills a template with the call site arguments', () => {
    expect(fillTemplate('ctx->cred', ['ctx'], ['c'])).toBe('c->cred');
    expect(fillTemplate('ctx->cred', ['ctx'], ['&ctx'])).toBe('ctx.cred');
    expect(fillTemplate('(c)->cred', ['c'], ['file'])).toBe('file->cred');
    expect(fillTemplate('OVL_FS(sb)->creator_cred', ['sb'], ['file_inode(file)->i_sb'])).toBe('OVL_FS((file_inode(file)->i_sb))->creator_cred');
    // one pass: an argument that names the other parameter is not read again
    expect(fillTemplate('a->x', ['a', 'b'], ['b', 'q'])).toBe('b->x');
  });
});
