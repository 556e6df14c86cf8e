// Builds git format-patch text from before/after file contents, so test
// cases are written as edits of the synthetic tree and their patches are
// always consistent with it. The generated patches are kept as fixtures
// (toMatchFileSnapshot), so reviewers read them as plain patches.

import { blobId } from '../../src/tree/base.js';

export interface FileEdit {
  path: string;
  /** null: a new file. */
  before: string | null;
  /** null: a deleted file. */
  after: string | null;
}

export interface PatchMeta {
  subject: string;
  index?: number;
  total?: number;
  version?: number;
  from?: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  baseCommit?: string;
  /** The index line names the files' real git blob ids, as git format-patch writes it (default: placeholders). */
  realIndex?: boolean;
  /** Lines of context, as `git format-patch -U<n>` (default 3). */
  context?: number;
}

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Line diff (LCS; fine for the small files tests use). */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i]! });
      i++;
      j++;
    } else if (i < n && (j >= m || dp[i + 1]![j]! >= dp[i]![j + 1]!)) ops.push({ kind: '-', text: a[i++]! });
    else ops.push({ kind: '+', text: b[j++]! });
  }
  return ops;
}

function lines(t: string | null): string[] {
  if (t === null || t === '') return [];
  const l = t.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** Unified diff hunks with `ctx` lines of context. */
export function unifiedHunks(before: string | null, after: string | null, ctx = 3): string {
  const ops = diffLines(lines(before), lines(after));
  const changes = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (!changes.length) return '';
  // group changes whose context overlaps
  const groups: [number, number][] = [];
  for (const k of changes) {
    const g = groups[groups.length - 1];
    if (g && k - g[1] <= ctx * 2) g[1] = k;
    else groups.push([k, k]);
  }
  let out = '';
  for (const [s, e] of groups) {
    const from = Math.max(0, s - ctx);
    const to = Math.min(ops.length - 1, e + ctx);
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < from; k++) {
      if (ops[k]!.kind !== '+') oldStart++;
      if (ops[k]!.kind !== '-') newStart++;
    }
    const body = ops.slice(from, to + 1);
    const oldN = body.filter((o) => o.kind !== '+').length;
    const newN = body.filter((o) => o.kind !== '-').length;
    const section = functionContext(ops.slice(0, from).filter((o) => o.kind !== '+').map((o) => o.text));
    out += `@@ -${oldN ? oldStart : oldStart - 1},${oldN} +${newN ? newStart : newStart - 1},${newN} @@${section ? ' ' + section : ''}\n`;
    for (const o of body) out += `${o.kind}${o.text}\n`;
  }
  return out;
}

/** git's default funcname: the last line before the hunk that starts with a letter, `_` or `$`. */
function functionContext(before: string[]): string {
  for (let k = before.length - 1; k >= 0; k--) if (/^[A-Za-z_$]/.test(before[k]!)) return before[k]!.slice(0, 80);
  return '';
}

export function makePatch(edits: FileEdit[], meta: PatchMeta): string {
  const n = meta.index ?? 1;
  const total = meta.total ?? 1;
  const tags = ['PATCH', meta.version && meta.version > 1 ? `v${meta.version}` : '', total > 1 ? `${n}/${total}` : ''].filter(Boolean).join(' ');
  let text =
    `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n` +
    `From: ${meta.from ?? 'Test Developer <dev@example.org>'}\n` +
    `Date: Mon, 2 Nov 2026 10:00:00 +0100\n` +
    `Subject: [${tags}] ${meta.subject}\n` +
    (meta.messageId ? `Message-Id: <${meta.messageId}>\n` : '') +
    (meta.inReplyTo ? `In-Reply-To: <${meta.inReplyTo}>\nReferences: <${meta.inReplyTo}>\n` : '') +
    `\n${meta.body ?? meta.subject + '.'}\n\nSigned-off-by: ${meta.from ?? 'Test Developer <dev@example.org>'}\n---\n`;
  for (const e of edits) {
    const a = e.before === null ? '/dev/null' : `a/${e.path}`;
    const b = e.after === null ? '/dev/null' : `b/${e.path}`;
    text += `diff --git a/${e.path} b/${e.path}\n`;
    if (e.before === null) text += 'new file mode 100644\n';
    if (e.after === null) text += 'deleted file mode 100644\n';
    const ids = meta.realIndex ? `${e.before === null ? '0000000' : blobId(e.before).slice(0, 12)}..${e.after === null ? '0000000' : blobId(e.after).slice(0, 12)}` : '1111111..2222222';
    text += `index ${ids}${e.before !== null && e.after !== null ? ' 100644' : ''}\n--- ${a}\n+++ ${b}\n`;
    text += unifiedHunks(e.before, e.after, meta.context);
  }
  if (meta.baseCommit) text += `\nbase-commit: ${meta.baseCommit}\n`;
  return text + '-- \n2.47.0\n';
}
