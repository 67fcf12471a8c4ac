/**
 * `/proc/lockdep` text (the oracle's `.deps` files, or renderProcLockdep() output) → plain data, and the
 * comparison of the kernel's classes with a Report's ClassSnapshots.
 */
import type { ClassSnapshot } from '../../src/model/findings.js';

export interface ProcClass {
  key: string;
  ops?: number;
  fd: number;
  bd: number;
  usage: string;
  name: string;
  after: { key: string; name: string }[];
}

const CLASS_LINE = /^([0-9a-f]+)(?: OPS:\s*(\d+))? FD:\s*(\d+) BD:\s*(\d+) (\S{4}): (.*)$/;
const DEP_LINE = /^ -> \[([0-9a-f]+)\] (.*)$/;

/** Parses `/proc/lockdep` text (with or without the `all lock classes:` line). */
export function parseProcLockdep(text: string): ProcClass[] {
  const out: ProcClass[] = [];
  let cur: ProcClass | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line === 'all lock classes:') {
      cur = undefined;
      continue;
    }
    const c = CLASS_LINE.exec(line);
    if (c) {
      cur = { key: c[1]!, fd: Number(c[3]), bd: Number(c[4]), usage: c[5]!, name: c[6]!, after: [] };
      if (c[2] !== undefined) cur.ops = Number(c[2]);
      out.push(cur);
      continue;
    }
    const d = DEP_LINE.exec(line);
    if (d && cur) {
      cur.after.push({ key: d[1]!, name: d[2]! });
      continue;
    }
    throw new Error(`not a /proc/lockdep line: ${JSON.stringify(line)}`);
  }
  return out;
}

/** Drops the `#N` the kernel appends for its own name clashes (as norm.py does in oracle mode). */
export function stripVersion(name: string): string {
  return name.replace(/(?<=[^\s#])#\d+/g, '');
}

/**
 * Compares the kernel's classes with the replay's, by name (without `#N`): the same classes in the
 * same (registration) order, and for each the OPS, FD, BD, usage and `->` targets in order.
 * Returns one line per difference (empty: they agree).
 */
/** Classes of the kernel itself that a script can reach (the map re-allocation after `free`). */
const KERNEL_CLASSES = new Set(['fs_reclaim']);

export function compareClasses(want: ProcClass[], got: ClassSnapshot[]): string[] {
  const problems: string[] = [];
  const gotByName = new Map(got.map((c) => [stripVersion(c.name), c]));
  const wantNames = want.map((c) => stripVersion(c.name));
  for (const w of want) {
    const name = stripVersion(w.name);
    const g = gotByName.get(name);
    if (!g) {
      problems.push(`deps: class ${name} missing`);
      continue;
    }
    const fields: [string, unknown, unknown][] = [
      ['OPS', w.ops, g.ops],
      ['FD', w.fd, g.fd],
      ['BD', w.bd, g.bd],
      ['usage', w.usage, g.usage],
    ];
    for (const [label, a, b] of fields) {
      if (a !== undefined && a !== b) problems.push(`deps: ${name} ${label} ${String(b)}, kernel ${String(a)}`);
    }
    const wa = w.after.map((d) => stripVersion(d.name));
    const ga = g.after.map(stripVersion);
    if (wa.join('\n') !== ga.join('\n')) problems.push(`deps: ${name} -> [${ga.join(', ')}], kernel -> [${wa.join(', ')}]`);
  }
  for (const g of got) {
    // The kit's .deps lists the module's own classes only; kernel classes it touches (fs_reclaim) are
    // seen as dependency targets, never as blocks.
    if (KERNEL_CLASSES.has(stripVersion(g.name))) continue;
    if (!wantNames.includes(stripVersion(g.name))) problems.push(`deps: unexpected class ${stripVersion(g.name)}`);
  }
  const gotOrder = got.map((c) => stripVersion(c.name)).filter((n) => wantNames.includes(n));
  const wantOrder = wantNames.filter((n) => gotByName.has(n));
  if (gotOrder.join('\n') !== wantOrder.join('\n')) {
    problems.push(`deps: class order [${gotOrder.join(', ')}], kernel [${wantOrder.join(', ')}]`);
  }
  return problems;
}
