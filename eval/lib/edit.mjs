// The edit engine of the evaluation generator: applies a case's edit
// descriptions to the text of a source file and keeps track of where the
// lines it was asked to remember (marks) end up.
//
// A document is an array of lines, each { t: text, m: [mark names] }. Edits
// find their place by anchors that name things (a function, a call, a short
// regular expression) rather than by copying the file's text, so a case file
// holds only the code we write ourselves. Every anchor must match exactly
// where the case says; anything else throws EditError, so a case that no
// longer applies to the kernel fails loudly instead of producing a patch
// that tests something else.

export class EditError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EditError';
  }
}

/** Split file text into a document. */
export function parseDoc(text) {
  const endsWithNewline = text.endsWith('\n');
  const raw = text.split('\n');
  if (endsWithNewline) raw.pop();
  return { lines: raw.map((t) => ({ t, m: [] })), endsWithNewline: endsWithNewline || text === '' };
}

export function renderDoc(doc) {
  const body = doc.lines.map((l) => l.t).join('\n');
  return doc.lines.length === 0 ? '' : body + (doc.endsWithNewline ? '\n' : '');
}

/**
 * mark name -> [1-based line numbers] in the document's current state. With
 * `expand`, a mark on one line of a statement written over several lines
 * covers the whole statement: a reviewer (or a tool) may point at its first
 * line or at the line where the argument that matters is.
 */
export function markLines(doc, { expand = false } = {}) {
  const out = new Map();
  doc.lines.forEach((l, i) => {
    if (!l.m.length) return;
    const [lo, hi] = expand ? statementExtent(doc, i) : [i, i];
    for (const m of l.m) {
      if (!out.has(m)) out.set(m, new Set());
      for (let k = lo; k <= hi; k++) out.get(m).add(k + 1);
    }
  });
  return new Map([...out].map(([m, s]) => [m, [...s].sort((a, b) => a - b)]));
}

function parenDepth(t) {
  let d = 0;
  for (const ch of stripStringsAndComments(t)) {
    if (ch === '(') d++;
    else if (ch === ')') d--;
  }
  return d;
}

/** [first, last] line index of the C statement line `i` belongs to (at most 12 lines). */
export function statementExtent(doc, i) {
  const lines = doc.lines;
  const code = (k) => stripStringsAndComments(lines[k].t).trim();
  const continues = (c) => /(=|&&|\|\||\?|\+|-|\|)$/.test(c) && !/^(case\b|default\b)/.test(c);
  let start = i;
  // Backwards: earlier lines of the same statement (parentheses still open
  // at line i, or ending in an operator), never across a `;`, `{` or `}`.
  for (let k = i - 1, depth = 0; k >= 0 && k >= i - 12; k--) {
    const c = code(k);
    if (c === '' || c.startsWith('#') || /[;{}]$/.test(c)) break;
    depth += parenDepth(lines[k].t);
    if (depth > 0 || continues(c)) start = k;
    else break;
  }
  // Forwards from the start: while parentheses are open or the line ends in an operator.
  let end = start;
  let depth = 0;
  for (let k = start; k < lines.length && k <= start + 12; k++) {
    depth += parenDepth(lines[k].t);
    end = k;
    if (depth <= 0 && !continues(code(k))) break;
  }
  return [start, Math.max(end, i)];
}

const MARK_PREFIX = /^((?:@[A-Za-z0-9_.-]+)+) /;

/**
 * One line as a case writes it: optional marks (`@raw@x `), then `<` for
 * column 0, then the code relative to the anchor's indentation.
 */
export function authorLine(s, baseIndent) {
  if (typeof s !== 'string' || s.includes('\n')) throw new EditError(`a line must be a string without a newline: ${JSON.stringify(s)}`);
  let marks = [];
  let rest = s;
  const mm = MARK_PREFIX.exec(rest);
  if (mm) {
    marks = mm[1].split('@').filter(Boolean);
    rest = rest.slice(mm[0].length);
  }
  let t;
  if (rest.startsWith('<')) t = rest.slice(1);
  else if (rest === '') t = '';
  else t = baseIndent + rest;
  return { t, m: marks };
}

function indentOf(t) {
  return /^[\t ]*/.exec(t)[0];
}

function stripStringsAndComments(t) {
  return t
    .replace(/\/\*.*?\*\//g, ' ')
    .replace(/\/\/.*$/, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\]|\\.)*'/g, "''");
}

