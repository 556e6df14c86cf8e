// Completing a fragment from the model: only when the model's file lines up
// with what the hunks show.

import { describe, expect, it } from 'vitest';
import { extractFileFacts } from '../../src/cgraph/extract/index.js';
import { alignToModel } from '../../src/engine/fill-fragments.js';

const model = extractFileFacts('drivers/x/x.c', 'int x_read(struct x *x)\n{\n\tx_lock(x);\n\tx_prepare(x);\n\tx_submit(x);\n\tx_unlock(x);\n\treturn 0;\n}\n');
const fragment = (start: number, lines: string[]) => extractFileFacts('drivers/x/x.c', '', { fragment: { sections: [{ startLine: start, endLine: start + lines.length - 1, fn: 'int x_read(struct x *x)', lines }] } });

describe('alignToModel', () => {
  it('finds the offset the shown calls agree on', () => {
    expect(alignToModel(fragment(13, ['\tx_lock(x);', '\tx_prepare(x);', '\tx_submit(x);']), model)).toEqual({ delta: 10 });
  });
  it('declines when too few calls agree (another version of the function)', () => {
    expect(alignToModel(fragment(13, ['\tx_lock(x);', '\tx_other(x);', '\tx_more(x);', '\tx_submit(x);']), model)).toBeUndefined();
  });
});
