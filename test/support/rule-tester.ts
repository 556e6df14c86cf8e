// A RuleTester in the spirit of ESLint's: a case is a series of edits to the
// synthetic kernel tree (test/fixtures/ktree); the tester turns them into
// format-patch text and checks the series through the path `kreview check`
// takes (threads, a Base, the prefilter, both images, the engine), with the
// synthetic tree as the tree (or, in patch-only cases, as the model). It
// returns the findings and the rendered text, and asserts that every
// detection lies in a file its rule's triggers call relevant.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { extractFileFacts } from '../../src/cgraph/extract/index.js';
import { GraphCache, ModelBase, TreeBase } from '../../src/engine/base.js';
import type { Finding } from '../../src/engine/finding.js';
import { loadRules } from '../../src/engine/registry.js';
import type { CheckResult, PatchReport } from '../../src/engine/result.js';
import { checkThread } from '../../src/engine/thread.js';
import { parseInputText, threadsOf } from '../../src/patch/input.js';
import { formatText } from '../../src/report/checkpatch.js';
import { makePatch, type PatchMeta } from './make-patch.js';
import { MemoryTree } from './memory-tree.js';
import { blobId } from '../../src/tree/base.js';

const KTREE = fileURLToPath(new URL('../fixtures/ktree', import.meta.url));

let ktree: Record<string, string> | undefined;
export function loadKtree(): Record<string, string> {
  if (ktree) return ktree;
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.[ch]$/.test(n)) out[relative(KTREE, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(KTREE);
  return (ktree = out);
}

/** One patch of a case: edits as (path, text transform) pairs, or whole new files. */
export interface PatchSpec extends PatchMeta {
  edit: Record<string, ((text: string) => string) | string | null>;
}

export interface RuleCase {
  /** The kernel idiom the case covers. */
  name: string;
  /** Extra or replaced files in the synthetic tree. */
  tree?: Record<string, string>;
  patches: PatchSpec[];
  /** tree (default): the series applies to the synthetic tree; patch-only: no tree, the tree serves as the model. */
  mode?: 'tree' | 'patch-only';
  /** `--allow` patterns per TYPE. */
  allow?: Map<string, string[]>;
}

export interface CaseResult {
  patches: string[];
  reports: PatchReport[];
  findings: Finding[];
  text: string;
}

/** Build the series of a case as patch texts, each against the state the previous ones left. */
export function casePatches(c: RuleCase): string[] {
  const state: Record<string, string | null> = { ...loadKtree(), ...(c.tree ?? {}) };
  const total = c.patches.length;
  return c.patches.map((p, i) => {
    const edits = Object.entries(p.edit).map(([path, how]) => {
      const before = state[path] ?? null;
      let after: string | null;
      if (how === null) after = null;
      else if (typeof how === 'string') after = how;
      else {
        if (before === null) throw new Error(`case "${c.name}": ${path} is not in the tree`);
        after = how(before);
        if (after === before) throw new Error(`case "${c.name}": the edit of ${path} changed nothing`);
      }
      state[path] = after;
      return { path, before, after };
    });
    return makePatch(edits, { ...p, index: total > 1 ? i + 1 : 1, total, ...(c.mode === 'patch-only' ? { realIndex: true } : {}) });
  });
}

// the tree's facts are cached like a user's tree's, in a cache of the tests' own
process.env.KREVIEW_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'kreview-rule-tests-'));

export async function runCase(ruleIds: string[], c: RuleCase): Promise<CaseResult> {
  const files = { ...loadKtree(), ...(c.tree ?? {}) };
  const patches = casePatches(c);
  const loaded = patches.map((t, i) => {
    const input = `${String(i + 1).padStart(4, '0')}.patch`;
    return { input, series: parseInputText(t, input) };
  });
  const rules = (await loadRules()).filter((r) => ruleIds.includes(r.id));
  const mode = c.mode ?? 'tree';
  const base =
    mode === 'tree'
      ? new TreeBase({ tree: new MemoryTree(files), info: { kind: 'worktree', why: 'applied to the synthetic tree' }, exact: false }, new GraphCache())
      : new ModelBase(Object.entries(files).filter(([p]) => /\.[ch]$/.test(p)).map(([p, t]) => ({ ...extractFileFacts(p, t), blob: blobId(t) })));
  const reports: PatchReport[] = [];
  for (const t of threadsOf(loaded)) reports.push(...(await checkThread(t.patches, base, { rules, allow: c.allow ?? new Map(), verifyTriggers: true })));
  const result: CheckResult = { mode, inputs: reports.map((r, i) => ({ input: loaded[i]!.input, patches: [r], errors: [] })) };
  const { stdout } = formatText(result, {
    all: true,
    strict: true,
    types: new Set(),
    ignore: new Set(),
    quiet: true,
    terse: false,
    showfile: false,
    emacs: false,
    summary: false,
    mailback: false,
    showTypes: true,
    color: false,
    witness: true,
    failLevel: 'WARNING',
  });
  return { patches, reports, findings: reports.flatMap((r) => r.findings), text: stdout };
}

/** A compact, readable line per finding for table assertions: `introduced fs/x.c:12 messageId (high)`. */
export function brief(f: Finding): string {
  return `${f.status} ${f.file}:${f.line} ${f.messageId} (${f.confidence})`;
}

/** Fixture file name for case N: `./fixtures/NN-short-name.patch` (STYLE.md). */
export function fixtureName(n: number, name: string): string {
  const full = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const short = full.length <= 48 ? full : full.slice(0, 48).replace(/-[^-]*$/, '');
  return `./fixtures/${String(n).padStart(2, '0')}-${short}.patch`;
}

/** What the default output counts (and the exit status fails on): introduced or moved, above CHECK. */
const counted = (f: Finding): boolean => (f.status === 'introduced' || f.status === 'moved') && f.level !== 'CHECK';

/** A case that must stay silent by default (it may list pre-existing findings of the code around it, and CHECKs). */
export interface ValidCase extends RuleCase {
  expect?: string[];
}

/** A case that must report exactly these findings (brief form). */
export interface InvalidCase extends RuleCase {
  expect: string[];
}

/**
 * ESLint's RuleTester for kreview: one test per case, each checked through
 * the path `kreview check` takes. A case's patches are kept as the fixture
 * `./fixtures/NN-name.patch` (invalid cases from 01, valid ones from 50) and
 * its rendered text (checkpatch format, with the evidence) as a snapshot, so
 * reviewers read findings as text.
 */
export const ruleTester = {
  run(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
    for (const [i, c] of cases.invalid.entries()) {
      it(`reports: ${c.name}`, async () => {
        const r = await runCase([ruleId], c);
        await expect(r.patches.join('')).toMatchFileSnapshot(fixtureName(i + 1, c.name));
        expect(r.findings.map(brief)).toEqual(c.expect);
        // something new is reported (a CHECK counts here: --strict shows it)
        expect(r.findings.filter((f) => f.status === 'introduced' || f.status === 'moved').length).toBeGreaterThan(0);
        expect(r.text).toMatchSnapshot();
      });
    }
    for (const [i, c] of cases.valid.entries()) {
      it(`stays silent: ${c.name}`, async () => {
        const r = await runCase([ruleId], c);
        await expect(r.patches.join('')).toMatchFileSnapshot(fixtureName(50 + i, c.name));
        expect(r.findings.map(brief)).toEqual(c.expect ?? []);
        expect(r.findings.filter(counted)).toEqual([]);
        expect(r.text).toMatchSnapshot();
      });
    }
  },
};
