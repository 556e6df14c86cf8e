// The tool's name and version, read once from package.json (the one place it lives).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

let pkg: { version: string; homepage?: string } | undefined;
export const TOOL_NAME = 'kreview';
function packageJson(): { version: string; homepage?: string } {
  return (pkg ??= JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string; homepage?: string });
}
export function toolVersion(): string {
  return packageJson().version;
}
/** package.json's homepage, when the package names one. */
export function toolHomepage(): string | undefined {
  const h = packageJson().homepage;
  return typeof h === 'string' && /^https:\/\//.test(h) ? h : undefined;
}
