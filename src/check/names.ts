/**
 * Class names as lockdep prints them (__print_lock_name): `name`, then `#N` when the name version
 * is above 1, then `/S` when the subclass is above 0. Policies and `explain` refer to classes by
 * these names; a pattern that leaves out `#N` or `/S` matches every version or subclass.
 */

export interface ClassName {
  base: string;
  /** `#N`; absent = version 1 in a printed name, "any version" in a pattern. */
  version?: number;
  /** `/S`; absent = subclass 0 in a printed name, "any subclass" in a pattern. */
  subclass?: number;
}

const NAME_RE = /^(.*?)(?:#(\d+))?(?:\/(\d+))?$/s;

export function parseClassName(text: string): ClassName {
  const m = NAME_RE.exec(text)!;
  const n: ClassName = { base: m[1]! };
  if (m[2] !== undefined && m[1] !== '') n.version = Number(m[2]);
  else if (m[2] !== undefined) n.base = `#${m[2]}`;
  if (m[3] !== undefined && n.base !== '') n.subclass = Number(m[3]);
  else if (m[3] !== undefined) n.base += `/${m[3]}`;
  return n;
}

/**
 * Does a pattern match a printed class name? The base names must be equal; `#N` and `/S` in the
 * pattern must equal the class's (a class without `#N` is version 1, without `/S` subclass 0).
 */
export function matchesClass(pattern: ClassName, cls: ClassName): boolean {
  if (pattern.base !== cls.base) return false;
  if (pattern.version !== undefined && pattern.version !== (cls.version ?? 1)) return false;
  if (pattern.subclass !== undefined && pattern.subclass !== (cls.subclass ?? 0)) return false;
  return true;
}

/** How specific a pattern is (an exact `name#N/S` beats `name#N` or `name/S`, which beat `name`). */
export function specificity(p: ClassName): number {
  return (p.version !== undefined ? 1 : 0) + (p.subclass !== undefined ? 1 : 0);
}

/** Classes of `names` a pattern text matches. */
export function resolvePattern(pattern: string, names: readonly string[]): string[] {
  const p = parseClassName(pattern);
  return names.filter((n) => matchesClass(p, parseClassName(n)));
}
