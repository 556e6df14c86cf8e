// kreview review: the Ink app. A view over the reducer in state.ts; the
// check runs off the render path (a worker thread in the real command).

import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import type { CheckResult } from '../../src/engine/result.js';
import { triageKey } from '../../src/engine/triage.js';
import { DetailPane } from './DetailPane.js';
import { DiffPane } from './DiffPane.js';
import { HelpOverlay } from './HelpOverlay.js';
import { keyToAction } from './keymap.js';
import { SeriesPane } from './SeriesPane.js';
import { initialState, layout, reduce, type Action, type Comment, type Decision, type ReviewState } from './state.js';
import { StatusLine } from './StatusLine.js';

export interface TriageIO {
  load(messageId: string): { decisions: Record<string, Decision>; comments: { file: string; line: number; text: string }[] } | undefined;
  save(messageId: string, subject: string, decisions: Record<string, Decision>, comments: { file: string; line: number; text: string }[]): void;
}

export interface AppProps {
  check: (progress: (m: string) => void) => Promise<CheckResult>;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  width?: number;
  height?: number;
  docs: (type: string) => string | undefined;
  triage?: TriageIO;
  writeReply: (s: ReviewState) => Promise<string>;
}

export function App(props: AppProps): React.JSX.Element {
  const { stdout } = useStdout();
  const { exit } = useApp();
  const [s, dispatch] = useReducer(reduce, undefined, () => initialState(props.width ?? stdout.columns ?? 80, props.height ?? stdout.rows ?? 24));
  const saved = useRef('');

  // the check, off the render path
  useEffect(() => {
    let live = true;
    props
      .check((m) => live && dispatch({ type: 'progress', text: m }))
      .then((result) => {
        if (!live) return;
        const decisions: Record<string, Decision> = {};
        const comments: Comment[] = [];
        for (const inp of result.inputs)
          for (const r of inp.patches) {
            const id = triageKey(r.patch);
            const t = props.triage?.load(id);
            if (!t) continue;
            Object.assign(decisions, t.decisions);
            comments.push(...t.comments.map((c) => ({ ...c, messageId: id })));
          }
        dispatch({ type: 'loaded', result, decisions, comments });
      })
      .catch((err: unknown) => live && dispatch({ type: 'failed', message: (err as Error)?.message ?? String(err) }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // follow the terminal's size unless fixed
  useEffect(() => {
    if (props.width && props.height) return;
    const onResize = (): void => dispatch({ type: 'resize', width: stdout.columns ?? 80, height: stdout.rows ?? 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, props.width, props.height]);

  // triage decisions and comments persist per patch as they change
  useEffect(() => {
    if (s.phase !== 'ready' || !props.triage) return;
    const snapshot = JSON.stringify([s.decisions, s.comments]);
    if (snapshot === saved.current) return;
    const first = !saved.current;
    saved.current = snapshot;
    if (first) return;
    for (const p of s.patches) {
      const id = p.id;
      const keys = new Set(p.report.findings.map((f) => f.key));
      const decisions = Object.fromEntries(Object.entries(s.decisions).filter(([k]) => keys.has(k)));
      const comments = s.comments.filter((c) => c.messageId === p.id).map(({ file, line, text }) => ({ file, line, text }));
      if (Object.keys(decisions).length || comments.length) props.triage.save(id, p.report.patch.subject, decisions, comments);
    }
  }, [s.phase, s.decisions, s.comments, s.patches, props.triage]);

  useEffect(() => {
    if (!s.wantReply) return;
    props.writeReply(s).then(
      (m) => dispatch({ type: 'replied', message: m }),
      (err: unknown) => dispatch({ type: 'replied', message: `could not write the reply: ${(err as Error)?.message ?? err}` }),
    );
  }, [s.wantReply]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (s.quit) exit();
  }, [s.quit, exit]);

  // the handler may outlive a render: read the state through a ref, never a stale closure
  const latest = useRef(s);
  latest.current = s;
  useInput((input, key) => {
    // Keys typed faster than a frame (a held j, a slow terminal, a script)
    // arrive as one chunk, "jjj", "nf" or "reason\r": each is its own key,
    // read against the state the keys before it leave (the reducer is pure),
    // so a key that opens a prompt hands the text after it to the prompt and
    // a return in the chunk submits it.
    // eslint-disable-next-line no-control-regex
    if (input.length < 2 || key.ctrl || key.meta || /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(input)) {
      const a = keyToAction(input, key, latest.current);
      if (a) dispatch(a);
      return;
    }
    let st = latest.current;
    const apply = (a: Action | undefined): void => {
      if (!a) return;
      dispatch(a);
      st = reduce(st, a);
    };
    let rest = input;
    while (rest) {
      if (st.prompt) {
        const cr = rest.search(/[\r\n]/);
        const text = cr < 0 ? rest : rest.slice(0, cr);
        if (text) apply({ type: 'promptInput', text });
        if (cr < 0) break;
        apply({ type: 'promptSubmit' });
        rest = rest.slice(cr + 1);
        continue;
      }
      const ch = rest[0]!;
      rest = rest.slice(1);
      apply(ch === '\r' || ch === '\n' ? keyToAction('', { return: true }, st) : ch === '\t' ? keyToAction('', { tab: true }, st) : keyToAction(ch, {}, st));
    }
  });

  const { mainRows, detailRows, seriesWidth } = layout(s);
  return (
    <Box flexDirection="column" width={s.width} height={s.height}>
      {s.help ? (
        <HelpOverlay rows={mainRows} />
      ) : (
        <Box height={mainRows + 2}>
          <SeriesPane s={s} rows={mainRows} width={seriesWidth} />
          <DiffPane s={s} rows={mainRows} width={s.width - seriesWidth} />
        </Box>
      )}
      <DetailPane s={s} rows={detailRows} width={s.width} docs={props.docs} />
      {s.phase === 'failed' ? <StatusLine s={{ ...s, status: `check failed: ${s.error}` }} /> : <StatusLine s={s} />}
    </Box>
  );
}
