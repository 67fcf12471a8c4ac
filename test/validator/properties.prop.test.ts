import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/validator/replay.js';
import { scenario, task, type Op } from '../helpers/build.js';

/** Tasks that each take an increasing subsequence of classes L0 < L1 < … (nested), then release. */
const orderedTasks = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }).map((seqs) =>
  seqs.map((s) => [...s].sort((a, b) => a - b).map((i) => `L${i}`)),
);

function nested(names: string[]): Op[] {
  return [...names, ...[...names].reverse().map((n) => `-${n}`)];
}

describe('validator properties', () => {
  it('a single global acquisition order never gives a circular report', () => {
    fc.assert(
      fc.property(orderedTasks, fc.constantFrom('5.1.0 #1', '6.1.0 #1'), (seqs, kernel) => {
        const r = replay(scenario(seqs.map((s, i) => task(`T${i}`, nested(s), 100 + i)), { kernel }));
        expect(r.findings.filter((f) => f.kind === 'circular')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('swapping two directly nested acquisitions in another task always reports a cycle naming both', () => {
    fc.assert(
      fc.property(orderedTasks, fc.nat(), fc.constantFrom("5.1.0 #1", "6.1.0 #1"), (seqs, pick, kernel) => {
        const withPair = seqs.filter((s) => s.length >= 2);
        fc.pre(withPair.length > 0);
        const s = withPair[pick % withPair.length]!;
        const k = pick % (s.length - 1);
        const x = s[k]!;
        const y = s[k + 1]!;
        const tasks = seqs.map((q, i) => task(`T${i}`, nested(q), 100 + i));
        tasks.push(task('SWAP', [y, x, `-${x}`, `-${y}`], 999));
        const r = replay(scenario(tasks, { kernel }));
        const circ = r.findings.filter((f) => f.kind === 'circular');
        expect(circ).toHaveLength(1);
        const f = circ[0]!;
        if (f.kind !== 'circular') throw new Error('kind');
        expect([f.next.cls.name, f.prev.cls.name]).toEqual([x, y]);
      }),
      { numRuns: 200 },
    );
  });

  it('renaming classes consistently renames the findings and changes nothing else; same input, same output', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        (seqs) => {
          const dedup = seqs.map((s) => [...new Set(s)]);
          const build = (name: (i: number) => string) => scenario(dedup.map((s, i) => task(`T${i}`, nested(s.map(name)), 100 + i)));
          const a = replay(build((i) => `Lk${i}q`));
          const b = replay(build((i) => `Zz${i}w`));
          const renamed = JSON.stringify(a.findings).replace(/Lk(\d)q/g, 'Zz$1w');
          expect(JSON.stringify(b.findings)).toBe(renamed);
          expect(JSON.stringify(replay(build((i) => `Lk${i}q`)))).toBe(JSON.stringify(a));
        },
      ),
      { numRuns: 150 },
    );
  });
});
