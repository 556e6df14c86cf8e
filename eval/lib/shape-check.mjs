// Checks that the structural shapes a case claims (two hunks in one function,
// a hunk starting inside a multi-line signature, new files, documentation...)
// are really present in the patches the generator wrote. A label that claims
// a shape its patches do not have would make the per-shape figures lie.

/** Parse the diff part of a format-patch file into files and hunks. */
export function parsePatchText(text) {
  const files = [];
  let cur = null;
  let hunk = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('diff --git ')) {
      const m = / b\/(.+)$/.exec(l);
      cur = { path: m ? m[1] : '', isNew: false, hunks: [] };
      files.push(cur);
      hunk = null;
      continue;
    }
    if (!cur) continue;
    if (l.startsWith('new file mode')) cur.isNew = true;
    const h = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/.exec(l);
    if (h) {
      hunk = { oldStart: +h[1], newStart: +h[3], heading: h[5], lines: [] };
      cur.hunks.push(hunk);
      continue;
    }
    if (l === '-- ' || l.startsWith('base-commit:')) {
      cur = null;
      hunk = null;
      continue;
    }
    if (hunk && (l.startsWith(' ') || l.startsWith('+') || l.startsWith('-') || l === '')) hunk.lines.push(l);
  }
  return files;
}

const isC = (p) => /\.(c|h)$/.test(p);
const isDoc = (p) => p.startsWith('Documentation/') || /\.(rst|txt|md)$/.test(p);

/** Post-image line number of a hunk's first change (an added line, or the line after a removal). */
export function firstChangeLine(h) {
  let n = h.newStart;
  for (const l of h.lines) {
    if (l.startsWith('+') || l.startsWith('-')) return n;
    n++;
  }
  return n;
}

/**
 * The function (kernel style: body braces at column 0) that post-image line
 * `line` (1-based) is in: { name, def, open } with 1-based line numbers, or null.
 */
export function enclosingFunction(lines, line) {
  let open = -1;
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    if (/^\}/.test(lines[i]) && i !== line - 1) return null;
    if (/^\{\s*$/.test(lines[i])) {
      open = i;
      break;
    }
  }
  if (open < 0) return null;
  for (let i = open - 1; i >= 0 && i >= open - 12; i--) {
    if (/^[A-Za-z_]/.test(lines[i]) && lines[i].includes('(')) {
      const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(lines[i]);
      return { name: m ? m[1] : '?', def: i + 1, open: open + 1 };
    }
  }
  return null;
}

/**
 * The problems with one case's structural shapes. `patches` are the texts of
 * its patch files (not the cover letter); `post(i, path)` gives the lines of
 * file `path` after patch i (0-based).
 */
export function checkShapes(c, patches, post) {
  const problems = [];
  const parsed = patches.map(parsePatchText);
  const all = parsed.flat();
  const has = (s) => c.shapes.includes(s);
  if (has('new-file') && !all.some((f) => f.isNew)) problems.push('shape new-file, but no patch adds a file');
  if (has('mixed-doc') && (!all.some((f) => isC(f.path)) || !all.some((f) => !isC(f.path))))
    problems.push('shape mixed-doc needs both C and non-C files in the case');
  if (has('doc-only') && all.some((f) => isC(f.path))) problems.push('shape doc-only, but a C file changes');
  const fnOf = (pi, f, h) => (isC(f.path) ? enclosingFunction(post(pi, f.path), firstChangeLine(h)) : null);
  if (has('two-hunks-one-function')) {
    const ok = parsed.some((fs, pi) =>
      fs.some((f) => {
        const seen = new Set();
        for (const h of f.hunks) {
          const fn = fnOf(pi, f, h);
          if (!fn) continue;
          const key = `${fn.name}:${fn.open}`;
          if (seen.has(key)) return true;
          seen.add(key);
        }
        return false;
      }),
    );
    if (!ok) problems.push('shape two-hunks-one-function, but no two hunks change the same function');
  }
  if (has('sig-multiline-hunk')) {
    // The hunk's first line is past the first line of a multi-line signature
    // and at or before the body's opening brace: git shows the signature's
    // first line only in the @@ heading.
    const ok = parsed.some((fs, pi) =>
      fs.some((f) =>
        f.hunks.some((h) => {
          const fn = fnOf(pi, f, h);
          return fn && fn.open - fn.def >= 2 && h.newStart > fn.def && h.newStart <= fn.open;
        }),
      ),
    );
    if (!ok) problems.push('shape sig-multiline-hunk, but no hunk starts inside a multi-line signature');
  }
  return problems;
}
