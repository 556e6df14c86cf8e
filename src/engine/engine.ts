// Runs rules over one image (pre or post) of the functions under review, and
// turns the detections of both images into Findings with a status.

import type { CallSite, CodeGraph, FileFacts, FunctionFacts } from '../cgraph/types.js';
import type { Confidence, Finding, FindingStatus, Level, WitnessStep } from './finding.js';
import type { Detection, RuleContext, RuleDefinition } from './rule-api.js';
import { callDispatch, dispatches } from './triggers.js';

export interface ImageUnderReview {
  image: 'pre' | 'post';
  graph: CodeGraph;
  functions: FunctionFacts[];
  files: { facts: FileFacts; changedLines: ReadonlySet<number> | undefined }[];
  removedCalls: { fn: FunctionFacts; site: CallSite }[];
  addedCalls: { fn: FunctionFacts; site: CallSite }[];
  /** In the post-image of a patch: the functions under review in the pre-image. */
  before?: readonly FunctionFacts[];
  /** In the post-image of a patch: the pre-image's graph (where the removed calls lived). */
  beforeGraph?: CodeGraph;
}

/** A detection with the rule that made it, and the function it was found in. */
export interface RawDetection extends Detection {
  rule: RuleDefinition;
  fn?: string;
  /** Set when the rule threw: the engine's own finding. */
  internal?: string;
  /** The function was only partly seen (a hunk fragment). */
  partial?: boolean;
}

