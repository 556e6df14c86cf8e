import { Box, Text } from 'ink';
import { sanitizeLine } from '../../src/report/sanitize.js';
import type { ReviewState } from './state.js';

/** Key help, the last message, progress while checking; or the prompt being typed. */
export function StatusLine({ s }: { s: ReviewState }): React.JSX.Element {
  if (s.prompt) {
    const what = s.prompt.kind === 'false-positive' ? 'false positive, reason (optional)' : `comment on ${s.prompt.file}:${s.prompt.line}`;
    return (
      <Box>
        <Text color="cyan">{what}: </Text>
        <Text>{sanitizeLine(s.prompt.text)}</Text>
        <Text inverse> </Text>
        <Text dimColor>  enter to save, esc to cancel</Text>
      </Box>
    );
  }
  const help = 'j/k move  tab pane  n/N finding  t all  a accept  f false-pos  c comment  w reply  ? help  q quit';
  return (
    <Box>
      <Text wrap="truncate">
        {s.phase === 'checking' ? <Text color="cyan">⠿ {sanitizeLine(s.progress)}  </Text> : null}
        {s.status ? <Text color="green">{sanitizeLine(s.status)}  </Text> : null}
        <Text dimColor>{help}</Text>
      </Text>
    </Box>
  );
}
