// The tool's name and version, read once from package.json (the one place it lives).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

let v: string | undefined;
export const TOOL_NAME = 'kreview';
export function toolVersion(): string {
  v ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return v;
}
