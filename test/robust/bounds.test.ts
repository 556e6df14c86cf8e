// Input shaped to be expensive: deep nesting, long runs, units too big for
// tree-sitter's Query. Each is handled by structure (skipped with a note, or
// walked another way), which these tests pin down without timing anything.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractFileFacts, extractFileFactsSafe } from '../../src/cgraph/extract/index.js';
import { kindNodes, restartNodeCollection } from '../../src/cgraph/extract/nodes.js';
import { longLineAt, MAX_LINE, MAX_NESTING, MAX_SECTIONS, matchParen, parenMatcher, parseC, preprocess, tooDeepAt } from '../../src/cgraph/parse.js';

const fn = (body: string, name = 'f'): string => `static ssize_t ${name}(struct file *file, struct kiocb *k, struct iov_iter *i)\n{\n\tssize_t ret = file->f_op->read_iter(k, i);\n${body}\n\treturn ret;\n}\n`;

describe('nesting deeper than kreview parses', () => {
  it('a unit of brackets nested past MAX_NESTING is not parsed, and that is said with its line', () => {
    const text = `int ok(void)\n{\n\treturn 0;\n}\n${fn(`${'{'.repeat(MAX_NESTING + 1)}\n${'}'.repeat(MAX_NESTING + 1)}`)}`;
    const r = extractFileFactsSafe('fs/x/deep.c', text);
    expect(r.error).toBeUndefined();
    expect(r.facts.functions).toEqual([]);
    expect(r.skipped).toEqual([`fs/x/deep.c:8: brackets nest more than ${MAX_NESTING} deep: not parsed, its functions are not checked`]);
    // at the limit it is parsed as usual
    const ok = extractFileFactsSafe('fs/x/deep.c', fn(`${'{'.repeat(MAX_NESTING - 1)}\n${'}'.repeat(MAX_NESTING - 1)}`));
    expect(ok.skipped).toBeUndefined();
    expect(ok.facts.functions.map((f) => f.name)).toEqual(['f']);
  });

  it('blocks nested past it without brackets (an `else if` chain) are skipped too', () => {
    const chain = `\tif (ret) ret = 0;\n${'\telse if (ret) ret = 0;\n'.repeat(MAX_NESTING)}`;
    const r = extractFileFactsSafe('fs/x/chain.c', fn(chain));
    expect(r.facts.functions).toEqual([]);
    expect(r.skipped?.[0]).toMatch(/^fs\/x\/chain\.c:\d+: blocks nest more than 1024 deep/);
    // a chain a kernel function could have is read
    expect(extractFileFactsSafe('fs/x/chain.c', fn(chain.split('\n').slice(0, 100).join('\n'))).facts.functions.map((f) => f.name)).toEqual(['f']);
  });

  it('in a patch without its file, only the deep hunk is skipped: the others are still read', () => {
    const deep = `${'('.repeat(MAX_NESTING + 5)}1${')'.repeat(MAX_NESTING + 5)};`;
    const sections = [
      { startLine: 10, endLine: 16, fn: undefined, lines: fn('').split('\n') },
      { startLine: 100, endLine: 100, fn: 'static int g(void)', lines: [`\tx = ${deep}`] },
    ];
    const skipped: string[] = [];
    const facts = extractFileFacts('fs/x/frag.c', '', { fragment: { sections }, skipped });
    expect(skipped).toEqual([`fs/x/frag.c:100: brackets nest more than ${MAX_NESTING} deep: not parsed, its functions are not checked`]);
    expect(facts.functions.map((f) => f.name)).toEqual(['f']);
  });

  it('tooDeepAt counts every kind of bracket and forgives stray closers', () => {
    expect(tooDeepAt('(([{x}]))', 4)).toBe(-1);
    expect(tooDeepAt('(([{x}]))', 3)).toBe(3);
    expect(tooDeepAt(')))(((', 3)).toBe(-1);
  });
});

