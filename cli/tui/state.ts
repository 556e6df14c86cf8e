// The review TUI's state: a pure reducer over a typed action union. The
// components are views over it; keys are mapped to actions in keymap.ts.
// Nothing here touches the terminal, the disk or the engine.

import type { Finding } from '../../src/engine/finding.js';
import type { CheckResult, PatchReport } from '../../src/engine/result.js';
import { triageKey } from '../../src/engine/triage.js';

export type Pane = 'series' | 'diff' | 'detail';

export interface DiffRow {
  kind: 'file' | 'hunk' | 'add' | 'del' | 'context';
  text: string;
  file?: string;
  /** Post-image line (context and added lines). */
  newLine?: number;
  patchLine?: number;
}

export interface Decision {
  decision: 'accepted' | 'false-positive';
  reason?: string;
}

export interface Comment {
  messageId: string;
  file: string;
  line: number;
  text: string;
}

export interface PatchView {
  report: PatchReport;
  rows: DiffRow[];
  /** Series id: the message id that keys triage (the patch's own). */
  id: string;
}

export interface Prompt {
  kind: 'false-positive' | 'comment';
  text: string;
  /** What the prompt is about: a finding key, or a file:line for comments. */
  findingKey?: string;
  file?: string;
  line?: number;
}

export interface ReviewState {
  phase: 'checking' | 'ready' | 'failed';
  progress: string;
  error?: string;
  patches: PatchView[];
  sel: number;
  focus: Pane;
  /** First visible row of each scrollable pane. */
  seriesTop: number;
  diffTop: number;
  diffCursor: number;
  detailTop: number;
  /** Index into the selected patch's visible findings. */
  finding: number;
  showAll: boolean;
  help: boolean;
  prompt?: Prompt;
  decisions: Record<string, Decision>;
  comments: Comment[];
  status: string;
  width: number;
  height: number;
  quit: boolean;
  /** Set when the view asks for a reply draft; the app writes it and clears it. */
  wantReply: boolean;
}

export type Action =
  | { type: 'progress'; text: string }
  | { type: 'loaded'; result: CheckResult; decisions?: Record<string, Decision>; comments?: Comment[] }
  | { type: 'failed'; message: string }
  | { type: 'resize'; width: number; height: number }
  | { type: 'move'; delta: number }
  | { type: 'page'; delta: number }
  | { type: 'hunk'; delta: number }
  | { type: 'focusNext'; back?: boolean }
  | { type: 'nextFinding'; delta: 1 | -1 }
  | { type: 'open' }
  | { type: 'toggleHelp' }
  | { type: 'toggleAll' }
  | { type: 'accept' }
  | { type: 'startPrompt'; kind: Prompt['kind'] }
  | { type: 'promptInput'; text: string }
  | { type: 'promptBackspace' }
  | { type: 'promptSubmit' }
  | { type: 'promptCancel' }
  | { type: 'reply' }
  | { type: 'replied'; message: string }
  | { type: 'quit' };

export function initialState(width: number, height: number): ReviewState {
  return {
    phase: 'checking',
    progress: 'reading the series',
    patches: [],
    sel: 0,
    focus: 'series',
    seriesTop: 0,
    diffTop: 0,
    diffCursor: 0,
    detailTop: 0,
    finding: 0,
    showAll: false,
    help: false,
    decisions: {},
    comments: [],
    status: '',
    width,
    height,
    quit: false,
    wantReply: false,
  };
}

