import { describe, expect, it } from 'vitest';
import { parseInputText } from '../../src/patch/input.js';
import type { Finding } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import { keyToAction } from './keymap.js';
import { currentFinding, initialState, reduce, type Action, type ReviewState } from './state.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const mbox = readFileSync(fileURLToPath(new URL('../../test/fixtures/series/fixed-later.mbox', import.meta.url)));

function finding(over: Partial<Finding>): Finding {
  return {
    rule: 'raw-rw-iter', type: 'RAW_RW_ITER', level: 'ERROR', messageId: 'raw', message: 'raw call', data: {},
    file: 'fs/erofs/fileio.c', line: 19, confidence: 'high', status: 'introduced', witness: [], related: [], key: 'k1', ...over,
  };
}

/** A series of three patches; patch 1 has an introduced finding, patch 2 a pre-existing one. */
export function sampleResult(): CheckResult {
  const series = parseInputText(mbox, 'fixed-later.mbox');
  const [p1, p2, p3] = series.patches;
  return {
    mode: 'tree',
    inputs: [
      {
        input: 'fixed-later.mbox',
        errors: [],
        patches: [
          { patch: p1!, findings: [finding({ patchLine: 22 })], errors: [], notes: [], kernelFiles: 1 },
          { patch: p2!, findings: [finding({ key: 'k2', status: 'preexisting', level: 'WARNING', type: 'BACKING_FILE_CREDS', messageId: 'callerCreds' })], errors: [], notes: [], kernelFiles: 1 },
          { patch: p3!, findings: [], errors: [], notes: [], kernelFiles: 1 },
        ],
      },
    ],
  };
}

function run(s: ReviewState, ...actions: Action[]): ReviewState {
  return actions.reduce(reduce, s);
}

describe('review state', () => {
  const loaded = (): ReviewState => reduce(initialState(80, 24), { type: 'loaded', result: sampleResult() });

  it('opens on the first patch with a finding, cursor on its line', () => {
    const s = loaded();
    expect(s.phase).toBe('ready');
    expect(s.sel).toBe(0);
    expect(currentFinding(s)?.key).toBe('k1');
    expect(s.patches[0]!.rows[s.diffCursor]!.patchLine).toBe(22);
  });

  it('n skips patches without findings that count; t shows the pre-existing one', () => {
    let s = run(loaded(), { type: 'nextFinding', delta: 1 });
    expect(s.sel).toBe(0); // wraps around to the only finding that counts
    expect(s.status).toBe('');
    s = run(s, { type: 'toggleAll' }, { type: 'nextFinding', delta: 1 });
    expect(s.sel).toBe(1);
    expect(currentFinding(s)?.key).toBe('k2');
    s = run(s, { type: 'nextFinding', delta: -1 });
    expect(currentFinding(s)?.key).toBe('k1');
  });

  it('j/k move the series selection; tab moves focus; enter opens', () => {
    let s = run(loaded(), { type: 'move', delta: 1 });
    expect(s.sel).toBe(1);
    s = run(s, { type: 'move', delta: 5 });
    expect(s.sel).toBe(2);
    s = run(s, { type: 'focusNext' });
    expect(s.focus).toBe('diff');
    s = run(s, { type: 'focusNext', back: true }, { type: 'open' }, { type: 'open' });
    expect(s.focus).toBe('detail');
  });

  it('] moves the diff cursor to the next hunk', () => {
    const s = run(loaded(), { type: 'focusNext' }, { type: 'hunk', delta: -1 });
    expect(s.patches[0]!.rows[s.diffCursor]!.kind).toMatch(/hunk|file/);
  });

  it('a accepts; f marks a false positive with a reason; esc cancels a prompt', () => {
    let s = run(loaded(), { type: 'accept' });
    expect(s.decisions.k1).toEqual({ decision: 'accepted' });
    s = run(s, { type: 'startPrompt', kind: 'false-positive' }, { type: 'promptInput', text: 'checked by caller' }, { type: 'promptSubmit' });
    expect(s.decisions.k1).toEqual({ decision: 'false-positive', reason: 'checked by caller' });
    s = run(s, { type: 'startPrompt', kind: 'false-positive' }, { type: 'move', delta: 1 }, { type: 'promptCancel' });
    expect(s.sel).toBe(0); // keys go to the prompt while it is open
    expect(s.prompt).toBeUndefined();
  });

  it('c adds a comment on the diff line under the cursor', () => {
    const s = run(loaded(), { type: 'startPrompt', kind: 'comment' }, { type: 'promptInput', text: 'why not vfs_iocb_iter_read()?' }, { type: 'promptSubmit' });
    expect(s.comments).toEqual([{ messageId: 'p1.erofs@example.org', file: 'fs/erofs/fileio.c', line: 19, text: 'why not vfs_iocb_iter_read()?' }]);
  });

  it('w asks for a reply; q quits; ? toggles help and swallows other keys', () => {
    expect(run(loaded(), { type: 'reply' }).wantReply).toBe(true);
    expect(run(loaded(), { type: 'quit' }).quit).toBe(true);
    const h = run(loaded(), { type: 'toggleHelp' });
    expect(keyToAction('j', {}, h)).toBeUndefined();
    expect(keyToAction('?', {}, h)).toEqual({ type: 'toggleHelp' });
  });

  it('maps keys to actions', () => {
    const s = loaded();
    expect(keyToAction('', { downArrow: true }, s)).toEqual({ type: 'move', delta: 1 });
    expect(keyToAction('N', {}, s)).toEqual({ type: 'nextFinding', delta: -1 });
    expect(keyToAction('', { tab: true, shift: true }, s)).toEqual({ type: 'focusNext', back: true });
    expect(keyToAction('d', { ctrl: true }, s)).toEqual({ type: 'page', delta: 1 });
  });
});
