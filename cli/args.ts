// A small table-driven argv parser: checkpatch.pl-style flags (`--terse`,
// `--no-summary`, `--color[=WHEN]`, `--types A,B`, `-q`), no dependency, no
// cost at start-up. Unknown options are usage errors (exit 2).

export type OptSpec =
  | { kind: 'flag'; short?: string; negatable?: boolean }
  | { kind: 'string'; short?: string; optionalValue?: string; repeat?: boolean };

export type Specs = Record<string, OptSpec>;

export interface Parsed {
  flags: Record<string, boolean>;
  strings: Record<string, string[]>;
  positionals: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], specs: Specs): Parsed {
  const out: Parsed = { flags: {}, strings: {}, positionals: [] };
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(specs)) if (s.short) byShort.set(s.short, name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      out.positionals.push(a);
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      value = eq >= 0 ? a.slice(eq + 1) : undefined;
    } else {
      const short = a.slice(1, 2);
      const long = byShort.get(short);
      if (!long) throw new UsageError(`unknown option -${short}`);
      name = long;
      value = a.length > 2 ? a.slice(2) : undefined;
    }
    let spec = specs[name];
    let negated = false;
    if (!spec && name.startsWith('no-')) {
      const base = specs[name.slice(3)];
      if (base?.kind === 'flag' && base.negatable !== false) {
        spec = base;
        name = name.slice(3);
        negated = true;
      }
    }
    if (!spec) throw new UsageError(`unknown option --${name}`);
    if (spec.kind === 'flag') {
      if (value !== undefined) throw new UsageError(`option --${name} takes no value`);
      out.flags[name] = !negated;
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (spec.optionalValue !== undefined) value = spec.optionalValue;
      else if (next === undefined) throw new UsageError(`option --${name} needs a value`);
      else {
        value = next;
        i++;
      }
    }
    const list = (out.strings[name] ??= []);
    if (spec.repeat) list.push(value);
    else out.strings[name] = [value];
  }
  return out;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.strings[name];
  return v ? v[v.length - 1] : undefined;
}

/** `--types A,B --types C` -> {A, B, C}, upper-cased like checkpatch does. */
export function typeSet(p: Parsed, name: string): Set<string> {
  const out = new Set<string>();
  for (const v of p.strings[name] ?? []) for (const t of v.split(',')) if (t.trim()) out.add(t.trim().toUpperCase());
  return out;
}