export interface EngineOptions {
  /** `--allow TYPE:PATH[:FUNCTION]` patterns per TYPE: findings there are accepted practice, for every rule. */
  allow?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Run every rule over one image: file visitors, then per function its
 * function visitor and a call visitor per call its triggers name. A rule
 * that throws yields one internal detection; the others still run.
 * Detections `--allow` accepts are dropped here, for every rule alike.
 */
export function runImage(rules: RuleDefinition[], img: ImageUnderReview, opts: EngineOptions = {}): RawDetection[] {
  const out: RawDetection[] = [];
  for (const rule of rules) {
    let current: FunctionFacts | undefined;
    let currentFile: string | undefined;
    const allowed = allowTest(opts.allow?.get(rule.meta.type));
    const ctx: RuleContext = {
      image: img.image,
      graph: img.graph,
      removedCalls: img.removedCalls,
      addedCalls: img.addedCalls,
      before: (fn) => img.before?.find((f) => f.name === fn.name && f.file === fn.file),
      ...(img.beforeGraph ? { beforeGraph: img.beforeGraph } : {}),
      report(d: Detection) {
        const fn = d.function ?? current?.name;
        if (allowed && allowed(d.at.file, fn)) return;
        const { partial, ...rest } = d;
        out.push({ ...rest, rule, fn, ...((partial ?? current?.partial) ? { partial: true } : {}) });
      },
    };
    try {
      const v = rule.create(ctx);
      if (v.file) for (const f of img.files) { currentFile = f.facts.path; v.file(f.facts, f.changedLines); }
      currentFile = undefined;
      const calls = v.call ? callDispatch(rule) : undefined;
      if (v.function || calls) {
        for (const fn of img.functions) {
          current = fn;
          v.function?.(fn);
          if (calls) for (const site of fn.calls) if (dispatches(calls, site.callee, fn.file)) v.call!(site, fn);
        }
      }
      current = undefined;
      v.end?.();
    } catch (err) {
      const where = current ? `${current.file}:${current.line}` : currentFile ?? '';
      out.push({
        rule,
        internal: `rule ${rule.id} failed${where ? ` at ${where}` : ''}: ${(err as Error)?.message ?? String(err)}`,
        messageId: 'internal',
        at: { file: current?.file ?? currentFile ?? '', line: current?.line ?? 0 },
        key: `internal|${(err as Error)?.message ?? ''}`,
        witness: [],
      });
    }
  }
  return out;
}

/** `--allow` patterns: `path` or `path:function`, `*` matching anything. Undefined when there are none. */
export function allowTest(patterns: readonly string[] | undefined): ((file: string, fn: string | undefined) => boolean) | undefined {
  if (!patterns?.length) return undefined;
  const pats = patterns.map((pat) => {
    const i = pat.indexOf(':');
    return { file: i < 0 ? pat : pat.slice(0, i), fn: i < 0 ? undefined : pat.slice(i + 1) };
  });
  return (file, fn) => pats.some((p) => globMatch(p.file, file) && (p.fn === undefined || (fn !== undefined && globMatch(p.fn, fn))));
}

/**
 * Does `s` match `pattern`, where `*` matches any run of characters? The
 * usual two-pointer match (back to the last `*` on a mismatch): at most
 * pattern x text steps. As a regular expression (`^a.*b.*c$`) each `*` was
 * another nested loop over the text, and the text is a path from a patch.
 */
export function globMatch(pattern: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let star = -1;
  let mark = 0;
  while (i < s.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === s[i]) {
      p++;
      i++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = i;
    } else if (star >= 0) {
      p = star + 1;
      i = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export interface PostLineInfo {
  /** Is this post-image line added by the patch, context in a hunk, or untouched? */
  lineKind(file: string, line: number): { kind: 'add' | 'context' | 'untouched'; patchLine?: number; text?: string };
  /** Pre-image detections on removed lines can explain a "moved" post detection. */
  preLineRemoved(file: string, line: number): boolean;
  /** Did the patch remove a line that reads like this one (white space aside)? Then an added line was moved, not written. */
  removedSameText(text: string): boolean;
  /** Whether the file's post-image was rebuilt from the patch text. */
  fromPatchText(file: string): boolean;
  /** The post-image source line, for files that have one. */
  sourceLine(file: string, line: number): string | undefined;
}

export function exactKey(d: RawDetection): string {
  return `${d.rule.id}|${d.fn ?? ''}|${d.key}`;
}
export function moveKey(d: RawDetection): string {
  return `${d.rule.id}|${d.key}`;
}
const exactKeyOf = exactKey;
const moveKeyOf = moveKey;

/**
 * The functions a patch renamed: a name the pre-image defines in a file and the
 * post-image no longer does, paired with one the post-image defines there and the
 * pre-image did not, where the two make the same calls. New name -> old name.
 */
export function renamedFunctions(pre: readonly FunctionFacts[], post: readonly FunctionFacts[], preGraph: CodeGraph, postGraph: CodeGraph): Map<string, string> {
  const out = new Map<string, string>();
  const callees = (f: FunctionFacts): string => f.calls.filter((c) => c.kind === 'direct').map((c) => c.callee).join(',');
  const gone = pre.filter((f) => !postGraph.file(f.file)?.functions.some((g) => g.name === f.name));
  const fresh = post.filter((f) => !preGraph.file(f.file)?.functions.some((g) => g.name === f.name));
  for (const f of fresh) {
    const was = gone.filter((g) => g.file === f.file && g.params.length === f.params.length && callees(g) === callees(f));
    if (was.length === 1 && !out.has(f.name)) out.set(f.name, was[0]!.name);
  }
  return out;
}

/**
 * Classify post-image detections against pre-image ones:
 * same rule+function+key before -> preexisting (or moved, if its line is new);
 * same rule+key on a removed line of another function -> moved;
 * otherwise introduced.
 */
export function classify(pre: RawDetection[], post: RawDetection[], lines: PostLineInfo, renamed: ReadonlyMap<string, string> = new Map()): { d: RawDetection; status: FindingStatus }[] {
  // a post-image detection's keys spelt with the names the functions had before the patch
  // renamed them (keys name the functions on a path): the same hazard is the same key
  const old = (k: string): string => (renamed.size ? k.replace(/[A-Za-z_]\w*/g, (w) => renamed.get(w) ?? w) : k);
  const exactKey = (d: RawDetection): string => old(exactKeyOf(d));
  const moveKey = (d: RawDetection): string => old(moveKeyOf(d));
  const exact = multiset(pre.filter((d) => !d.internal).map(exactKeyOf));
  // the function's own hazards whose line the patch rewrote
  const rewritten = new Set(pre.filter((d) => !d.internal && lines.preLineRemoved(d.at.file, d.at.line)).map(exactKeyOf));
  const anywhere = multiset(pre.filter((d) => !d.internal).map(moveKeyOf));
  const movable = multiset(pre.filter((d) => !d.internal && lines.preLineRemoved(d.at.file, d.at.line)).map(moveKeyOf));
  const out: { d: RawDetection; status: FindingStatus }[] = [];
  // exact matches first so a moved match cannot steal them
  const pending: RawDetection[] = [];
  for (const d of post) {
    if (d.internal) {
      out.push({ d, status: 'introduced' });
      continue;
    }
    if (take(exact, exactKey(d))) {
      take(anywhere, moveKey(d));
      // the hazard was there before, in the same function: pre-existing, also where the patch
      // re-indents or reorders its line (under a new branch, out of a lock): code carries its
      // hazard into a *new* function as moved (below), not within its own
      out.push({ d, status: 'preexisting' });
    } else pending.push(d);
  }
  for (const d of pending) {
    const info = lines.lineKind(d.at.file, d.at.line);
    // the patch rewrote an access to a resource into several (read_mapping_folio() into
    // filemap_grab_folio() and ->read_folio() on the same mapping): the same hazard
    if (d.keyIsResource && rewritten.has(exactKey(d))) {
      out.push({ d, status: 'preexisting' });
      continue;
    }
    // carried into another function (factored out, renamed): moved, even if the line was edited on the way
    if (info.kind === 'add' && take(movable, moveKey(d))) out.push({ d, status: movedStatus(d) });
    // a line the patch did not touch, in a function it renamed: the same hazard as before
    else if (info.kind !== 'add' && take(anywhere, moveKey(d))) out.push({ d, status: 'preexisting' });
    else out.push({ d, status: 'introduced' });
  }
  return out;
}

/** A moved line's status: moved, or pre-existing for a rule whose hazards are the call path's. */
function movedStatus(d: RawDetection): FindingStatus {
  return d.rule.meta.hazardOf === 'path' ? 'preexisting' : 'moved';
}

function multiset(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
function take(m: Map<string, number>, k: string): boolean {
  const n = m.get(k) ?? 0;
  if (!n) return false;
  m.set(k, n - 1);
  return true;
}

/** Render `{{name}}` placeholders. */
export function renderMessage(template: string, data: Record<string, string> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => data?.[k] ?? `{{${k}}}`);
}

export function toFinding(d: RawDetection, status: FindingStatus, lines: PostLineInfo, lowerConfidence: boolean): Finding {
  const info = lines.lineKind(d.at.file, d.at.line);
  const level: Level = d.internal ? 'ERROR' : d.level ?? d.rule.meta.level;
  let confidence: Confidence = d.internal ? 'high' : d.confidence ?? d.rule.meta.confidence;
  const fromPatch = lines.fromPatchText(d.at.file) || !!d.partial;
  // one step lower when only the patch text (no whole function, no tree) backs it
  if (lowerConfidence || fromPatch) confidence = confidence === 'high' ? 'medium' : 'low';
  const message = d.internal ?? renderMessage(d.rule.meta.messages[d.messageId] ?? d.messageId, d.data);
  const text = info.text ?? lines.sourceLine(d.at.file, d.at.line);
  const witness: WitnessStep[] = d.witness;
  return {
    rule: d.internal ? 'internal' : d.rule.id,
    type: d.internal ? 'KREVIEW_INTERNAL' : d.rule.meta.type,
    level,
    messageId: d.messageId,
    message,
    data: d.data ?? {},
    file: d.at.file,
    line: d.at.line,
    ...(info.patchLine !== undefined ? { patchLine: info.patchLine } : {}),
    ...(text !== undefined ? { lineText: info.kind === 'add' ? `+${text}` : info.kind === 'context' ? ` ${text}` : text } : {}),
    ...(d.fn ? { function: d.fn } : {}),
    confidence,
    status,
    ...(fromPatch ? { fromPatchText: true } : {}),
    witness,
    related: d.related ?? [],
    key: exactKey(d),
  };
}

/**
 * One finding per rule and line: the first reported with the best status wins
 * (a rule reports its most specific detection first), so an introduced
 * finding hides a preexisting shadow of itself.
 */
export function dedupe(findings: Finding[]): Finding[] {
  const rank: Record<FindingStatus, number> = { introduced: 0, moved: 1, 'fixed-later': 2, preexisting: 3 };
  const best = new Map<string, Finding>();
  for (const f of findings) {
    const site = `${f.rule}|${f.file}|${f.line}`;
    const prev = best.get(site);
    if (!prev || rank[f.status] < rank[prev.status]) best.set(site, f);
  }
  return [...best.values()];
}
