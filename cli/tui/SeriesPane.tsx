import { Box, Text } from 'ink';
import { sanitizeLine } from '../../src/report/sanitize.js';
import { visibleFindings, type ReviewState } from './state.js';

/** The series: each patch with its position, subject and counts of findings by level. */
export function SeriesPane({ s, rows, width }: { s: ReviewState; rows: number; width: number }): React.JSX.Element {
  const focused = s.focus === 'series';
  const slice = s.patches.slice(s.seriesTop, s.seriesTop + rows);
  return (
    <Box flexDirection="column" width={width} borderStyle={focused ? 'bold' : 'single'} borderColor={focused ? 'cyan' : 'gray'}>
      {slice.map((p, i) => {
        const idx = s.seriesTop + i;
        const pos = p.report.patch.position;
        const f = visibleFindings(s, p);
        const e = f.filter((x) => x.level === 'ERROR').length;
        const w = f.filter((x) => x.level !== 'ERROR').length;
        const counts = `${e ? `E${e}` : ''}${e && w ? ' ' : ''}${w ? `W${w}` : ''}`;
        const label = `${pos.total > 1 || pos.index === 0 ? `${pos.index}/${pos.total} ` : ''}${p.report.patch.isCoverLetter ? '[cover] ' : ''}${sanitizeLine(p.report.patch.subject || p.report.patch.source)}`;
        const room = Math.max(4, width - 4 - counts.length - 1);
        return (
          <Box key={p.id + idx}>
            <Text inverse={idx === s.sel} color={e ? 'red' : w ? 'yellow' : undefined} wrap="truncate">
              {(label.length > room ? label.slice(0, room - 1) + '…' : label).padEnd(room)}
            </Text>
            <Text color={e ? 'red' : 'yellow'}> {counts}</Text>
          </Box>
        );
      })}
      {!slice.length && <Text dimColor>{s.phase === 'checking' ? 'checking…' : 'no patches'}</Text>}
    </Box>
  );
}
