// The code graph: facts the C indexer extracts per function, and the queries
// rules ask of them. Facts are plain JSON-able data: they are cached per file
// and shipped (compacted) as the embedded model.

export interface Variable {
  name: string;
  /** Declared type as written, whitespace-normalised: `struct file *`, `const struct cred *`. */
  type: string;
  line: number;
}

export type CallKind =
  | 'direct' // foo(...)
  | 'member' // x->f_op->read_iter(...), mapping->a_ops->read_folio(...)
  | 'pointer'; // (*fn)(...), cb(...) where cb is a variable: callee is the expression text

export interface CallSite {
  /**
   * `vfs_iocb_iter_read` for a direct call. For a call through an ops table,
   * the path from the ops member on: `f_op->read_iter`, `a_ops->read_folio`,
   * `s_op->statfs`. Otherwise the callee expression text.
   */
  callee: string;
  kind: CallKind;
  /**
   * For member calls: the object the ops table hangs off, as written:
   * `file` for `file->f_op->read_iter(...)`, `iocb->ki_filp` for
   * `iocb->ki_filp->f_op->write_iter(...)`, `mapping` for
   * `mapping->a_ops->read_folio(...)`.
   */
  receiver?: string;
  /** Argument texts, whitespace collapsed to single spaces. */
  args: string[];
  line: number;
  /**
   * Path of the blocks enclosing the call, outermost first, e.g. `0.3.7`.
   * Every compound statement, if/else branch, loop body, switch case and
   * macro block gets its own id, unique within the function. A call A
   * dominates call B (as far as kreview approximates it) when A comes first
   * and A's block is B's block or an ancestor of it.
   */
  block: string;
  /** Indices into FunctionFacts.credScopes in force at this call, outermost first. */
  creds: number[];
  /** The condition of the innermost `if` whose branch holds the call (`!(cond)` in its else), whitespace collapsed. */
  guard?: string;
  /** The line that condition starts on. */
  guardLine?: number;
}

export type CredScopeKind =
  /** `old = override_creds(c)` ... `revert_creds(old)`: must be undone on every path. */
  | 'override'
  /** Ends with its block: `scoped_with_creds(c) {}`, `with_creds(c);`, `CLASS(override_creds, ..)(c)`, `guard(...)`, the ovl scoped forms. */
  | 'scoped'
  /** cachefiles_begin_secure(cache, &saved) ... cachefiles_end_secure(cache, saved). */
  | 'paired';

export interface CredLeak {
  /**
   * Line of the `return`, `goto` or closing brace that leaves the region without
   * reverting; a `break` out of the loop or switch that holds the revert, on to
   * a way out; a `continue` past the revert to the loop's next switch.
   */
  line: number;
  kind: 'return' | 'goto' | 'end' | 'break' | 'continue';
  text: string;
}

export interface CredScope {
  /** The API as written: `override_creds`, `scoped_with_creds`, `with_kernel_creds`, `with_ovl_creds`, `CLASS(override_creds)`, ... */
  api: string;
  kind: CredScopeKind;
  /**
   * The credential expression as written (`buf->file->f_cred`, `ff->cred`,
   * `ovl_creds(sb)`), or `kernel` for the kernel-cred forms. overlayfs forms
   * that take a superblock are normalised to `ovl_creds(<sb>)`.
   */
  cred: string;
  /** First and last line the scope covers. */
  startLine: number;
  endLine: number;
  /** For `override`/`paired`: the line of the matching revert, if any. */
  revertLine?: number;
  /** The variable that holds the previous credentials (`old_cred`). */
  saved?: string;
  /** `put_cred(override_creds(x))` inside another override (overlayfs pre-6.14 idiom): undone by the outer revert. */
  nested?: boolean;
  /** Ways out of an `override`/`paired` region that skip the revert. Empty when balanced. */
  leaks: CredLeak[];
  /**
   * Labels past the revert that a `goto` from inside the region would reach
   * without reverting (`fail_creds:` below `revert_creds()`): a hunk that adds
   * such a goto leaks though it shows neither the label nor the revert.
   */
  exitLabels?: string[];
  /** Block path (see CallSite.block) the scope statement sits in. */
  block: string;
}

export interface Assignment {
  /** Left side as written (`buf->mapping`, `file`, `iocb.ki_filp`). */
  lhs: string;
  /** Right side as written, whitespace collapsed. */
  rhs: string;
  line: number;
  /** Set when this is a declaration with an initialiser: the declared type. */
  declType?: string;
}

