// The lazy graph (a warm audit) must answer exactly as the graph over every
// file does, while loading only the files a query names.
import { describe, expect, it } from 'vitest';
import { extractFileFacts } from './extract/index.js';
import { MemoryCodeGraph, summarize } from './graph.js';
import type { FileFacts } from './types.js';

const files: FileFacts[] = [
  extractFileFacts('fs/a/io.c', 'static int a_helper(struct file *f)\n{\n\treturn vfs_fsync(f, 0);\n}\n\nint a_read(struct a_buf *buf)\n{\n\tbuf->mapping = buf->file->f_mapping;\n\treturn a_helper(buf->file);\n}\n'),
  extractFileFacts('fs/b/ops.c', 'static int b_read_iter(struct kiocb *iocb, struct iov_iter *to)\n{\n\treturn a_read(iocb->ki_filp->private_data);\n}\n\nconst struct file_operations b_fops = {\n\t.read_iter = b_read_iter,\n};\n'),
  extractFileFacts('fs/c/work.c', 'static void c_workfn(struct work_struct *w)\n{\n\ta_read(NULL);\n}\n\nvoid c_setup(struct c_dev *d)\n{\n\tINIT_WORK(&d->work, c_workfn);\n\td->buf.mapping = NULL;\n}\n'),
  extractFileFacts('fs/d/unrelated.c', 'int d_other(void)\n{\n\treturn 0;\n}\n'),
];

describe('MemoryCodeGraph.lazy', () => {
  it('answers as the full graph does, loading only what a query names', () => {
    const full = MemoryCodeGraph.fromFiles(files);
    const loads: string[] = [];
    const byPath = new Map(files.map((f) => [f.path, f]));
    const rank = (p: string): number => files.findIndex((f) => f.path === p);
    const lazy = MemoryCodeGraph.lazy([files[0]!], {
      summaries: files.slice(1).map(summarize),
      load: (p) => {
        loads.push(p);
        return byPath.get(p);
      },
    }, rank);
    expect(lazy.functions('a_helper')).toEqual(full.functions('a_helper'));
    expect(loads).toEqual([]);
    expect(lazy.callers('a_read')).toEqual(full.callers('a_read'));
    expect(loads.sort()).toEqual(['fs/b/ops.c', 'fs/c/work.c']);
    expect(lazy.opsSlots('b_read_iter')).toEqual(full.opsSlots('b_read_iter'));
    expect(lazy.workRegistrations('c_workfn')).toEqual(full.workRegistrations('c_workfn'));
    expect(lazy.fieldAssignments('mapping')).toEqual(full.fieldAssignments('mapping'));
    expect(lazy.paths('b_read_iter', 'vfs_fsync', 4)).toEqual(full.paths('b_read_iter', 'vfs_fsync', 4));
    // fs/d is never named by a query
    expect(loads).not.toContain('fs/d/unrelated.c');
    expect([...lazy.files()].map((f) => f.path).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('keeps the full graph order whatever is loaded first', () => {
    const full = MemoryCodeGraph.fromFiles(files);
    const rank = (p: string): number => files.findIndex((f) => f.path === p);
    const byPath = new Map(files.map((f) => [f.path, f]));
    // fs/c is loaded (by its work function) before fs/b: callers of a_read still come in file order
    const lazy = MemoryCodeGraph.lazy([files[0]!], { summaries: files.slice(1).map(summarize), load: (p) => byPath.get(p) }, rank);
    lazy.workRegistrations('c_workfn');
    expect(lazy.callers('a_read').map((e) => e.caller.name)).toEqual(full.callers('a_read').map((e) => e.caller.name));
    expect(full.callers('a_read').map((e) => e.caller.name)).toEqual(['b_read_iter', 'c_workfn']);
  });

  it('summaries name what the graph indexes', () => {
    const s = summarize(files[0]!);
    expect(s.defs).toEqual(['a_helper', 'a_read']);
    expect(s.callees.sort()).toEqual(['a_helper', 'vfs_fsync']);
    expect(s.fields).toEqual(['mapping']);
    expect(summarize(files[1]!).slots).toEqual(['b_read_iter']);
    expect(summarize(files[2]!).work).toEqual(['c_workfn']);
  });
});
