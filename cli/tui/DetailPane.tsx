import { Box, Text } from 'ink';
import { wrap } from '../../src/report/reply.js';
import { sanitizeLine } from '../../src/report/sanitize.js';
import { currentFinding, visibleFindings, type ReviewState } from './state.js';

/** The selected finding: message, evidence, and the rule's documentation. */
export function DetailPane({ s, rows, width, docs }: { s: ReviewState; rows: number; width: number; docs: (type: string) => string | undefined }): React.JSX.Element {
  const focused = s.focus === 'detail';
  const f = currentFinding(s);
  const p = s.patches[s.sel];
  const lines: { text: string; color?: string; bold?: boolean; dim?: boolean }[] = [];
  // every line here holds the patch's text (file and function names, witness, notes): one way out, sanitized
  const push = (l: { text: string; color?: string; bold?: boolean; dim?: boolean }): void => void lines.push({ ...l, text: sanitizeLine(l.text) });
  if (f) {
    const n = visibleFindings(s, p);
    const d = s.decisions[f.key];
    push({ text: `${f.level}:${f.type} (${n.indexOf(f) + 1}/${n.length}, ${f.status}, confidence ${f.confidence})${d ? `  [${d.decision}${d.reason ? `: ${d.reason}` : ''}]` : ''}`, color: f.level === 'ERROR' ? 'red' : 'yellow', bold: true });
    for (const l of wrap(sanitizeLine(f.message), Math.max(20, width - 4)).split('\n')) push({ text: l });
    push({ text: `${f.file}:${f.line}${f.function ? ` in ${f.function}()` : ''}`, dim: true });
    for (const w of f.witness) push({ text: `  ${w.kind.padEnd(6)} ${sanitizeLine(w.text)}  ${w.file}:${w.line}` });
    for (const r of f.related) push({ text: `  see    ${sanitizeLine(r.message)}  ${r.file}:${r.line}` });
    const doc = docs(f.type);
    if (doc) {
      // the rule's own documentation, rendered for the terminal (its styling is ours, not a patch's)
      lines.push({ text: '' });
      for (const l of doc.split('\n')) lines.push({ text: l });
    }
  } else if (p) {
    push({ text: sanitizeLine(p.report.patch.rawSubject || p.report.patch.source), bold: true });
    for (const n of p.report.notes) push({ text: `note: ${n}`, dim: true });
    for (const e of p.report.errors) push({ text: `error: ${e.message}`, color: 'red' });
    push({ text: visibleFindings(s, p).length ? '' : s.showAll ? 'no findings in this patch' : "no findings that count in this patch ('t' shows all)", dim: true });
  }
  const slice = lines.slice(s.detailTop, s.detailTop + rows);
  return (
    <Box flexDirection="column" height={rows + 2} width={width} borderStyle={focused ? 'bold' : 'single'} borderColor={focused ? 'cyan' : 'gray'}>
      {slice.map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold} dimColor={l.dim} wrap="truncate">
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