describe("tree-sitter's Query", () => {
  it('is used only on units whose top-level pieces cannot nest past what it holds (65,536 nodes)', () => {
    restartNodeCollection(0); // every unit as if deep in a long run: the Query's turf
    try {
      const small = parseC(fn('\tret = 1;'));
      expect(kindNodes(small.rootNode).logicChecked).toBe(true);
      // one definition longer than 32 kB: walked by descendantsOfType, whatever it holds
      const big = fn('\tret = vfs_fsync(file, 0);\n'.repeat(1500));
      expect(big.length).toBeGreaterThan(32 * 1024);
      const { nodes, logicChecked } = kindNodes(parseC(big).rootNode);
      expect(logicChecked).toBe(false);
      expect(nodes.filter((n) => n.type === 'call_expression').length).toBe(1501);
      // and the facts are those of a check of one patch, which never uses the Query
      const viaQueryRun = extractFileFacts('fs/x/big.c', big);
      restartNodeCollection();
      expect(extractFileFacts('fs/x/big.c', big)).toEqual(viaQueryRun);
    } finally {
      restartNodeCollection();
    }
  });
});

describe('matching parentheses', () => {
  it('parenMatcher answers as matchParen scanning from each `(` does', () => {
    const naive = (s: string, open: number): number => {
      let depth = 0;
      for (let i = open; i < s.length; i++) {
        const c = s[i];
        if (c === '(') depth++;
        else if (c === ')' && --depth === 0) return i;
        else if (c === ';' || c === '{') return -1;
      }
      return -1;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom('(', ')', ';', '{', 'x'), { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), (cs, picks) => {
        const s = cs.join('');
        const opens = [...s].flatMap((c, i) => (c === '(' ? [i] : []));
        if (!opens.length) return;
        const m = parenMatcher(s);
        // in any order, repeated
        for (const p of picks) {
          const o = opens[p % opens.length]!;
          expect(m(o)).toBe(naive(s, o));
        }
        for (const o of opens) expect(matchParen(s, o)).toBe(naive(s, o));
      }),
      { numRuns: 500 },
    );
  });

  it('a line of unclosed container_of( is preprocessed as it is (it was rescanned to its end from each)', () => {
    const line = `\tx = ${'container_of(p, struct T, '.repeat(50_000)}`;
    expect(preprocess(line)).toBe(line);
  });
});

describe('sizes no C file has', () => {
  it('a line longer than MAX_LINE (a 2 MB `a&&a&&...` is a 700,000-level parse tree) is not read, and that is said; the rest is', () => {
    const chain = `\tx = ${'a&&'.repeat(MAX_LINE / 3 + 1)}a;`;
    const r = extractFileFactsSafe('fs/x/long.c', fn(chain));
    expect(r.facts.functions.map((f) => [f.name, f.calls.map((c) => c.callee)])).toEqual([['f', ['f_op->read_iter']]]);
    expect(r.skipped).toEqual([`fs/x/long.c:4: a line of more than ${MAX_LINE} characters: not read (the rest is)`]);
    // a long line of kernel size is read
    expect(extractFileFactsSafe('fs/x/long.c', fn(`\tx = ${'a&&'.repeat(1300)}a;`)).facts.functions.map((f) => f.name)).toEqual(['f']);
  });

  it('longLineAt finds the first line over the limit, at its start', () => {
    expect(longLineAt('ab\ncdef\ng', 3)).toBe(3);
    expect(longLineAt('ab\ncde\n', 3)).toBe(-1);
    expect(longLineAt('abcd', 3)).toBe(0);
  });

  it('more hunks of one file than MAX_SECTIONS are not parsed one by one: said once, with the first hunk line', () => {
    const sections = Array.from({ length: MAX_SECTIONS + 1 }, (_, i) => ({ startLine: 10 + i * 10, endLine: 12 + i * 10, fn: 'static int g(void)', lines: ['\ta = 1;', '\tx_call(a);', '\tc = 3;'] }));
    const skipped: string[] = [];
    const facts = extractFileFacts('fs/x/many.c', '', { fragment: { sections }, skipped });
    expect(facts.functions).toEqual([]);
    expect(skipped).toEqual([`fs/x/many.c:10: ${MAX_SECTIONS + 1} hunks, more than ${MAX_SECTIONS}: not parsed, its functions are not checked`]);
    expect(extractFileFacts('fs/x/many.c', '', { fragment: { sections: sections.slice(0, 3) }, skipped: [] }).functions.map((f) => f.name)).toEqual(['g']);
  });
});
