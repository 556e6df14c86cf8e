// The one module rules import. It gives them the types they see, the
// knowledge base, the graph analyses, and defineRule(). Nothing from the
// engine's internals leaks through here (ESLint's create(context) model).
//
// A rule declares in meta.triggers what it looks at: the calls it reports
// at (or whose presence can change its verdict), the includes and exports
// it reports, whether it reads credential switches. The engine derives from
// them everything that decides what a rule is shown (the prefilter, the
// audit's file selection, the arguments the embedded model keeps), and only
// calls named there reach the rule's call() visitor, so the two cannot
// disagree. Suppression (--allow, triage) is the engine's, for every rule.

import type { CallSite, CodeGraph, FileFacts, FunctionFacts } from '../cgraph/types.js';
import type { Confidence, Level, Related, WitnessStep } from './finding.js';
import type { OriginStep } from '../cgraph/dataflow.js';

export type { CallSite, CodeGraph, CredScope, FileFacts, FileSummary, FunctionFacts, Assignment } from '../cgraph/types.js';
export type { Confidence, Level, Related, WitnessStep } from './finding.js';
export * as kb from '../kb/index.js';
export { normExpr, parseCall, sameExpr, splitMember, splitTernary } from '../cgraph/ctext.js';
export { NEW_CALL_DEPTH } from './review.js';
export { DROPPED_REVERT } from './fill-fragments.js';
export {
  traceFile,
  traceMapping,
  traceMappingClass,
  traceCred,
  classifyFile,
  credStatesAt,
  dominatingCall,
  blockEncloses,
  isOwnFileExpr,
  baseType,
  stackFor,
  type Origin,
  type OriginStep,
  type FileClass,
  type MappingClass,
  type CredState,
  type PathStep,
} from '../cgraph/dataflow.js';

export interface RuleReference {
  title: string;
  url?: string;
}

/**
 * One thing a rule looks at. A file (or the part of a patch) can matter to
 * the rule when any of its triggers matches: it calls one of `calls` (or a
 * name `callsMatching` matches),
 * includes one of `includes`, exports one of `exports`, or switches
 * credentials (`credScopes`), in a file `where` accepts (every file when
 * absent).
 */
export interface Trigger {
  /** Direct callee names and member paths as the indexer records them (`f_op->read_iter`). */
  calls?: readonly string[];
  /** A family of callees by name, for helpers newer than the knowledge base (`backing_file_*()`): they reach call() too. */
  callsMatching?: RegExp;
  /** Includes, as tree paths (`fs/internal.h`, however the file spells it). */
  includes?: readonly string[];
  /** Symbols exported with EXPORT_SYMBOL*(). */
  exports?: readonly string[];
  /** Credential switches (override_creds() and every form src/kb/creds.ts knows). */
  credScopes?: boolean;
  /** Only files this accepts (a stack's own files, the VFS's users...). */
  where?: (path: string) => boolean;
}

export interface RuleMeta<M extends string = string> {
  /** checkpatch-style TYPE, printed with --show-types and used by --types/--ignore/--allow. */
  type: string;
  level: Level;
  /** Confidence of a finding when the whole-tree graph proves it; rules may lower it per finding. */
  confidence: Confidence;
  /** One line, for `kreview explain` listings and SARIF shortDescription. */
  description: string;
  /** Message templates, keyed by messageId; `{{name}}` is replaced by data.name. */
  messages: Record<M, string>;
  /**
   * The same findings asked as a reviewer would in a reply (no line numbers),
   * keyed by messageId; used by `kreview reply` and the TUI's reply draft.
   */
  questions: Record<M, string>;
  references: RuleReference[];
  /** What the rule looks at (see Trigger). */
  triggers: readonly Trigger[];
  /**
   * `path`: a hazard belongs to the call path, not to the line (whose
   * credentials are in force there): a line the patch moves into another
   * function that had the same hazard before is pre-existing, not `moved`,
   * since the patch changed nothing about who runs it. Default `line`: a raw
   * call moved into another function carries its hazard along and is
   * reported as moved (within its own function it stays pre-existing).
   */
  hazardOf?: 'line' | 'path';
}

