/**
 * "Did you mean …?" for unknown keys, locks and functions: the candidate with the smallest edit
 * distance, if it is close enough to be a plausible typo. Pure string helpers, no YAML.
 */

/**
 * Edit distance counting insertions, deletions, substitutions and transpositions of adjacent
 * characters as 1 each (optimal string alignment), so `dve` is one edit from `dev`.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `name`, or undefined when none is within a typo's reach
 * (at most a third of the longer word, at least 1 edit, never the whole word; case is ignored).
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(name.length, best.length) / 3));
  // Replacing every character is not a typo (`B` is not "almost `A`").
  return bestDist <= limit && bestDist < Math.min(name.length, best.length) ? best : undefined;
}

/** `a`, `b` and `c` (backquoted, at most `max` names, then `…`). */
export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  if (names.length > max) shown.push(`… (${names.length - max} more)`);
  return shown.join(', ');
}
