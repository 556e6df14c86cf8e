// `kreview audit`: the rules over existing code, no patch.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('kreview audit: not implemented yet\n');
  return 2;
}