/** Lines [start, end] of the function `name` (its definition, not a prototype or a call). */
export function findFunction(doc, name, nth = 1) {
  const lines = doc.lines;
  const re = new RegExp(`(^|[^A-Za-z0-9_])${escapeRe(name)}\\s*\\(`);
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].t;
    if (!/^[A-Za-z_]/.test(t) || !re.test(t)) continue;
    // Walk to the body: a `{` alone at column 0 (kernel style) before any `;` at depth 0.
    let depth = 0;
    let open = -1;
    for (let j = i; j < lines.length && j < i + 40; j++) {
      const s = stripStringsAndComments(lines[j].t);
      if (j > i && /^\{\s*$/.test(lines[j].t)) {
        open = j;
        break;
      }
      for (const ch of s) {
        if (ch === '(') depth++;
        else if (ch === ')') depth--;
      }
      if (depth <= 0 && /;\s*$/.test(s)) break;
      if (depth <= 0 && /\{\s*$/.test(s) && j === i) {
        open = j; // `int f(void) {` on one line: not kernel style, but accept it
        break;
      }
    }
    if (open < 0) continue;
    let close = -1;
    for (let j = open + 1; j < lines.length; j++) {
      if (/^\}/.test(lines[j].t)) {
        close = j;
        break;
      }
    }
    if (close < 0) throw new EditError(`function ${name}: no closing brace at column 0`);
    // The definition may carry its return type on the line before (`static int\nfoo(...)`).
    let start = i;
    if (i > 0 && /^[A-Za-z_][A-Za-z0-9_ \t*]*$/.test(lines[i - 1].t) && !/;\s*$/.test(lines[i - 1].t)) start = i - 1;
    found.push({ start, def: i, open, close });
  }
  if (found.length === 0) throw new EditError(`function ${name}: definition not found`);
  if (nth > found.length) throw new EditError(`function ${name}: only ${found.length} definition(s), asked for #${nth}`);
  return found[nth - 1];
}

/** The first line of the comment block right above line `i`, or `i`. */
function leadingCommentStart(lines, i) {
  let k = i;
  if (k > 0 && /^\s*\*\/\s*$|\*\/\s*$/.test(lines[k - 1].t)) {
    let j = k - 1;
    while (j >= 0 && !/^\s*\/\*/.test(lines[j].t)) j--;
    if (j >= 0) k = j;
  }
  return k;
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The range an edit works in: a function's lines, or the whole file. */
function scopeOf(doc, e) {
  if (e.fn) {
    const f = findFunction(doc, e.fn, e.fnNth ?? 1);
    return { lo: f.def, hi: f.close, fn: f };
  }
  return { lo: 0, hi: doc.lines.length - 1, fn: null };
}

/** The anchor line: the (nth) line in scope matching `match`, which must be unique unless nth is given. */
export function findAnchor(doc, e, scope = scopeOf(doc, e)) {
  if (e.match === undefined) throw new EditError(`${e.op}: needs a match`);
  const re = new RegExp(e.match);
  const hits = [];
  for (let i = scope.lo; i <= scope.hi; i++) if (re.test(doc.lines[i].t)) hits.push(i);
  const where = e.fn ? `in ${e.fn}()` : 'in the file';
  if (hits.length === 0) throw new EditError(`anchor /${e.match}/ not found ${where}`);
  if (e.nth === undefined && hits.length > 1) throw new EditError(`anchor /${e.match}/ matches ${hits.length} lines ${where}; give nth`);
  const n = e.nth ?? 1;
  if (n > hits.length) throw new EditError(`anchor /${e.match}/ matches ${hits.length} lines ${where}, asked for #${n}`);
  return hits[n - 1];
}

/**
 * The last line of the span that starts at `a`:
 *  - a number N: N lines;
 *  - "stmt": until the parentheses balance and the line ends a statement or opens a block;
 *  - "block": a line that opens `{`, through its matching `}`;
 *  - { to: regex }: through the first later line matching it (inside the scope).
 */
export function spanEnd(doc, a, span, scope) {
  const lines = doc.lines;
  if (span === undefined || span === 'line') return a;
  if (typeof span === 'number') {
    if (span < 1 || a + span - 1 > scope.hi) throw new EditError(`span of ${span} lines runs out of scope`);
    return a + span - 1;
  }
  if (span === 'stmt') {
    let depth = 0;
    for (let j = a; j <= scope.hi; j++) {
      const s = stripStringsAndComments(lines[j].t);
      for (const ch of s) {
        if (ch === '(') depth++;
        else if (ch === ')') depth--;
      }
      if (depth <= 0 && /[;{}]\s*$/.test(s)) return j;
      if (depth <= 0 && /^\s*(if|for|while|else)\b.*\)\s*$/.test(s)) {
        // a brace-less if/for: the statement includes the next statement
        return spanEnd(doc, j + 1, 'stmt', scope);
      }
    }
    throw new EditError(`statement at line ${a + 1} does not end inside its scope`);
  }
  if (span === 'block') {
    let depth = 0;
    let seen = false;
    for (let j = a; j <= scope.hi; j++) {
      const s = stripStringsAndComments(lines[j].t);
      for (const ch of s) {
        if (ch === '{') {
          depth++;
          seen = true;
        } else if (ch === '}') depth--;
      }
      if (seen && depth === 0) {
        // `} else {` keeps the block going
        return j;
      }
    }
    throw new EditError(`block at line ${a + 1} does not close inside its scope`);
  }
  if (span && typeof span === 'object' && span.to) {
    const re = new RegExp(span.to);
    for (let j = a + 1; j <= scope.hi; j++) if (re.test(lines[j].t)) return j;
    throw new EditError(`span end /${span.to}/ not found after line ${a + 1}`);
  }
  throw new EditError(`unknown span ${JSON.stringify(span)}`);
}