/** A rule's report: where, what, and the evidence. The engine adds status and position. */
export interface Detection<M extends string = string> {
  messageId: M;
  data?: Record<string, string>;
  at: { file: string; line: number };
  /**
   * What makes this the same finding in the pre-image, in a later patch, or
   * after the code moved to another function: e.g. `f_op->read_iter|file`.
   * The engine scopes it by rule (and by function for exact matches).
   */
  key: string;
  /**
   * The key of the plain hazard at this site when `key` names a more
   * specific story about it (a re-route onto an existing raw call): later
   * patches are matched on this to tell whether the hazard was fixed.
   */
  siteKey?: string;
  /**
   * `key` names a resource (a foreign mapping), not one access to it: when
   * the patch rewrites a line that accessed it into several accesses in the
   * same function, they are the same hazard (pre-existing), not new or moved.
   */
  keyIsResource?: boolean;
  /** The function the finding is in (defaults to the visited function). */
  function?: string;
  /** Whether that function is shown only in part (defaults to the visited function's; for a report held back to end()). */
  partial?: boolean;
  confidence?: Confidence;
  level?: Level;
  witness: WitnessStep[];
  related?: Related[];
}

export interface RuleContext<M extends string = string> {
  /** Which image is being looked at: the engine runs every rule on both and compares. */
  readonly image: 'pre' | 'post';
  readonly graph: CodeGraph;
  /**
   * In the post-image of a patch: calls the patch removed from the functions
   * it changed (present before, gone after). Empty otherwise.
   */
  readonly removedCalls: readonly { fn: FunctionFacts; site: CallSite }[];
  /** In the post-image of a patch: the calls on lines the patch added, in the functions under review. Empty otherwise. */
  readonly addedCalls: readonly { fn: FunctionFacts; site: CallSite }[];
  /**
   * In the post-image of a patch: the same function (name and file) as the
   * pre-image had it, when it was under review there; undefined otherwise
   * (a new function, the pre-image, an audit). What a patch changed inside
   * one function: the credentials an override takes, a switch it drops.
   */
  before(fn: FunctionFacts): FunctionFacts | undefined;
  /** In the post-image of a patch: the pre-image's graph, where `removedCalls` are followed. */
  readonly beforeGraph?: CodeGraph;
  report(d: Detection<M>): void;
}

export interface RuleVisitor {
  /** A call named in the rule's triggers, in a function under review (after function()). */
  call?(site: CallSite, fn: FunctionFacts): void;
  /** Every function under review (changed by the patch, or every function in an audit). */
  function?(fn: FunctionFacts): void;
  /** Every file under review (includes, exports, ...), before any function. */
  file?(file: FileFacts, changedLines: ReadonlySet<number> | undefined): void;
  /** After every function and call of the image: what the rule held back to tell once (reports made here count as the image's). */
  end?(): void;
}

export interface RuleDefinition<M extends string = string> {
  id: string;
  meta: RuleMeta<M>;
  create(ctx: RuleContext<M>): RuleVisitor;
}

/** A rule, with its messageIds checked against its messages (typescript-eslint's typed rule creator). */
export function defineRule<const M extends string>(def: RuleDefinition<M>): RuleDefinition {
  for (const id of Object.keys(def.meta.messages)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(id)) throw new Error(`rule ${def.id}: bad messageId ${id}`);
  }
  if (!def.meta.triggers.length) throw new Error(`rule ${def.id}: meta.triggers names nothing the rule looks at`);
  return def as unknown as RuleDefinition;
}

/** Lower a confidence one step (patch-only mode, name heuristics). */
export function lower(c: Confidence): Confidence {
  return c === 'high' ? 'medium' : 'low';
}

/** Witness lines for where a file or mapping came from (the first step is the expression itself). */
export function originWitness(steps: readonly OriginStep[]): WitnessStep[] {
  return steps.slice(1).map((s) => ({ kind: 'origin' as const, text: `${s.expr} (${s.via}${s.fn ? ` in ${s.fn}()` : ''})`, file: s.file, line: s.line }));
}