export interface FunctionFacts {
  name: string;
  /** Tree-relative path. */
  file: string;
  line: number;
  endLine: number;
  static: boolean;
  /** Return type as written. */
  returns: string;
  params: Variable[];
  locals: Variable[];
  calls: CallSite[];
  credScopes: CredScope[];
  assigns: Assignment[];
  /**
   * What a function returning a file, mapping or credentials returns: each
   * `return EXPR;` but constants and error pointers (the dataflow follows a
   * helper's result into its body).
   */
  rets?: { expr: string; line: number }[];
  /**
   * Every way out of the body before its end: a number is a `return` on that
   * line, a pair a `goto` and its label. Without a tree, a switch a patch
   * adds is checked against the exits on the lines its hunks do not show.
   */
  exits?: (number | [number, string])[];
  /** Labels and their lines. */
  labels?: [string, number][];
  /** The body was only partly visible (patch-only mode, a hunk fragment). */
  partial?: boolean;
  /** For a partial function: the fragment starts at the function's head, so nothing above the visible code is missing. */
  headSeen?: boolean;
  /** For a partial function seen in several hunks: the lines between them, which the patch does not show. */
  hidden?: { from: number; to: number }[];
  /**
   * For a partial function: the lines the patch does not show were taken
   * from the model's same function, which lines up with the hunks
   * (src/engine/fill-fragments.ts): its calls are all there, and the
   * model's credential scopes that survive the patch.
   */
  filled?: boolean;
  /**
   * For a filled function: every credential scope of the model's function
   * was placed in this image, so the lines the patch does not show have a
   * known credential state.
   */
  credsKnown?: boolean;
}

export interface IncludeDirective {
  path: string;
  system: boolean;
  line: number;
}

export interface ExportDirective {
  name: string;
  macro: string;
  line: number;
}

/** A designated-initialiser ops table: `static const struct file_operations ovl_file_operations = { .read_iter = ovl_read_iter, ... }`. */
export interface OpsTable {
  struct: string;
  name: string;
  line: number;
  /** slot -> function name */
  slots: Record<string, string>;
}

/** A function handed to the workqueue/kthread APIs: it runs in a kworker, with kernel credentials. */
export interface WorkFn {
  fn: string;
  api: string;
  line: number;
  /** The function that registered it. */
  in?: string;
}

export interface FileFacts {
  /** Facts format; bump when extraction changes so caches rebuild. */
  version: number;
  path: string;
  /** sha1 of the text the facts came from. */
  hash: string;
  /** The git blob id of that text: the embedded model's files have it, to match a patch's `index` line. */
  blob?: string;
  functions: FunctionFacts[];
  includes: IncludeDirective[];
  exports: ExportDirective[];
  opsTables: OpsTable[];
  workFns: WorkFn[];
  /** Number of ERROR/MISSING nodes tree-sitter reported (a hint for confidence). */
  parseErrors: number;
}

/**
 * What a file offers the graph and the rules, without its facts: the names
 * under which a graph query would need the file, and what a rule's
 * `relevant()` test looks at. Kept per file in the tree manifest, so a warm
 * audit loads the facts of only the files it needs.
 */
export interface FileSummary {
  path: string;
  /** Functions defined. */
  defs: string[];
  /** Direct callees and member calls (`f_op->read_iter`), each once. */
  callees: string[];
  /** Fields assigned (`->mapping`, `.file`). */
  fields: string[];
  /** Functions named in ops tables. */
  slots: string[];
  /** Functions registered as kworkers. */
  work: string[];
  /** Non-system #include paths. */
  localIncludes: string[];
  /** EXPORT_SYMBOL*() names. */
  exports: string[];
  /** Some function overrides credentials. */
  credScopes: boolean;
  /** The last line of the last function (lines checked). */
  lines: number;
  functions: number;
}

export interface CallerEdge {
  caller: FunctionFacts;
  site: CallSite;
}

export interface CallPath {
  /** Functions from the start to the end, each with the call site used to reach the next. */
  steps: { fn: FunctionFacts; site?: CallSite }[];
}

/** Read-only queries over a set of FileFacts. */
export interface CodeGraph {
  /** All definitions of a name (a static function may exist in several files). */
  functions(name: string): FunctionFacts[];
  /** The definition in a given file, or the only non-static one. */
  resolve(name: string, fromFile?: string): FunctionFacts | undefined;
  allFunctions(): Iterable<FunctionFacts>;
  file(path: string): FileFacts | undefined;
  files(): Iterable<FileFacts>;
  callers(name: string): CallerEdge[];
  callees(fn: FunctionFacts): { site: CallSite; target: FunctionFacts | undefined }[];
  /** Call paths from `from` to `to`, at most `maxDepth` calls long. */
  paths(from: string, to: string, maxDepth: number): CallPath[];
  /** Every assignment anywhere whose left side ends in `->field` or `.field`. */
  fieldAssignments(field: string): { fn: FunctionFacts; assign: Assignment }[];
  /** Ops tables that name this function, with the slot (`read_iter`). */
  opsSlots(fnName: string): { table: OpsTable; slot: string; file: string }[];
  /** Registrations that make this function run from a kworker. */
  workRegistrations(fnName: string): (WorkFn & { file: string })[];
  /** A graph where these files' facts replace (or add to) the current ones and `removed` paths are gone. Cheap: layers, does not rebuild. */
  withFiles(replaced: FileFacts[], removed?: string[]): CodeGraph;
}
