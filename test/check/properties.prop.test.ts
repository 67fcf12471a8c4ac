import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/check.js';
import { parsePolicy } from '../../src/check/policy.js';
import { renderCheckJson } from '../../src/reporters/check/json.js';
import { renderSarif } from '../../src/reporters/check/sarif.js';
import { scenario, task, type Op } from '../helpers/build.js';
import { errorsOf, projectSchema, sarifValidator } from './schemas.js';

const NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];

/** Tasks taking a nested sequence of distinct classes (any order: cycles allowed), modes W/r/R/t. */
const anyTasks = fc.array(
  fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('', ':r', ':R', ':t')), { minLength: 1, maxLength: 4, selector: ([n]) => n }),
  { minLength: 1, maxLength: 5 },
);

/** Tasks that respect one global order (sorted names): an acyclic graph. */
const orderedTasks = fc.array(fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }).map((ts) => ts.map((t) => [...t].sort()));

function nested(ops: string[]): Op[] {
  return [...ops, ...[...ops].reverse().map((o) => `-${o.split(':')[0]}`)];
}

const yamlName = (s: string) => JSON.stringify(s);

describe('check properties', () => {
  it('a policy made of the suggested ranking of an acyclic graph always passes', () => {
    fc.assert(
      fc.property(orderedTasks, fc.constantFrom('5.1.0 #1', '6.1.0 #1'), (ts, kernel) => {
        const s = scenario(ts.map((t, i) => task(`T${i}`, nested(t), 100 + i)), { kernel });
        const first = runCheck([s], { instances: false }).result;
        expect(first.ordering.consistent).toBe(true);
        const levels = first.ordering.levels.map((l) => `  - [${l.map(yamlName).join(', ')}]`).join('\n');
        const policy = parsePolicy(`levels:\n${levels}\n`, 'ranking.yaml');
        const r = runCheck([s], { policy, instances: false }).result;
        expect(r.findings.filter((f) => f.ruleId.startsWith('lockdep-sim/policy') || f.ruleId === 'lockdep-sim/never-nested')).toEqual([]);
        expect(r.summary.error).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('adding one dependency that reverses a policy rule yields exactly that violation', () => {
    fc.assert(
      fc.property(orderedTasks, fc.nat(), fc.nat(), (ts, i, j) => {
        const s = scenario(ts.map((t, k) => task(`T${k}`, nested(t), 100 + k)));
        const ranking = runCheck([s], { instances: false }).result.ordering.levels;
        fc.pre(ranking.length >= 2);
        // A rule between two classes of different levels, then one task taking them the other way.
        const lo = i % (ranking.length - 1);
        const hi = lo + 1 + (j % (ranking.length - 1 - lo));
        const a = ranking[lo]![i % ranking[lo]!.length]!;
        const b = ranking[hi]![j % ranking[hi]!.length]!;
        const levels = ranking.map((l) => `  - [${l.map(yamlName).join(', ')}]`).join('\n');
        const policy = parsePolicy(`levels:\n${levels}\nrules:\n  - "${a} before ${b}"\n`, 'p.yaml');
        const bad = scenario([...s.tasks, task('REV', [b, a, `-${a}`, `-${b}`], 999)]);
        const v = runCheck([bad], { policy, instances: false }).result.findings.filter((f) => f.ruleId === 'lockdep-sim/policy-order');
        expect(v).toHaveLength(1);
        expect(v[0]!.dependencies.map((d) => `${d.from}>${d.to}`)).toEqual([`${b}>${a}`]);
        expect(v[0]!.task).toBe('REV/999');
      }),
      { numRuns: 150 },
    );
  });

  it('SARIF and JSON outputs validate against their schemas on random scenarios', () => {
    const sarif = sarifValidator();
    const json = projectSchema('check-result');
    fc.assert(
      fc.property(anyTasks, fc.constantFrom('5.1.0 #1', '6.1.0 #1'), fc.boolean(), (ts, kernel, withPolicy) => {
        const s = scenario(
          ts.map((t, i) => task(`T${i}`, nested(t.map(([n, m]) => `${n}${m}`)), 100 + i)),
          { kernel, kinds: Object.fromEntries(NAMES.map((n) => [n, 'rw_semaphore' as const])) },
        );
        const policy = withPolicy ? parsePolicy('levels: [[A, B], C, [D, E]]\nnever-nested: [[F, G]]\nexceptions: [{ from: C, to: A, reason: test }]\n', 'p.yaml') : undefined;
        const r = runCheck([s], { toolVersion: '0.0.0-test', ...(policy ? { policy } : {}), maxCycles: 5 }).result;
        const log = JSON.parse(renderSarif(r));
        expect(sarif(log), errorsOf(sarif)).toBe(true);
        const data = JSON.parse(renderCheckJson(r));
        expect(json(data), errorsOf(json)).toBe(true);
        // every cycle is listed once, and determinism
        expect(new Set(r.cycles.map((c) => c.id)).size).toBe(r.cycles.length);
        expect(renderCheckJson(runCheck([s], { toolVersion: '0.0.0-test', ...(policy ? { policy } : {}), maxCycles: 5 }).result)).toBe(renderCheckJson(r));
      }),
      { numRuns: 100 },
    );
  });

  it('with --explore, outputs still validate, every reported cycle gets a verdict, and confirmed schedules end blocked', () => {
    const sarif = sarifValidator();
    const json = projectSchema('check-result');
    fc.assert(
      fc.property(anyTasks, fc.boolean(), (ts, pass) => {
        const s = scenario(ts.map((t, i) => task(`T${i}`, nested(t.map(([n, m]) => `${n}${m}`)), 100 + i)), { kinds: Object.fromEntries(NAMES.map((n) => [n, 'rw_semaphore' as const])) });
        const r = runCheck([s], { toolVersion: '0.0.0-test', instances: false, maxCycles: 5, explore: { maxStates: 5000, refutedPass: pass } }).result;
        expect(sarif(JSON.parse(renderSarif(r))), errorsOf(sarif)).toBe(true);
        expect(json(JSON.parse(renderCheckJson(r))), errorsOf(json)).toBe(true);
        for (const f of r.findings) {
          if (f.ruleId === 'lockdep/circular' || f.ruleId === 'lockdep/recursive' || f.ruleId === 'lockdep-sim/cycle') expect(f.explore).toBeDefined();
          const x = f.explore;
          if (!x) continue;
          expect(f.level === 'note').toBe((pass && x.verdict === 'refuted') || f.ruleId === 'lockdep-sim/weak-cycle');
          if (x.verdict !== 'confirmed') continue;
          const sch = x.schedule!;
          expect(sch.blocked.length).toBeGreaterThan(0);
          for (const b of sch.blocked) expect(sch.tasks[b.column]!.deadlocked).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('every reported circular finding is matched by a listed cycle of the observed graph', () => {
    fc.assert(
      fc.property(anyTasks, (ts) => {
        const s = scenario(ts.map((t, i) => task(`T${i}`, nested(t.map(([n, m]) => `${n}${m}`)), 100 + i)), { kinds: Object.fromEntries(NAMES.map((n) => [n, 'rw_semaphore' as const])) });
        const r = runCheck([s], { instances: false }).result;
        const inCycles = new Set(r.cycles.flatMap((c) => c.dependencies.map((d) => `${d.from}>${d.to}`)));
        for (const f of r.findings.filter((x) => x.ruleId === 'lockdep/circular')) {
          for (const d of f.dependencies) expect(inCycles.has(`${d.from}>${d.to}`)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
