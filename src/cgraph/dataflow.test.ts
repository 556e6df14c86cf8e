import { describe, expect, it } from 'vitest';
import { blockEncloses, normExpr, sameExpr } from './dataflow.js';

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
