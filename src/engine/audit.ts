// Audit mode: the rules over existing code, no patch. Every finding is
// pre-existing; the result has the same shape as a check so the same
// formatters print it.

import { indexTree } from '../cgraph/indexer.js';
import { graphOverModel } from './base-graph.js';
import { safeRelPath } from '../tree/paths.js';
import type { SourceTree } from '../tree/types.js';
import type { Patch } from '../patch/types.js';
import { compareFindings } from './finding.js';
import { dedupe, runImage, toFinding, type PostLineInfo } from './engine.js';
import { loadRules } from './registry.js';
import type { CheckResult } from './result.js';
import type { FileSummary } from './rule-api.js';
import { anyRelevant } from './triggers.js';

export interface AuditOptions {
  tree: SourceTree;
  paths: string[];
  types: Set<string>;
  ignore: Set<string>;
  allow: Map<string, string[]>;
  progress?: (done: number, total: number) => void;
}

export async function runAudit(o: AuditOptions): Promise<CheckResult> {
  const all = await loadRules();
  const rules = all.filter((r) => (!o.types.size || o.types.has(r.meta.type)) && !o.ignore.has(r.meta.type));
  const paths = o.paths.map((p) => safeRelPath(p, p));
  // Only the files some enabled rule could report in (by its triggers) are
  // loaded up front; the rest (most of fs/) are loaded when the graph needs
  // them as callers, ops tables or field assignments (their summaries are in
  // the tree manifest).
  const select = (s: FileSummary): boolean => anyRelevant(rules, s);
  const { facts, deferred } = await indexTree(o.tree, paths, { ...(o.progress ? { progress: o.progress } : {}), select });
  const summaries = deferred ? [...deferred.summaries] : [];
  const treePaths = [...facts.map((f) => f.path), ...summaries.map((s) => s.path)].sort();
  // the model supplies callers and ops tables outside the audited paths
  const graph = graphOverModel(treePaths, facts, { ...(deferred ? { deferred: { summaries, load: deferred.load } } : {}), order: treePaths });
  const texts = new Map<string, string[]>();
  const lines: PostLineInfo = {
    lineKind: () => ({ kind: 'untouched' }),
    preLineRemoved: () => false,
    removedSameText: () => false,
    fromPatchText: () => false,
    sourceLine: (file, line) => texts.get(file)?.[line - 1],
  };
  const detections = runImage(
    rules,
    {
      image: 'post',
      graph,
      functions: facts.flatMap((f) => f.functions),
      files: facts.map((f) => ({ facts: f, changedLines: undefined })),
      removedCalls: [],
      addedCalls: [],
    },
    { allow: o.allow },
  );
  // source lines only for the files that have findings; the line count of all
  let totalLines = 0;
  for (const f of facts) totalLines += f.functions.length ? f.functions[f.functions.length - 1]!.endLine : 0;
  for (const f of summaries) totalLines += f.lines;
  for (const d of detections) {
    if (!texts.has(d.at.file)) {
      const t = await o.tree.read(d.at.file);
      texts.set(d.at.file, t === null ? [] : t.split('\n'));
    }
  }
  const findings = dedupe(detections.map((d) => toFinding(d, 'preexisting', lines, false))).sort(compareFindings);
  const patch: Patch = {
    source: paths.join(' '),
    indexInSource: 0,
    rawSubject: `audit of ${paths.join(', ')}`,
    subject: `audit of ${paths.join(', ')}`,
    position: { version: 1, index: 1, total: 1, rfc: false, tags: [] },
    isCoverLetter: false,
    references: [],
    headers: {},
    commitMessage: '',
    trailers: [],
    notes: '',
    files: [],
    text: '',
    lineCount: 0,
    errors: [],
  };
  return {
    mode: 'audit',
    tree: o.tree.describe(),
    inputs: [{ input: paths.join(' '), patches: [{ patch, findings, errors: [], notes: [`${facts.length + summaries.length} files, ${facts.reduce((n, f) => n + f.functions.length, 0) + summaries.reduce((n, f) => n + f.functions, 0)} functions audited`], kernelFiles: facts.length + summaries.length, linesChecked: totalLines }], errors: [] }],
  };
}
