// Patch text is untrusted, so no regular expression that reads it may take
// super-linear time (ReDoS). Every expression in src/, cli/ and rules/ is
// found by parsing the sources (test/support/regexes.ts) and checked with
// recheck (https://makenowjust-labs.github.io/recheck/), which proves an
// expression linear or gives the string that makes it polynomial or
// exponential. A new expression is checked as soon as it is written; one
// built at run time must be listed below with what it is built from.

import { check } from 'recheck';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATTR_RE } from '../../src/cgraph/parse.js';
import { ioUserPattern } from '../../src/cgraph/model/build.js';
import { findRegexes, type FoundRegex } from '../support/regexes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Expressions recheck cannot call linear that are safe for a reason it
 * cannot see: the text they run on is bounded. Keyed by file and source, so
 * an edit of the expression (or a copy elsewhere) is checked again.
 */
const BOUNDED: Record<string, string> = {
  'src/cgraph/extract/creds.ts /([A-Za-z_][\\w.>-]*(?:\\[[^\\]]*\\])?)\\s*=\\s*$/': 'runs on `before`, the 120 characters before a call',
  'src/cgraph/extract/creds.ts /(?:^|[;{}]|\\n)\\s*\\*\\s*[A-Za-z_][\\w.>-]*\\s*=\\s*$/': 'runs on `before`, the 120 characters before a call',
  'src/cgraph/extract/creds.ts /([A-Za-z_]\\w*)\\s*=\\s*$/': 'runs on `before`, the 120 characters before a call (savedName)',
  'src/cgraph/extract/creds.ts /([A-Za-z_][\\w.>-]*)\\s*=\\s*$/': 'runs on `before`, the 120 characters before a call (sameSaved)',
  'src/engine/cred-wrappers.ts /^(?:const\\s+)?(?:struct\\s+)?\\w+(?:\\s+\\w+)*?\\s*\\*?\\s*\\b([A-Za-z_]\\w*)\\s*=\\s*(.+)$/': 'runs on one statement of a wrapper body of at most 600 characters (fnDef)',
  'src/engine/cred-wrappers.ts /^return\\s+(.+)$/': 'runs on one statement of a wrapper body of at most 600 characters (fnDef)',
  'src/engine/cred-wrappers.ts /^\\*\\s*([A-Za-z_]\\w*)\\s*=\\s*(.+)$/': 'runs on one statement of a wrapper body of at most 600 characters (fnDef)',
};

/**
 * Expressions built at run time: each with an instance recheck checks and
 * why every instance behaves like it. Keyed by file and the construction's
 * text.
 */
const BUILT: Record<string, { example: RegExp; why: string }> = {
  'src/cgraph/parse.ts new RegExp(`\\\\b(?:${[...PLAIN_ATTRS, ...CALL_ATTRS].join(\'|\')}|(?:COMPAT_)?SYSCALL_DEFINE[0-6])\\\\b`, \'g\')': {
    example: ATTR_RE,
    why: 'built from constant word lists: the instance is the only one',
  },
  'src/cgraph/extract/creds.ts new RegExp(`(?:^|[^\\\\w.>])${saved.replace(/[.*+?^${}()|[\\]\\\\-]/g, \'\\\\$&\')}(?:$|[^\\\\w])`)': {
    example: /(?:^|[^\w.>])old_cred(?:$|[^\w])/,
    why: '`saved` is escaped, so it is a literal (of at most the 120 characters before the call)',
  },
  'src/cgraph/extract/creds.ts new RegExp(`\\\\b${res}\\\\b`)': {
    example: /\bold_cred\b/,
    why: '`res` is one word (savedName(): `[A-Za-z_]\\w*`)',
  },
  'src/cgraph/extract/creds.ts new RegExp(`^return\\\\s*(?:\\\\(\\\\s*)?${saved}\\\\s*(?:\\\\)\\\\s*)?;`)': {
    example: /^return\s*(?:\(\s*)?old_cred\s*(?:\)\s*)?;/,
    why: '`saved` is one word (savedName(): `[A-Za-z_]\\w*`)',
  },
  "src/cgraph/extract/creds.ts new RegExp(`(?<![\\\\w)\\\\]])\\\\(\\\\s*(${names.join('|')})\\\\s*\\\\)`, 'g')": {
    example: /(?<![\w)\]])\(\s*(ctx|old)\s*\)/g,
    why: '`names` are a wrapper\'s parameter names, each one word (filtered to `[A-Za-z_]\\w*`)',
  },
  "src/cgraph/extract/creds.ts new RegExp(`(?<![\\\\w.>])(${names.join('|')})\\\\b(\\\\s*->)?`, 'g')": {
    example: /(?<![\w.>])(ctx|old)\b(\s*->)?/g,
    why: '`names` are a wrapper\'s parameter names, each one word (filtered to `[A-Za-z_]\\w*`)',
  },
  "src/engine/cred-wrappers.ts new RegExp(`(?<![\\\\w.>])${name}\\\\b`, 'g')": {
    example: /(?<![\w.>])ofs\b/g,
    why: '`name` is one word: a local alias\'s name as the declaration regex captured it (`[A-Za-z_]\\w*`)',
  },
  "src/cgraph/model/build.ts new RegExp(`\\\\b(?:${[...new Set(direct)].sort().join('|')})\\\\s*\\\\(|\\\\b(?:${[...new Set(members)].sort().join('|')})\\\\s*\\\\(`)": {
    example: ioUserPattern(),
    why: 'built from the knowledge base\'s constant tables when the model is built (run on the tree\'s files, never on a patch): the instance is the only one',
  },
  'cli/commands/model.ts new RegExp(`^${k}[ \\\\t]*=[ \\\\t]*(\\\\S*)`, \'m\')': {
    example: /^VERSION[ \t]*=[ \t]*(\S*)/m,
    why: '`k` is one of four constant words (VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION), read from the tree\'s Makefile',
  },
};

