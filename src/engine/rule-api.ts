// The one module rules import. It gives them the types they see, the
// knowledge base, the graph analyses, and defineRule(). Nothing from the
// engine's internals leaks through here (ESLint's create(context) model).

import type { CallSite, CodeGraph, FileFacts, FileSummary, FunctionFacts } from '../cgraph/types.js';
import type { Confidence, Level, Related, WitnessStep } from './finding.js';
import type { OriginStep } from '../cgraph/dataflow.js';

export type { CallSite, CodeGraph, CredScope, FileFacts, FileSummary, FunctionFacts, Assignment } from '../cgraph/types.js';
export type { Confidence, Level, Related, WitnessStep } from './finding.js';
export * as kb from '../kb/index.js';
export {
  traceFile,
  traceMapping,
  traceMappingClass,
  classifyFile,
  credStatesAt,
  dominatingCall,
  blockEncloses,
  normExpr,
  sameExpr,
  isOwnFileExpr,
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

export interface RuleMeta {
  /** checkpatch-style TYPE, printed with --show-types and used by --types/--ignore. */
  type: string;
  level: Level;
  /** Confidence of a finding when the whole-tree graph proves it; rules may lower it per finding. */
  confidence: Confidence;
  /** One line, for `kreview explain` listings and SARIF shortDescription. */
  description: string;
  /** Message templates, keyed by messageId; `{{name}}` is replaced by data.name. */
  messages: Record<string, string>;
  /**
   * The same findings asked as a reviewer would in a reply (no line numbers),
   * keyed by messageId; used by `kreview reply` and the TUI's reply draft.
   */
  questions?: Record<string, string>;
  references: RuleReference[];
}

/** A rule's report: where, what, and the evidence. The engine adds status and position. */
export interface Detection {
  messageId: string;
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
  /** The function the finding is in (defaults to the visited function). */
  function?: string;
  confidence?: Confidence;
  level?: Level;
  witness: WitnessStep[];
  related?: Related[];
}

export interface RuleSettings {
  /** `file:function` or `file` patterns (globs with `*`) whose findings of this rule are accepted practice. */
  allow: string[];
}

export interface RuleContext {
  /** Which image is being looked at: the engine runs every rule on both and compares. */
  readonly image: 'pre' | 'post';
  /** tree: a real kernel tree is indexed; patch-only: hunks joined with the embedded model; audit: whole functions, no patch. */
  readonly mode: 'tree' | 'patch-only' | 'audit';
  readonly graph: CodeGraph;
  readonly settings: RuleSettings;
  /**
   * In the post-image of a patch: calls the patch removed from the functions
   * it changed (present before, gone after). Empty otherwise.
   */
  readonly removedCalls: readonly { fn: FunctionFacts; site: CallSite }[];
  report(d: Detection): void;
}

export interface RuleVisitor {
  /** Called for every function under review (changed by the patch, or every function in audit). */
  function?(fn: FunctionFacts): void;
  /** Called once for every file under review (includes, exports, ...). */
  file?(file: FileFacts, changedLines: ReadonlySet<number> | undefined): void;
}

export interface RuleDefinition {
  id: string;
  meta: RuleMeta;
  create(ctx: RuleContext): RuleVisitor;
  /**
   * Could this rule report anything in this file? A cheap test on the file's
   * summary; the audit skips files no enabled rule finds relevant (they are
   * still loaded when the graph needs them as callers, ops tables, ...).
   * Must be true whenever unsure; a rule without it sees every file.
   */
  relevant?(file: FileSummary): boolean;
}

export function defineRule(def: RuleDefinition): RuleDefinition {
  for (const id of Object.keys(def.meta.messages)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(id)) throw new Error(`rule ${def.id}: bad messageId ${id}`);
  }
  return def;
}

/** Lower a confidence one step (patch-only mode, name heuristics). */
export function lower(c: Confidence): Confidence {
  return c === 'high' ? 'medium' : 'low';
}

/** Witness lines for where a file or mapping came from (the first step is the expression itself). */
export function originWitness(steps: readonly OriginStep[]): WitnessStep[] {
  return steps.slice(1).map((s) => ({ kind: 'origin' as const, text: `${s.expr} (${s.via}${s.fn ? ` in ${s.fn}()` : ''})`, file: s.file, line: s.line }));
}
