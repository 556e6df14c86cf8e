// What a check run produces: per input, per patch, findings and errors.
// Formatters (src/report) and the TUI read this; nothing here prints.

import type { InputError, Patch } from '../patch/types.js';
import type { BaseInfo } from '../tree/base.js';
import type { Finding, FindingStatus, Level } from './finding.js';

export interface PatchReport {
  patch: Patch;
  /** Every finding, whatever its status; formatters filter (see `visibleFindings`). */
  findings: Finding[];
  errors: InputError[];
  /** Things the user should know: "touches no kernel C: nothing to check", "applied with fuzz 2", ... */
  notes: string[];
  /**
   * What makes this check less than the user asked for, though it is not bad
   * input: a hunk judged from the patch text because it does not apply to the
   * tree, a new file the tree already has. Every format says them, in every
   * mode (--quiet, --terse and --mailback too): a gate never says "all clear"
   * about what it could not check as asked.
   */
  doubts?: string[];
  /** Kernel C files the patch touches (0: nothing to check). */
  kernelFiles: number;
  /** Lines checked when it is not the patch's hunk lines (an audit: the source lines read). */
  linesChecked?: number;
  /** Its series holds nothing any enabled rule looks at, so no C was parsed (src/engine/prefilter.ts). */
  unparsed?: true;
  /** The code it was checked against: a revision, its parent, blob ids, the work tree, or the embedded model. */
  base?: BaseInfo;
  /** Findings the check left out, and what left them out; every format says so (see shownHidden). */
  hidden?: HiddenFindings[];
}

/**
 * Findings left out of a report. `triage`: marked as false positives in
 * `kreview review`, kept under the state directory (`kreview triage list`
 * shows the marks, `kreview triage forget` undoes them).
 */
export interface HiddenFindings {
  by: 'triage';
  count: number;
  /** For a reader: which findings, and the reason given for each. */
  detail?: string;
  findings: Finding[];
  /** The reason typed with each mark, by finding key. */
  reasons?: Record<string, string>;
}

export interface InputReport {
  input: string;
  patches: PatchReport[];
  /** The input or some of its messages could not be read. */
  errors: InputError[];
}

export interface CheckResult {
  mode: 'tree' | 'patch-only' | 'audit';
  /** The tree the series was applied to, described. */
  tree?: string;
  inputs: InputReport[];
}

export interface Filter {
  /** Show preexisting and fixed-later findings too. */
  all: boolean;
  /** Show CHECK level. */
  strict: boolean;
  /** Only these TYPEs (empty: all). */
  types: Set<string>;
  ignore: Set<string>;
}

export const COUNTED: ReadonlySet<FindingStatus> = new Set(['introduced', 'moved']);

export function visibleFindings(r: PatchReport, f: Filter): Finding[] {
  return r.findings.filter((x) => shownBy(x, f));
}

function shownBy(x: Finding, f: Filter): boolean {
  return (f.all || COUNTED.has(x.status)) && (f.strict || x.level !== 'CHECK') && (!f.types.size || f.types.has(x.type)) && !f.ignore.has(x.type);
}

/**
 * Findings of this patch that a later patch of the series fixes, which the
 * default output leaves out: one line saying so, so that a reviewer of this
 * patch alone (a bisection stop, a backport) knows what it carries.
 */
export function fixedLaterNote(r: PatchReport, f: Filter): string | undefined {
  if (f.all) return undefined;
  const later = r.findings.filter((x) => x.status === 'fixed-later' && shownBy({ ...x, status: 'introduced' }, f));
  if (!later.length) return undefined;
  const by = [...new Set(later.map((x) => x.fixedBy?.index).filter((x): x is number => x !== undefined))].sort((a, b) => a - b);
  const what = later.map((x) => `${x.type} ${x.file}:${x.line}`).join('; ');
  return `${later.length} finding${later.length > 1 ? 's' : ''} of this patch ${later.length > 1 ? 'are' : 'is'} fixed later in the series${by.length ? ` by patch ${by.join(', ')}` : ''} (${what}); --all shows ${later.length > 1 ? 'them' : 'it'}`;
}

/** The hidden findings the filter would have shown: what a report must say it left out. */
export function shownHidden(r: PatchReport, f: Filter): HiddenFindings[] {
  const out: HiddenFindings[] = [];
  for (const h of r.hidden ?? []) {
    const findings = h.findings.filter((x) => shownBy(x, f));
    if (!findings.length) continue;
    const detail = findings.map((x) => `${x.type} ${x.file}:${x.line}${h.reasons?.[x.key] ? ` (${h.reasons[x.key]})` : ''}`).join('; ');
    out.push({ by: h.by, count: findings.length, detail, findings, ...(h.reasons ? { reasons: h.reasons } : {}) });
  }
  return out;
}

/** What hid them, in words, for the text formats. */
export const HIDDEN_BY: Record<HiddenFindings['by'], string> = {
  triage: "marked as false positives in kreview review ('kreview triage list' shows the marks, 'kreview triage forget' undoes them)",
};

export function levelAtLeast(l: Level, min: Level): boolean {
  const order: Record<Level, number> = { ERROR: 0, WARNING: 1, CHECK: 2 };
  return order[l] <= order[min];
}

/** Findings that make the exit status 1: introduced/moved (never preexisting or fixed-later), at or above the fail level. */
export function failing(r: PatchReport, f: Filter, failLevel: Level): Finding[] {
  return visibleFindings(r, f).filter((x) => COUNTED.has(x.status) && levelAtLeast(x.level, failLevel));
}
