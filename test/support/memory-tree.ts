// An in-memory SourceTree for tests: a few hand-written files, no disk.
import type { SourceTree } from '../../src/tree/types.js';

export class MemoryTree implements SourceTree {
  readonly kind = 'disk' as const;
  readonly root = '/memory';
  readonly rev = undefined;
  constructor(private readonly files: Record<string, string>) {}
  async read(path: string): Promise<string | null> {
    return this.files[path] ?? null;
  }
  async exists(path: string): Promise<boolean> {
    return path in this.files;
  }
  async list(dirs: string[], exts = ['.c', '.h']): Promise<string[]> {
    return Object.keys(this.files)
      .filter((p) => dirs.some((d) => d === '' || d === '.' || p.startsWith(d.endsWith('/') ? d : d + '/')) && exts.some((e) => p.endsWith(e)))
      .sort();
  }
  describe(): string {
    return 'memory tree';
  }
}
