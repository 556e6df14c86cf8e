// Every regular expression kreview's own code builds: the literals and the
// RegExp constructions of src/, cli/ and rules/ (tests excluded), found by
// parsing each file with the TypeScript compiler, so a new one anywhere is
// found without anyone listing it.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FoundRegex {
  /** Repository-relative file. */
  file: string;
  line: number;
  /** The pattern and flags of a literal; undefined for a RegExp built at run time. */
  source?: string;
  flags?: string;
  /** The expression as written (for a construction: the whole `new RegExp(...)`). */
  text: string;
}

const DIRS = ['src', 'cli', 'rules'];

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  for (const d of DIRS) {
    for (const e of readdirSync(join(root, d), { recursive: true, withFileTypes: true })) {
      const name = e.name;
      if (!e.isFile() || !/\.tsx?$/.test(name) || /\.test\.tsx?$/.test(name) || name.endsWith('.d.ts')) continue;
      out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, name));
    }
  }
  return out.sort();
}

export function findRegexes(root: string): FoundRegex[] {
  const out: FoundRegex[] = [];
  for (const path of sourceFiles(root)) {
    const text = readFileSync(path, 'utf8');
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const file = relative(root, path);
    const at = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const lit = n.getText(sf);
        const end = lit.lastIndexOf('/');
        out.push({ file, line: at(n), source: lit.slice(1, end), flags: lit.slice(end + 1), text: lit });
      } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp') {
        out.push({ file, line: at(n), text: n.getText(sf) });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}
