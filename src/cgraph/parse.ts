// tree-sitter set-up and the kernel-idiom preprocessing that keeps it from
// losing functions (shared/ENGINEERING-NOTES.md, "tree-sitter on kernel C"):
// attribute macros are blanked to spaces of the same length, so every line
// and column stays where it was; SYSCALL_DEFINEn(name, ...) becomes a plain
// `long sys_name(...)` definition on the same line.

import { nodeRequire } from '../runtime.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type ParserT from 'tree-sitter';


let parser: ParserT | undefined;
let language: unknown;
let ParserClass: typeof ParserT | undefined;

export function cParser(): ParserT {
  if (parser) return parser;
  ParserClass ??= nodeRequire()('tree-sitter') as typeof ParserT;
  const p = new ParserClass();
  p.setLanguage(cLanguage());
  parser = p;
  return p;
}

export function cLanguage(): NonNullable<Parameters<ParserT['setLanguage']>[0]> {
  language ??= loadCLanguage();
  return language as NonNullable<Parameters<ParserT['setLanguage']>[0]>;
}

/**
 * The C grammar's native binding, without the node-types.json that
 * tree-sitter-c's index.js attaches: given it, setLanguage() builds (with
 * eval) a JS class per node type with typed field getters, which kreview
 * never uses (it reads nodes through type, startIndex, childForFieldName),
 * and that was 4 ms of every start. Falls back to the package's own entry.
 */
function loadCLanguage(): unknown {
  try {
    const pkg = nodeRequire().resolve('tree-sitter-c/package.json');
    const root = dirname(pkg);
    // the shipped prebuild, where node-gyp-build would find it after scanning
    // build/ and prebuilds/ (a local build wins, as with node-gyp-build)
    const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'tree-sitter-c.node');
    if (!existsSync(join(root, 'build')) && existsSync(prebuilt)) return nodeRequire()(prebuilt);
    const { createRequire } = nodeRequire()('node:module') as typeof import('node:module');
    return (createRequire(pkg)('node-gyp-build') as (dir: string) => unknown)(root);
  } catch {
    return nodeRequire()('tree-sitter-c');
  }
}

/** tree-sitter's Query class (a native pass that collects many node kinds at once). */
export const Query = function (this: unknown, lang: unknown, src: string) {
  ParserClass ??= nodeRequire()('tree-sitter') as typeof ParserT;
  return new ParserClass.Query(lang as NonNullable<Parameters<ParserT['setLanguage']>[0]>, src);
} as unknown as new (lang: unknown, src: string) => ParserT.Query;

export function parseC(text: string): ParserT.Tree {
  // The binding reads the input through a buffer; give it room for big files.
  return cParser().parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1024) });
}

/**
 * How deep kreview follows nesting (brackets, or blocks: an `else if`
 * chain nests too). Linux 6.12's deepest file nests brackets 103 deep
 * (lib/crypto/curve25519-fiat32.c, comments and strings counted); past this
 * a unit is not parsed but said to be skipped. tree-sitter and the walk over
 * its nodes are linear in the nodes, but what each call site records (its
 * block path, its argument texts) grows with the depth around it, so depth
 * times calls is what the bound keeps in check.
 */
export const MAX_NESTING = 1024;

/** The first offset at which `(`, `[` and `{` nest deeper than `limit`, or -1. One pass; comments and strings count too. */
/** The longest line a unit may hold to be parsed (see extractFileFacts). */
export const MAX_LINE = 16_384;
/** The most hunks of one file a patch-only check parses, each on its own. */
export const MAX_SECTIONS = 4_000;

/** Offset of the first line longer than `limit` characters, or -1. */
export function longLineAt(text: string, limit = MAX_LINE): number {
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start > limit) return start;
    start = end + 1;
  }
  return -1;
}

export function tooDeepAt(text: string, limit = MAX_NESTING): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return -1;
}

