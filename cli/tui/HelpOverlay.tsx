import { Box, Text } from 'ink';
import { HELP } from './keymap.js';

export function HelpOverlay({ rows }: { rows: number }): React.JSX.Element {
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="cyan" height={rows + 2} paddingX={1}>
      <Text bold>kreview review: keys</Text>
      {HELP.slice(0, Math.max(1, rows - 1)).map(([k, v]) => (
        <Text key={k} wrap="truncate">
          <Text color="cyan">{k.padEnd(22)}</Text>
          {v}
        </Text>
      ))}
    </Box>
  );
}
