import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/validator/replay.js';
import { scenario, task } from '../helpers/build.js';

/** Random tasks taking random (possibly conflicting) orders of up to 8 classes, with read modes. */
const tasks = fc.array(
  fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom('', ':r', ':R')), { minLength: 1, maxLength: 5, selector: ([c]) => c }),
  { minLength: 1, maxLength: 8 },
);

describe('incremental topological order (fast path of the cycle check)', () => {
  it('gives exactly the findings and dependencies of the plain kernel BFS', () => {
    fc.assert(
      fc.property(tasks, fc.constantFrom('5.1.0 #1', '6.1.0 #1'), (ts, kernel) => {
        const sc = scenario(
          ts.map((seq, i) => {
            const names = seq.map(([c, m]) => `L${c}${m}`);
            return task(`T${i}`, [...names, ...seq.map(([c]) => `-L${c}`).reverse()], 100 + i);
          }),
          { kernel },
        );
        const fast = replay(sc);
        const slow = replay(sc, { timeline: true }); // recording a timeline turns the fast path off
        delete slow.timeline;
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
      }),
      { numRuns: 300 },
    );
  });
});