/** The rows the diff pane shows for a patch: file headers, hunk headers, lines. */
export function diffRows(r: PatchReport): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const f of r.patch.files) {
    const name = f.newPath ?? f.oldPath ?? '?';
    rows.push({ kind: 'file', text: `${f.status === 'modified' ? '' : `${f.status} `}${f.oldPath && f.oldPath !== name ? `${f.oldPath} -> ` : ''}${name}${f.binary ? ' (binary)' : ''}`, file: name });
    for (const h of f.hunks) {
      rows.push({ kind: 'hunk', text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@ ${h.section}`, file: name, patchLine: h.patchLine });
      for (const l of h.lines) {
        const row: DiffRow = { kind: l.kind, text: l.text, file: name, patchLine: l.patchLine };
        if (l.newLine !== undefined) row.newLine = l.newLine;
        rows.push(row);
      }
    }
  }
  return rows;
}

export function visibleFindings(s: ReviewState, p: PatchView | undefined): Finding[] {
  if (!p) return [];
  return p.report.findings.filter((f) => s.showAll || f.status === 'introduced' || f.status === 'moved');
}

export function currentFinding(s: ReviewState): Finding | undefined {
  return visibleFindings(s, s.patches[s.sel])[s.finding];
}

/** Rows of the main area (series and diff panes), given the terminal size. */
export function layout(s: Pick<ReviewState, 'width' | 'height'>): { mainRows: number; detailRows: number; seriesWidth: number } {
  const detailRows = Math.max(5, Math.floor(s.height * 0.32));
  const mainRows = Math.max(3, s.height - detailRows - 1 - 2 - 2); // status line, two borders each
  const seriesWidth = Math.max(22, Math.min(40, Math.floor(s.width * 0.3)));
  return { mainRows, detailRows, seriesWidth };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** Keep `cursor` inside the window [top, top + size). */
function follow(top: number, cursor: number, size: number): number {
  if (cursor < top) return cursor;
  if (cursor >= top + size) return cursor - size + 1;
  return top;
}

function rowOfFinding(p: PatchView, f: Finding | undefined): number {
  if (!f) return 0;
  if (f.patchLine !== undefined) {
    const i = p.rows.findIndex((r) => r.patchLine === f.patchLine);
    if (i >= 0) return i;
  }
  const j = p.rows.findIndex((r) => r.file === f.file && r.newLine === f.line);
  return j >= 0 ? j : 0;
}

/** Select patch `sel` and its finding `finding`, moving the diff to it. */
function select(s: ReviewState, sel: number, finding: number): ReviewState {
  const p = s.patches[sel];
  const { mainRows } = layout(s);
  const f = visibleFindings(s, p)[finding];
  const cursor = p ? rowOfFinding(p, f) : 0;
  return {
    ...s,
    sel,
    finding,
    seriesTop: follow(s.seriesTop, sel, mainRows),
    diffCursor: cursor,
    diffTop: clamp(cursor - Math.floor(mainRows / 3), 0, Math.max(0, (p?.rows.length ?? 0) - 1)),
    detailTop: 0,
  };
}

export function reduce(s: ReviewState, a: Action): ReviewState {
  if (s.prompt && !['promptInput', 'promptBackspace', 'promptSubmit', 'promptCancel', 'resize', 'progress', 'loaded', 'failed', 'replied'].includes(a.type)) return s;
  switch (a.type) {
    case 'progress':
      return { ...s, progress: a.text };
    case 'loaded': {
      const patches: PatchView[] = a.result.inputs.flatMap((inp) =>
        inp.patches.map((report) => ({ report, rows: diffRows(report), id: triageKey(report.patch) })),
      );
      const next: ReviewState = { ...s, phase: 'ready', patches, decisions: a.decisions ?? {}, comments: a.comments ?? [], progress: '' };
      // start on the first patch with something to look at (after the cover letter)
      const first = patches.findIndex((p) => visibleFindings(next, p).length);
      return select(next, first >= 0 ? first : 0, 0);
    }
    case 'failed':
      return { ...s, phase: 'failed', error: a.message };
    case 'resize':
      return { ...s, width: a.width, height: a.height };
    case 'move':
    case 'page': {
      const { mainRows, detailRows } = layout(s);
      const step = a.type === 'page' ? a.delta * Math.max(1, mainRows - 2) : a.delta;
      if (s.focus === 'series') {
        const sel = clamp(s.sel + step, 0, Math.max(0, s.patches.length - 1));
        return sel === s.sel ? s : select(s, sel, 0);
      }
      if (s.focus === 'diff') {
        const p = s.patches[s.sel];
        if (!p) return s;
        const cursor = clamp(s.diffCursor + step, 0, Math.max(0, p.rows.length - 1));
        const findings = visibleFindings(s, p);
        const at = findings.findIndex((f) => rowOfFinding(p, f) === cursor);
        return { ...s, diffCursor: cursor, diffTop: follow(s.diffTop, cursor, mainRows), finding: at >= 0 ? at : s.finding };
      }
      return { ...s, detailTop: Math.max(0, s.detailTop + (a.type === 'page' ? a.delta * detailRows : a.delta)) };
    }
    case 'hunk': {
      const p = s.patches[s.sel];
      if (!p) return s;
      const { mainRows } = layout(s);
      let i = s.diffCursor + a.delta;
      while (i >= 0 && i < p.rows.length && p.rows[i]!.kind !== 'hunk' && p.rows[i]!.kind !== 'file') i += a.delta;
      const cursor = clamp(i, 0, Math.max(0, p.rows.length - 1));
      return { ...s, focus: 'diff', diffCursor: cursor, diffTop: clamp(cursor, 0, Math.max(0, p.rows.length - mainRows)) };
    }
    case 'focusNext': {
      const order: Pane[] = ['series', 'diff', 'detail'];
      const i = order.indexOf(s.focus);
      return { ...s, focus: order[(i + (a.back ? 2 : 1)) % 3]! };
    }
    case 'nextFinding': {
      // across the series: the next visible finding after the current one
      const n = s.patches.length;
      let sel = s.sel;
      let idx = s.finding + a.delta;
      for (let guard = 0; guard <= n; guard++) {
        const count = visibleFindings(s, s.patches[sel]).length;
        if (idx >= 0 && idx < count) return { ...select(s, sel, idx), status: '' };
        sel = (sel + a.delta + n) % n;
        idx = a.delta > 0 ? 0 : visibleFindings(s, s.patches[sel]).length - 1;
      }
      return { ...s, status: s.showAll ? 'no findings in this series' : "no findings that count (press 't' to show all)" };
    }
    case 'open':
      if (s.focus === 'series') return { ...s, focus: 'diff' };
      if (s.focus === 'diff') return { ...s, focus: 'detail', detailTop: 0 };
      return s;
    case 'toggleHelp':
      return { ...s, help: !s.help };
    case 'toggleAll': {
      const t = { ...s, showAll: !s.showAll };
      return { ...select(t, s.sel, 0), status: t.showAll ? 'showing all findings (pre-existing, fixed later)' : 'showing findings that count' };
    }
    case 'accept': {
      const f = currentFinding(s);
      if (!f) return { ...s, status: 'no finding selected' };
      return { ...s, decisions: { ...s.decisions, [f.key]: { decision: 'accepted' } }, status: `accepted: ${f.type}` };
    }
    case 'startPrompt': {
      if (a.kind === 'false-positive') {
        const f = currentFinding(s);
        if (!f) return { ...s, status: 'no finding selected' };
        return { ...s, prompt: { kind: a.kind, text: '', findingKey: f.key } };
      }
      const p = s.patches[s.sel];
      const row = p?.rows[s.diffCursor];
      const f = currentFinding(s);
      const file = row?.newLine !== undefined ? row.file : f?.file;
      const line = row?.newLine ?? f?.line;
      if (!file || line === undefined) return { ...s, status: 'move to a line of the diff to comment on it' };
      return { ...s, prompt: { kind: a.kind, text: '', file, line } };
    }
    case 'promptInput':
      return s.prompt ? { ...s, prompt: { ...s.prompt, text: s.prompt.text + a.text } } : s;
    case 'promptBackspace':
      return s.prompt ? { ...s, prompt: { ...s.prompt, text: s.prompt.text.slice(0, -1) } } : s;
    case 'promptCancel':
      return { ...s, prompt: undefined, status: 'cancelled' } as ReviewState;
    case 'promptSubmit': {
      const pr = s.prompt;
      if (!pr) return s;
      const rest = { ...s, prompt: undefined } as ReviewState;
      if (pr.kind === 'false-positive' && pr.findingKey) {
        const d: Decision = { decision: 'false-positive', ...(pr.text.trim() ? { reason: pr.text.trim() } : {}) };
        return { ...rest, decisions: { ...s.decisions, [pr.findingKey]: d }, status: 'marked as a false positive; later checks of this patch will not report it' };
      }
      if (pr.kind === 'comment' && pr.file && pr.line !== undefined && pr.text.trim()) {
        const p = s.patches[s.sel]!;
        return { ...rest, comments: [...s.comments, { messageId: p.id, file: pr.file, line: pr.line, text: pr.text.trim() }], status: `comment added on ${pr.file}:${pr.line}` };
      }
      return { ...rest, status: 'nothing added' };
    }
    case 'reply':
      return { ...s, wantReply: true, status: 'writing the reply draft' };
    case 'replied':
      return { ...s, wantReply: false, status: a.message };
    case 'quit':
      return { ...s, quit: true };
  }
}