function authored(lines, base) {
  if (!Array.isArray(lines)) throw new EditError('lines must be an array of strings');
  return lines.map((s) => authorLine(s, base));
}

function baseIndent(doc, a, e) {
  if (typeof e.indent === 'number') return '\t'.repeat(e.indent);
  return indentOf(doc.lines[a].t);
}

/** Re-indent moved lines: drop their common indentation, add `to`. */
function reindent(lines, to) {
  const nonEmpty = lines.filter((l) => l.t.trim() !== '');
  let common = null;
  for (const l of nonEmpty) {
    const ind = indentOf(l.t);
    if (common === null || ind.length < common.length) common = ind;
  }
  common ??= '';
  return lines.map((l) => ({ t: l.t.trim() === '' ? '' : to + l.t.slice(common.length), m: l.m }));
}

/**
 * Apply one edit to a document in place. Returns nothing; throws EditError.
 * Operations: replace, insert-after, insert-before, delete, sub, mark,
 * extract, add-function, append.
 */
export function applyEdit(doc, e) {
  const lines = doc.lines;
  switch (e.op) {
    case 'replace':
    case 'delete':
    case 'insert-after':
    case 'insert-before':
    case 'sub':
    case 'mark': {
      const scope = scopeOf(doc, e);
      const a = findAnchor(doc, e, scope);
      const defaultSpan = e.op === 'insert-after' || e.op === 'replace' || e.op === 'delete' ? 'stmt' : 'line';
      const z = spanEnd(doc, a, e.span ?? defaultSpan, scope);
      const base = baseIndent(doc, a, e);
      if (e.op === 'replace') {
        const carried = e.keepMarks ? [...new Set(lines.slice(a, z + 1).flatMap((l) => l.m))] : [];
        const repl = authored(e.lines, base);
        if (carried.length && repl.length) repl[0].m = [...new Set([...repl[0].m, ...carried])];
        lines.splice(a, z - a + 1, ...repl);
      } else if (e.op === 'delete') {
        lines.splice(a, z - a + 1);
      } else if (e.op === 'insert-after') {
        lines.splice(z + 1, 0, ...authored(e.lines, base));
      } else if (e.op === 'insert-before') {
        lines.splice(a, 0, ...authored(e.lines, base));
      } else if (e.op === 'sub') {
        if (e.from === undefined || e.to === undefined) throw new EditError('sub: needs from and to');
        const re = new RegExp(e.from, e.all ? 'g' : '');
        let changed = 0;
        for (let j = a; j <= z; j++) {
          const before = lines[j].t;
          lines[j].t = before.replace(re, e.to);
          if (lines[j].t.includes('\n')) throw new EditError('sub: the replacement must not contain a newline');
          if (lines[j].t !== before) changed++;
          if (e.mark) lines[j].m.push(e.mark);
        }
        if (changed === 0) throw new EditError(`sub: /${e.from}/ changes nothing at /${e.match}/`);
      } else {
        if (!e.mark) throw new EditError('mark: needs a mark name');
        for (let j = a; j <= z; j++) lines[j].m.push(e.mark);
      }
      return;
    }
    case 'extract': {
      // Move a span of a function into a new helper placed before it, and
      // call the helper in its place: the moved lines keep their marks.
      if (!e.fn) throw new EditError('extract: needs fn');
      const scope = scopeOf(doc, e);
      const a = findAnchor(doc, e, scope);
      const z = spanEnd(doc, a, e.span ?? 'stmt', scope);
      const base = indentOf(lines[a].t);
      const moved = reindent(lines.slice(a, z + 1), '\t');
      lines.splice(a, z - a + 1, ...authored(e.call, base));
      const f = findFunction(doc, e.fn, e.fnNth ?? 1);
      const at = leadingCommentStart(lines, f.start);
      const helper = [...authored(e.head, ''), ...moved, ...authored(e.tail ?? ['}'], ''), { t: '', m: [] }];
      lines.splice(at, 0, ...helper);
      return;
    }
    case 'add-function': {
      const name = e.before ?? e.after;
      if (!name) throw new EditError('add-function: needs before or after');
      const f = findFunction(doc, name, e.fnNth ?? 1);
      const body = authored(e.lines, '');
      if (e.before) lines.splice(leadingCommentStart(lines, f.start), 0, ...body, { t: '', m: [] });
      else lines.splice(f.close + 1, 0, { t: '', m: [] }, ...body);
      return;
    }
    case 'append': {
      lines.push(...authored(e.lines, ''));
      return;
    }
    default:
      throw new EditError(`unknown edit op ${JSON.stringify(e.op)}`);
  }
}

/** Apply a list of edits to one file's text; returns the document. */
export function applyEdits(text, edits) {
  const doc = parseDoc(text);
  for (const e of edits) applyEdit(doc, e);
  return doc;
}