/** Attribute-like macros with no arguments, blanked where they stand. */
const PLAIN_ATTRS = [
  '__init', '__exit', '__user', '__must_check', '__always_inline', 'noinline', '__cold', '__hot', '__maybe_unused',
  '__iomem', '__rcu', '__force', '__percpu', '__read_mostly', 'notrace', 'asmlinkage', '__pure', '__weak', '__visible',
  '__noreturn', '__always_unused', '__ref', '__initdata', '__exitdata', '__latent_entropy', '__randomize_layout',
  '__packed', '__nocfi', '__kprobes', '__sched', '__bitwise', '__safe', '__ro_after_init', '__initconst', '__refdata',
  '__mustcheck', '__deprecated', '__flatten', '__noclone', '__used', '__meminit', '__net_init', '__net_exit',
  '__must_hold_shared', 'noinstr', '__init_or_module', '__section_init', '__noinline_for_stack', 'noinline_for_stack',
];
/** Attribute-like macros with an argument list, blanked through their matching `)`. */
const CALL_ATTRS = [
  '__releases', '__acquires', '__must_hold', '__free', '__attribute__', '__counted_by', '__cond_acquires',
  '__printf', '__scanf', '__aligned', '__section', '__alias', '__cond_lock', '__guarded_by', '__pt_guarded_by',
  '__nonstring_array', '__malloc', '__alloc_size', '__diagnose_as', '__assume_aligned', '__realloc_size',
  '__cleanup', '__counted_by_le', '__counted_by_be', '__no_sanitize_or_inline', '__no_kcsan', '__must_be_array',
  // include/linux/fs.h: WRAP_DIR_ITER(x) at file scope, no semicolon, defines shared_x(); left in, it swallows the declaration after it (overlayfs' ovl_dir_operations)
  'WRAP_DIR_ITER',
];

/** Exported for the ReDoS check (test/robust/redos.test.ts), which checks the expression as built. */
export const ATTR_RE = new RegExp(`\\b(?:${[...PLAIN_ATTRS, ...CALL_ATTRS].join('|')}|(?:COMPAT_)?SYSCALL_DEFINE[0-6])\\b`, 'g');
const CALL_SET = new Set(CALL_ATTRS);

/**
 * Macros that take a type as an argument (`container_of(p, struct T, m)`): the
 * `struct` keyword there makes tree-sitter drop the call around them.
 */
