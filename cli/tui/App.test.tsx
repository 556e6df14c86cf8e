// Components at fixed sizes with ink-testing-library: wait for a frame, never sleep.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from './App.js';
import { sampleResult } from './state.test.js';
import type { ReviewState } from './state.js';

async function frame(get: () => string | undefined, pred: (f: string) => boolean, what: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const f = get() ?? '';
    if (pred(f)) return f;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no frame ${what}; last:\n${get()}`);
}

function app(width: number, height: number, extra: { onReply?: (s: ReviewState) => void } = {}) {
  const saved: unknown[] = [];
  const r = render(
    <App
      width={width}
      height={height}
      check={async (progress) => {
        progress('indexing fs/erofs');
        return sampleResult();
      }}
      docs={(t) => (t === 'RAW_RW_ITER' ? '# RAW_RW_ITER\nWhat it does' : undefined)}
      triage={{ load: () => undefined, save: (...a) => saved.push(a) }}
      writeReply={async (s) => {
        extra.onReply?.(s);
        return 'reply draft written to x.txt';
      }}
    />,
  );
  return { ...r, saved };
}

describe('kreview review (components)', () => {
  it('80x24: series, diff with the finding marked, detail with the evidence and docs, key help', async () => {
    const { lastFrame, unmount } = app(80, 24);
    const f = await frame(lastFrame, (x) => x.includes('ERROR:RAW_RW_ITER'), 'with the finding');
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(f).toContain('1/3 erofs: read');
    expect(f).toMatch(/●\+\s+ret = rq->iocb\.ki_filp->f_op->read_iter/);
    expect(f).toContain('# RAW_RW_ITER');
    expect(f).toContain('n/N finding');
    unmount();
  });

  it('keys: n moves, ? shows help, f + reason + enter marks a false positive and saves it', async () => {
    const { lastFrame, stdin, saved, unmount } = app(100, 30);
    await frame(lastFrame, (x) => x.includes('ERROR:RAW_RW_ITER'), 'ready');
    stdin.write('?');
    await frame(lastFrame, (x) => x.includes('kreview review: keys'), 'help');
    stdin.write('?');
    await frame(lastFrame, (x) => !x.includes('kreview review: keys'), 'help closed');
    stdin.write('f');
    await frame(lastFrame, (x) => x.includes('false positive, reason'), 'prompt');
    stdin.write('the caller checks');
    stdin.write('\r');
    await frame(lastFrame, (x) => x.includes('[false-positive: the caller checks]'), 'marked');
    await frame(() => String(saved.length), (n) => n === '1', 'saved');
    stdin.write('t');
    await frame(lastFrame, (x) => x.includes('showing all findings'), 'all');
    stdin.write('n');
    await frame(lastFrame, (x) => x.includes('WARNING:BACKING_FILE_CREDS'), 'next finding');
    unmount();
  });

  it('keys typed faster than a frame arrive as one chunk and each still counts', async () => {
    const { lastFrame, stdin, unmount } = app(100, 30);
    await frame(lastFrame, (x) => x.includes('ERROR:RAW_RW_ITER'), 'ready');
    // t (show all) then n (next finding), in one read
    stdin.write('tn');
    await frame(lastFrame, (x) => x.includes('WARNING:BACKING_FILE_CREDS'), 'both keys');
    // a key that opens a prompt hands the rest of the chunk to it as text
    stdin.write('fnot a bug');
    await frame(lastFrame, (x) => x.includes('false positive, reason') && x.includes('not a bug'), 'prompt with the text');
    // and a return in the chunk submits it
    stdin.write(' here\r');
    await frame(lastFrame, (x) => x.includes('[false-positive: not a bug here]'), 'marked');
    unmount();
  });

  it('w writes the reply draft with the comments', async () => {
    let got: ReviewState | undefined;
    const { lastFrame, stdin, unmount } = app(100, 30, { onReply: (s) => (got = s) });
    await frame(lastFrame, (x) => x.includes('ERROR:RAW_RW_ITER'), 'ready');
    stdin.write('c');
    await frame(lastFrame, (x) => x.includes('comment on fs/erofs/fileio.c:19'), 'comment prompt');
    stdin.write('please keep the checked call');
    stdin.write('\r');
    await frame(lastFrame, (x) => x.includes('comment added'), 'comment');
    stdin.write('w');
    await frame(lastFrame, (x) => x.includes('reply draft written to x.txt'), 'reply');
    expect(got?.comments.map((c) => c.text)).toEqual(['please keep the checked call']);
    unmount();
  });

  it('patch text cannot reach the terminal raw', async () => {
    const result = sampleResult();
    result.inputs[0]!.patches[0]!.patch.subject = 'evil \x1b]0;title\x07 \x1b[2J';
    const { lastFrame, unmount } = render(<App width={80} height={24} check={async () => result} docs={() => undefined} writeReply={async () => ''} />);
    const f = await frame(lastFrame, (x) => x.includes('evil'), 'subject');
    expect(f).not.toContain('\x1b]0;');
    expect(f).not.toContain('\x1b[2J');
    unmount();
  });

  it('120x40 and a 100-patch series render', async () => {
    const base = sampleResult();
    const p = base.inputs[0]!.patches;
    base.inputs[0]!.patches = Array.from({ length: 100 }, (_, i) => ({ ...p[i % 3]!, patch: { ...p[i % 3]!.patch, messageId: `m${i}` } }));
    const { lastFrame, stdin, unmount } = render(<App width={120} height={40} check={async () => base} docs={() => undefined} writeReply={async () => ''} />);
    await frame(lastFrame, (x) => x.includes('ERROR:RAW_RW_ITER'), 'ready');
    for (let i = 0; i < 60; i++) stdin.write('j');
    const f = await frame(lastFrame, (x) => x.split('\n').length <= 40 && x.includes('erofs'), 'scrolled');
    expect(f.split('\n').length).toBeLessThanOrEqual(40);
    unmount();
  });
});
