// What the engine derives from the rules' triggers (meta.triggers): whether
// a file (or a patch's hunks) can matter to a rule, which calls reach its
// call() visitor, and which callees' arguments the embedded model must keep.
// One derivation, so the prefilter, the audit's file selection, the model and
// the visitors cannot disagree with what the rules look at.

import { posix } from 'node:path';
import type { FileSummary } from '../cgraph/types.js';
import { CRED_FORMS, CRED_REVERTS, FILE_PASSTHROUGH, FILE_SETTERS } from '../kb/index.js';
import type { RuleDefinition, Trigger } from './rule-api.js';

/** Where an include spelled in a file points, as a tree path. */
export function resolveInclude(file: string, spelled: string): string {
  return posix.normalize(posix.join(posix.dirname(file), spelled));
}

const sets = new WeakMap<Trigger, { calls: Set<string>; exports: Set<string>; includes: Set<string> }>();
function setsOf(t: Trigger): { calls: Set<string>; exports: Set<string>; includes: Set<string> } {
  let x = sets.get(t);
  if (!x) sets.set(t, (x = { calls: new Set(t.calls), exports: new Set(t.exports), includes: new Set(t.includes) }));
  return x;
}

function matches(t: Trigger, s: FileSummary): boolean {
  if (t.where && !t.where(s.path)) return false;
  if (t.credScopes && s.credScopes) return true;
  const x = setsOf(t);
  if (x.calls.size && s.callees.some((c) => x.calls.has(c))) return true;
  if (t.callsMatching && s.callees.some((c) => t.callsMatching!.test(c))) return true;
  if (x.exports.size && s.exports.some((e) => x.exports.has(e))) return true;
  if (x.includes.size && s.localIncludes.some((i) => x.includes.has(resolveInclude(s.path, i)))) return true;
  return false;
}

/** Could this rule report anything in a file with this summary? Over the summary of a hunk, an over-approximation of one. */
export function relevantTo(rule: RuleDefinition, s: FileSummary): boolean {
  return rule.meta.triggers.some((t) => matches(t, s));
}

/** Does any of these rules find the summary relevant? */
export function anyRelevant(rules: readonly RuleDefinition[], s: FileSummary): boolean {
  return rules.some((r) => relevantTo(r, s));
}

/**
 * Per callee, the `where` tests under which a call to it reaches the rule's
 * call() visitor (undefined: everywhere); `matching`: the name families
 * (Trigger.callsMatching) with theirs.
 */
export type CallDispatch = Map<string, ((path: string) => boolean)[] | undefined> & { matching?: { re: RegExp; where?: (path: string) => boolean }[] };

const dispatchCache = new WeakMap<RuleDefinition, CallDispatch>();

export function callDispatch(rule: RuleDefinition): CallDispatch {
  let d = dispatchCache.get(rule);
  if (d) return d;
  d = new Map();
  for (const t of rule.meta.triggers) {
    if (t.callsMatching) (d.matching ??= []).push({ re: t.callsMatching, ...(t.where ? { where: t.where } : {}) });
    for (const c of t.calls ?? []) {
      if (!t.where) d.set(c, undefined);
      else if (!d.has(c)) d.set(c, [t.where]);
      else d.get(c)?.push(t.where);
    }
  }
  dispatchCache.set(rule, d);
  return d;
}

/** Does a call to `callee` in `path` reach the rule's call() visitor? */
export function dispatches(d: CallDispatch, callee: string, path: string): boolean {
  if (d.matching?.some((m) => m.re.test(callee) && (!m.where || m.where(path)))) return true;
  if (!d.has(callee)) return false;
  const where = d.get(callee);
  return !where || where.some((w) => w(path));
}

/**
 * Callees whose arguments the embedded model keeps: every call a rule
 * triggers on, the calls the indexer reads credentials from, and those the
 * dataflow follows a file through. The model drops the arguments of other
 * calls (kept only for calls into its own functions), so a name missing here
 * would be a silent miss without a tree.
 */
export function modelArgumentCalls(rules: readonly RuleDefinition[]): Set<string> {
  return new Set([
    ...rules.flatMap((r) => r.meta.triggers.flatMap((t) => t.calls ?? [])),
    ...Object.keys(CRED_FORMS),
    ...Object.keys(CRED_REVERTS),
    ...Object.keys(FILE_SETTERS),
    ...Object.keys(FILE_PASSTHROUGH),
  ]);
}