const TYPE_ARG_RE = /\b(?:container_of|container_of_const|list_entry|list_first_entry|list_last_entry|list_first_entry_or_null|list_next_entry|hlist_entry|hlist_entry_safe|rb_entry|rb_entry_safe|offsetof|sizeof_field|struct_size_t)\s*\(/g;

function blankTypeKeywords(text: string): string {
  if (!TYPE_ARG_RE.test(text)) return text;
  TYPE_ARG_RE.lastIndex = 0;
  let out = '';
  let last = 0;
  const matchParen = parenMatcher(text);
  for (let m = TYPE_ARG_RE.exec(text); m; m = TYPE_ARG_RE.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchParen(open);
    if (close < 0) continue;
    out += text.slice(last, open) + text.slice(open, close).replace(/\b(struct|union|enum)([ \t]+)/g, (w) => ' '.repeat(w.length));
    last = close;
    TYPE_ARG_RE.lastIndex = close;
  }
  return out + text.slice(last);
}

/**
 * Statement macros (`with_ovl_creds(sb) return ...;`, `scoped_guard(mutex, &m) if (...)`):
 * before a keyword the call does not parse (tree-sitter drops it into an
 * ERROR), so a blank after its `)` becomes `;`, at the same offset. The
 * credential scopes read the statement after it (nextStatement()).
 */
const STMT_MACRO_RE = /\b(?:scoped_with_creds|scoped_with_kernel_creds|with_ovl_creds|scoped_class|scoped_guard|scoped_cond_guard)\s*\(/g;

/** Text that starts with a statement keyword (after white space): a macro call before it cannot be a call statement. */
export const STMT_KEYWORD = /^\s*(?:return|if|for|while|do|switch|goto|break|continue)\b/;

function terminateStatementMacros(text: string): string {
  STMT_MACRO_RE.lastIndex = 0;
  if (!STMT_MACRO_RE.test(text)) return text;
  STMT_MACRO_RE.lastIndex = 0;
  const matchParen = parenMatcher(text);
  const at: number[] = [];
  for (let m = STMT_MACRO_RE.exec(text); m; m = STMT_MACRO_RE.exec(text)) {
    const close = matchParen(m.index + m[0].length - 1);
    if (close < 0) continue;
    if (!STMT_KEYWORD.test(text.slice(close + 1, close + 200))) continue;
    // the first blank, if it is not a newline, or the one after a newline (the line count stays)
    const b = text[close + 1] === '\n' ? close + 2 : close + 1;
    if (text[b] === ' ' || text[b] === '\t') at.push(b);
  }
  if (!at.length) return text;
  const chars = text.split('');
  for (const a of at) chars[a] = ';';
  return chars.join('');
}

/** Blank attribute macros and rewrite syscall definitions, keeping every newline where it was. */
export function preprocess(input: string): string {
  const text = blankTypeKeywords(terminateStatementMacros(input));
  ATTR_RE.lastIndex = 0;
  if (!ATTR_RE.test(text)) return text;
  ATTR_RE.lastIndex = 0;
  let out = '';
  let last = 0;
  const matchParen = parenMatcher(text);
  for (let m = ATTR_RE.exec(text); m; m = ATTR_RE.exec(text)) {
    const name = m[0];
    const start = m.index;
    if (name.includes('SYSCALL_DEFINE')) {
      const open = skipSpaces(text, start + name.length);
      if (text[open] !== '(') continue;
      const close = matchParen(open);
      if (close < 0) continue;
      const rewritten = syscallDefinition(name, text.slice(open + 1, close));
      if (!rewritten) continue;
      out += text.slice(last, start) + rewritten + '\n'.repeat(count(text, '\n', start, close + 1));
      last = close + 1;
      ATTR_RE.lastIndex = last;
      continue;
    }
    let end = start + name.length;
    if (CALL_SET.has(name)) {
      const open = skipSpaces(text, end);
      if (text[open] === '(') {
        const close = matchParen(open);
        if (close < 0) continue;
        end = close + 1;
      }
    }
    out += text.slice(last, start) + blank(text.slice(start, end));
    last = end;
    ATTR_RE.lastIndex = end;
  }
  return out + text.slice(last);
}

function blank(s: string): string {
  return s.replace(/[^\n]/g, ' ');
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

/** The `)` that closes the `(` at `open`, or -1 when a `;` or `{` (not an attribute after all) or the end comes first. */
export function matchParen(s: string, open: number): number {
  return parenMatcher(s)(open);
}

/**
 * matchParen() for many `(` of one text: each scan records the answer for
 * every `(` it passes, so no stretch of the text is scanned twice (a line
 * of `container_of(` with no `)` was rescanned to its end from each one).
 */
export function parenMatcher(s: string): (open: number) => number {
  const known = new Map<number, number>();
  return (open) => {
    const k = known.get(open);
    if (k !== undefined) return k;
    const stack: number[] = [];
    for (let i = open; i < s.length; i++) {
      const c = s[i];
      if (c === '(') {
        const done = known.get(i);
        // a `(` answered before: its answer holds from here too
        if (done !== undefined && i !== open) {
          if (done < 0) break;
          i = done;
          continue;
        }
        stack.push(i);
      } else if (c === ')') {
        known.set(stack.pop()!, i);
        if (!stack.length) return i;
      } else if (c === ';' || c === '{') break;
    }
    for (const o of stack) known.set(o, -1);
    return -1;
  };
}

function count(s: string, ch: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s[i] === ch) n++;
  return n;
}

/** `SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)` -> `long sys_read(unsigned int fd, ...)`. */
function syscallDefinition(macro: string, args: string): string | undefined {
  const parts = args.split(',').map((p) => p.replace(/\s+/g, ' ').trim());
  const name = parts.shift();
  if (!name || !/^\w+$/.test(name)) return undefined;
  const params: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) params.push(`${parts[i]} ${parts[i + 1]}`);
  const prefix = macro.startsWith('COMPAT_') ? 'compat_sys_' : 'sys_';
  return `long ${prefix}${name}(${params.join(', ').replace(/\b__user\b/g, '') || 'void'})`;
}