const key = (r: FoundRegex): string => `${r.file} ${r.source !== undefined ? `/${r.source}/` : r.text}`;

describe('regular expressions', () => {
  const found = findRegexes(ROOT);

  it('are found in the sources (the scan sees literals and constructions)', () => {
    expect(found.length).toBeGreaterThan(200);
    expect(found.some((r) => r.file === 'src/patch/diff.ts' && r.source?.startsWith('^@@ -'))).toBe(true);
    expect(found.filter((r) => r.source === undefined).map(key).sort()).toEqual(Object.keys(BUILT).sort());
  });

  it('are all linear-time (recheck), or run on bounded text for a stated reason', async () => {
    const todo = new Map<string, { source: string; flags: string; where: string[] }>();
    for (const r of found) {
      const [source, flags] = r.source !== undefined ? [r.source, r.flags!] : [BUILT[key(r)]!.example.source, BUILT[key(r)]!.example.flags];
      if (r.source !== undefined && BOUNDED[key(r)]) continue;
      // g and y change where a match starts, not how long one takes
      const f = flags.replace(/[gy]/g, '');
      const k = `/${source}/${f}`;
      const t = todo.get(k) ?? { source, flags: f, where: [] };
      t.where.push(`${r.file}:${r.line}`);
      todo.set(k, t);
    }
    const results = await Promise.all([...todo.values()].map(async (t) => ({ t, r: await check(t.source, t.flags, { timeout: 30_000, randomSeed: 1 }) })));
    // The fuzz checker (large expressions) can call a linear one polynomial on a loaded machine
    // (TYPE_ARG_RE's alternation of words, on 'l\x00' repeated): its attack string is run on
    // V8 itself, and a claim the engine does not bear out (a 2nd-degree blow-up on tens of
    // kilobytes would take seconds) is not a finding.
    const confirmed = (t: { source: string; flags: string }, r: (typeof results)[number]['r']): boolean => {
      if (r.status !== 'vulnerable' || r.checker !== 'fuzz') return true;
      const re = new RegExp(t.source, t.flags);
      const start = performance.now();
      re.exec(r.attack.string);
      return performance.now() - start > 250;
    };
    const bad = results
      .filter(({ t, r }) => r.status !== 'safe' && confirmed(t, r))
      .map(({ t, r }) => `${t.where.join(', ')}: /${t.source}/${t.flags} is ${r.status === 'vulnerable' ? `${r.complexity.summary}, e.g. on ${r.attack.pattern}` : `not proven linear (${r.status}${'error' in r && r.error ? `: ${r.error.kind}` : ''})`}`);
    expect(bad).toEqual([]);
    // every allowance still names an expression that exists
    expect(Object.keys(BOUNDED).filter((k) => !found.some((r) => key(r) === k))).toEqual([]);
  }, 240_000);
});
