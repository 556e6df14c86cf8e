// Which series can a rule see at all? Most patches on the lists never touch
// a call, include or credential switch that any rule looks at; for them
// parsing C (loading tree-sitter, building the model's graph, parsing both
// images) is work whose answer is known in advance: nothing. Coccinelle does
// the same with its token prefilter.
//
// The test reuses each rule's own relevant(summary), the one the audit
// already trusts to skip files, over a summary that can only say more than
// the real one would: every identifier of the hunks is taken as a callee, an
// export and a definition, every member chain as each of its suffixes, every
// name the knowledge base reads as a credential switch as a scope. What the
// engine could visit beyond the hunks (the callers and callees a changed
// function reaches) is judged from the touched files as they were: the
// tree's, or the model functions reachable from the hunks. Whenever unsure:
// relevant.

import type { FileFacts, FileSummary, FunctionFacts } from '../cgraph/types.js';
import { summarize } from '../cgraph/graph.js';
import { credFormFor } from '../cgraph/kb.js';
import { isKernelC, userspaceProject, type FileDiff, type Patch } from '../patch/types.js';
import type { RuleDefinition } from './rule-api.js';

const IDENT = /[A-Za-z_]\w*/g;
const CHAIN = /[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)+/g;
const INCLUDE = /#\s*include\s*"([^"\n]*)"/g;
// credential forms named by a class: CLASS(override_creds, old)(c), scoped_class(override_creds_ovl, ...), guard(cred)(c)
const CRED_CLASS = /\b(?:CLASS|scoped_class|guard)\s*\(\s*\w*cred/;

/** Every line of a file's hunks, with git's function context, as one text. */
function hunkText(diff: FileDiff): string {
  return diff.hunks.map((h) => `${h.section}\n${h.lines.map((l) => l.text).join('\n')}`).join('\n');
}

/** A summary of what the hunks of one file could hold, over-approximated (see above). */
export function hunkSummary(path: string, diff: FileDiff): FileSummary {
  return textSummary(path, hunkText(diff));
}

/** A summary of what C text could hold, over-approximated: no parse, and comments count. */
export function textSummary(path: string, text: string): FileSummary {
  const idents = new Set(text.match(IDENT) ?? []);
  const callees = new Set(idents);
  for (const m of text.match(CHAIN) ?? []) {
    const fields = m.split(/\s*(?:->|\.)\s*/);
    for (let i = 0; i < fields.length - 1; i++) callees.add(fields.slice(i).join('->'));
  }
  const names = [...idents];
  return {
    path,
    defs: names,
    callees: [...callees],
    fields: names,
    slots: names,
    work: names,
    localIncludes: [...text.matchAll(INCLUDE)].map((m) => m[1]!),
    exports: names,
    // a scope is made only by a call the knowledge base takes for a credential form
    credScopes: [...callees].some((c) => !!credFormFor(c)) || CRED_CLASS.test(text),
    lines: 0,
    functions: 0,
  };
}

/** Summaries of a touched file as it is before the series, when there is one. */
export interface FileLookup {
  /** Cheap and over-approximated (the file's text, unparsed): a "not relevant" from it is final. */
  quick?(path: string): FileSummary | undefined | Promise<FileSummary | undefined>;
  /** From the file's facts (the tree's through the cache, or the model's). */
  exact(path: string): FileSummary | undefined | Promise<FileSummary | undefined>;
  /**
   * Without a tree: the model's facts of the file. The engine then replaces
   * the functions the hunks show by their fragments, so only the model
   * functions it can visit count (see reachableFromHunks()).
   */
  model?(path: string): FileFacts | undefined;
}

/**
 * Could any of these rules report anything for this series? The touched
 * files are looked up only when no hunk is relevant by itself.
 */
export async function seriesMayMatter(patches: readonly Patch[], rules: readonly RuleDefinition[], files: FileLookup): Promise<boolean> {
  if (!rules.length) return false;
  if (rules.some((r) => !r.relevant)) return true;
  const relevant = (s: FileSummary): boolean => rules.some((r) => r.relevant!(s));
  const paths = new Set<string>();
  for (const p of patches) {
    if (p.isCoverLetter || userspaceProject(p)) continue;
    for (const f of p.files) {
      for (const path of new Set([f.oldPath, f.newPath])) {
        if (!path || !isKernelC(path)) continue;
        if (relevant(hunkSummary(path, f))) return true;
        paths.add(path);
      }
    }
  }
  // the functions of the touched files the hunks do not show
  if (files.model) {
    const known = [...paths].map((p) => files.model!(p)).filter((f): f is FileFacts => !!f);
    for (const s of reachableFromHunks(patches, known)) if (relevant(s)) return true;
    return false;
  }
  for (const path of paths) {
    const quick = await files.quick?.(path);
    if (quick && !relevant(quick)) continue;
    const exact = await files.exact(path);
    if (exact ? relevant(exact) : quick !== undefined) return true;
  }
  return false;
}

/**
 * Patch-only mode: summaries of the model functions of the touched files
 * that the engine could visit. It visits the functions a hunk changes (their
 * fragments, judged by the hunk text above, and any model function whose
 * lines a hunk's range covers: the model is another kernel version, so line
 * spans can meet by chance) and, three calls deep, what they call in the
 * touched files. Here: every model function a hunk names or whose lines a
 * hunk's range meets, and everything they call in the touched files, to the
 * end. Includes stay (the engine keeps the model's when a fragment has
 * none); exports do not (a fragment's own are used).
 */
export function reachableFromHunks(patches: readonly Patch[], known: readonly FileFacts[]): FileSummary[] {
  if (!known.length) return [];
  const byName = new Map<string, FunctionFacts[]>();
  for (const ff of known) for (const fn of ff.functions) byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);
  const idents = new Set<string>();
  const ranges = new Map<string, [number, number][]>();
  for (const p of patches) {
    for (const f of p.files) {
      for (const id of hunkText(f).match(IDENT) ?? []) idents.add(id);
      for (const path of [f.oldPath, f.newPath]) {
        if (!path) continue;
        const r = ranges.get(path) ?? [];
        for (const h of f.hunks) r.push([h.oldStart, h.oldStart + h.oldLines], [h.newStart, h.newStart + h.newLines]);
        ranges.set(path, r);
      }
    }
  }
  const seen = new Set<FunctionFacts>();
  const queue: FunctionFacts[] = [];
  const visit = (fn: FunctionFacts): void => {
    if (seen.has(fn)) return;
    seen.add(fn);
    queue.push(fn);
  };
  for (const ff of known) {
    const r = ranges.get(ff.path) ?? [];
    for (const fn of ff.functions) {
      if (idents.has(fn.name) || r.some(([a, b]) => a <= fn.endLine + 1 && b >= fn.line - 1)) visit(fn);
    }
  }
  while (queue.length) {
    const fn = queue.pop()!;
    for (const c of fn.calls) for (const t of byName.get(c.callee) ?? []) visit(t);
  }
  return known.map((ff) => summarize({ ...ff, functions: ff.functions.filter((fn) => seen.has(fn)), exports: [] }));
}
