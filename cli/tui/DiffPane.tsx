import { Box, Text } from 'ink';
import { sanitize, sanitizeLine } from '../../src/report/sanitize.js';
import { visibleFindings, type ReviewState } from './state.js';

const COLORS: Record<string, string | undefined> = { add: 'green', del: 'red', hunk: 'cyan', file: 'magenta', context: undefined };
const SIGN: Record<string, string> = { add: '+', del: '-', context: ' ', hunk: '', file: '' };

/** The selected patch's diff, with finding markers on their lines. */
export function DiffPane({ s, rows, width }: { s: ReviewState; rows: number; width: number }): React.JSX.Element {
  const focused = s.focus === 'diff';
  const p = s.patches[s.sel];
  const marks = new Map<number, string>();
  if (p) {
    for (const f of visibleFindings(s, p)) {
      const i = f.patchLine !== undefined ? p.rows.findIndex((r) => r.patchLine === f.patchLine) : p.rows.findIndex((r) => r.file === f.file && r.newLine === f.line);
      if (i >= 0 && (marks.get(i) !== 'ERROR' || f.level === 'ERROR')) marks.set(i, f.level);
    }
  }
  const slice = p ? p.rows.slice(s.diffTop, s.diffTop + rows) : [];
  const textWidth = Math.max(8, width - 5);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={focused ? 'bold' : 'single'} borderColor={focused ? 'cyan' : 'gray'}>
      {slice.map((r, i) => {
        const idx = s.diffTop + i;
        const mark = marks.get(idx);
        const line = (SIGN[r.kind] ?? '') + sanitize(r.text).replace(/\t/g, '    ');
        return (
          <Box key={idx}>
            <Text color={mark === 'ERROR' ? 'red' : 'yellow'}>{mark ? '●' : ' '}</Text>
            <Text inverse={focused && idx === s.diffCursor} color={COLORS[r.kind]} bold={r.kind === 'file'} wrap="truncate">
              {line.length > textWidth ? line.slice(0, textWidth - 1) + '…' : line || ' '}
            </Text>
          </Box>
        );
      })}
      {!p && <Text dimColor>{s.phase === 'checking' ? s.progress : ''}</Text>}
      {p && !p.rows.length && <Text dimColor>{sanitizeLine(p.report.notes.join('; ')) || 'no diff'}</Text>}
    </Box>
  );
}
