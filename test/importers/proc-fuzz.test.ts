/**
 * Robustness of the /proc/lockdep and /proc/lockdep_chains readers: random text and mutated real
 * files give either data or a LockdepSimError that names a line — never another exception.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockdepSimError } from '../../src/diag/error.js';
import { graphFromProc } from '../../src/importers/proc/graph-json.js';
import { parseProcLockdep, parseProcLockdepChains } from '../../src/importers/proc/parse.js';

const BOOT = path.resolve(__dirname, '../../../shared/oracle/boot');
const LOCKDEP = readFileSync(path.join(BOOT, 'boot-lockdep.txt'), 'utf8').split('\n').slice(0, 400);
const CHAINS = readFileSync(path.join(BOOT, 'boot-lockdep_chains.txt'), 'utf8').split('\n').slice(0, 400);

function located(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LockdepSimError);
    const i = (e as LockdepSimError).issues[0];
    expect(i.span?.file).toBe('p.txt');
    expect(i.span!.line).toBeGreaterThanOrEqual(1);
    expect(i.hint).toBeTruthy();
  }
}

const both = (text: string) => {
  located(() => graphFromProc(parseProcLockdep(text, 'p.txt'), undefined, { format: 'proc', file: 'p.txt' }));
  located(() => parseProcLockdepChains(text, 'p.txt'));
};

const mutate = (base: string[]) =>
  fc.array(fc.record({ at: fc.nat(), col: fc.nat(), kind: fc.constantFrom('drop', 'dup', 'byte', 'cut'), b: fc.integer({ min: 0, max: 127 }) }), { minLength: 1, maxLength: 10 }).map((ms) => {
    let ls = [...base];
    for (const m of ms) {
      if (!ls.length) break;
      const i = m.at % ls.length;
      const l = ls[i]!;
      if (m.kind === 'drop') ls.splice(i, 1);
      else if (m.kind === 'dup') ls.splice(i, 0, l);
      else if (m.kind === 'cut') ls = ls.slice(0, i).concat(l.slice(0, l.length ? m.col % l.length : 0));
      else {
        const c = l.length ? m.col % l.length : 0;
        ls[i] = l.slice(0, c) + String.fromCharCode(m.b) + l.slice(c + 1);
      }
    }
    return ls.join('\n');
  });

describe('import proc: robustness', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), both), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => both(Buffer.from(b).toString('latin1'))), { numRuns: 300 });
  });

  it('mutated /proc/lockdep and /proc/lockdep_chains', () => {
    fc.assert(fc.property(mutate(LOCKDEP), both), { numRuns: 200 });
    fc.assert(fc.property(mutate(CHAINS), both), { numRuns: 200 });
  });
});
