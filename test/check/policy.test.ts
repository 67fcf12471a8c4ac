import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/check.js';
import { matchesClass, parseClassName } from '../../src/check/names.js';
import { compilePolicy, parsePolicy, policyLockOf } from '../../src/check/policy.js';
import { LockdepSimError } from '../../src/diag/error.js';
import { scenario, task } from '../helpers/build.js';
import { cli } from './cli-helper.js';

const P = (text: string) => parsePolicy(text, 'p.yaml');

function issue(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (e instanceof LockdepSimError) return e.issues[0];
    throw e;
  }
  throw new Error('no error');
}

/** One task per pair: `A>B` takes A, then B. */
function pairs(...ps: string[]) {
  return scenario(ps.map((p, i) => {
    const [a, b] = p.split('>') as [string, string];
    return task(`T${i}`, [a, b, `-${b}`, `-${a}`], 100 + i);
  }));
}

describe('policy files', () => {
  it('reads levels (a name or a list), rules, never-nested pairs and exceptions with positions', () => {
    const p = P(['levels:', '  - A', '  - [B, "C#2"]', 'rules:', '  - "B before C#2"', 'never-nested:', '  - [A, D]', 'exceptions:', '  - { from: B, to: A, reason: "boot only" }', ''].join('\n'));
    expect(p.levels.map((l) => l.names.map((n) => n.text))).toEqual([['A'], ['B', 'C#2']]);
    expect(p.levels[1]!.names[1]!.span).toEqual({ file: 'p.yaml', line: 3, col: 9 });
    expect(p.rules[0]).toMatchObject({ before: { text: 'B' }, after: { text: 'C#2' }, span: { line: 5, col: 5 } });
    expect(p.neverNested[0]).toMatchObject({ a: { text: 'A' }, b: { text: 'D' } });
    expect(p.exceptions[0]).toMatchObject({ from: { text: 'B' }, to: { text: 'A' }, reason: 'boot only' });
  });

  it('rejects mistakes with file:line:col', () => {
    expect(issue(() => P('levels: [A]\nrulez: []\n'))).toMatchObject({ code: 'schema', message: 'unknown policy key `rulez`', span: { line: 2, col: 1 } });
    expect(issue(() => P('rules:\n  - "A after B"\n'))).toMatchObject({ message: 'a rule must read "A before B"', span: { line: 2, col: 5 } });
    expect(issue(() => P('exceptions:\n  - { from: A, to: B }\n'))).toMatchObject({ message: 'an exception needs a `reason`' });
    expect(issue(() => P('never-nested:\n  - [A]\n'))).toMatchObject({ message: 'a never-nested entry must be a pair of locks', span: { line: 2, col: 5 } });
    expect(issue(() => P('levels: [A\n'))).toMatchObject({ code: 'yaml-syntax' });
  });

  it('a cyclic policy is an input error that prints the cycle', () => {
    const i = issue(() => compilePolicy(P('levels:\n  - A\n  - B\nrules:\n  - "B before A"\n')));
    expect(i).toMatchObject({ code: 'schema', span: { line: 5, col: 5 } });
    expect(i!.message).toBe('the policy is cyclic: A -> B -> A: A before B (levels 0 -> 1, p.yaml:3:5), B before A (rule "B before A", p.yaml:5:5)');
    expect(issue(() => compilePolicy(P('rules: ["X before Y", "Y before Z", "Z before X"]\n')))!.message).toMatch(/^the policy is cyclic: X -> Y -> Z -> X: /);
    expect(issue(() => compilePolicy(P('levels: [A, [B, A]]\n')))!.message).toBe('`A` is in two levels (0 and 1)');
  });

  it('exits 2 on a cyclic policy, printing the cycle', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/lockdep-sim-policy-`);
    writeFileSync(`${dir}/p.yaml`, 'rules:\n  - "&foo->dev_lock before foo_list_lock"\n  - "foo_list_lock before &foo->dev_lock"\n');
    const r = await cli('check', 'scenarios/abba.yaml', '--policy', `${dir}/p.yaml`);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[schema]: the policy is cyclic: &foo->dev_lock -> foo_list_lock -> &foo->dev_lock');
  });
});

describe('class names in policies', () => {
  it('a name without #N matches every version, without /S every subclass; the most specific pattern governs', () => {
    const p = (s: string) => parseClassName(s);
    expect(p('&type->s_umount_key#2/1')).toEqual({ base: '&type->s_umount_key', version: 2, subclass: 1 });
    expect(matchesClass(p('kn->count'), p('kn->count#424'))).toBe(true);
    expect(matchesClass(p('kn->count#424'), p('kn->count'))).toBe(false);
    expect(matchesClass(p('X#1'), p('X'))).toBe(true);
    expect(matchesClass(p('X/0'), p('X/1'))).toBe(false);
    const cp = compilePolicy(P('levels: [X, "X/1"]\n'));
    expect(policyLockOf(cp, 'X')!.pattern).toBe('X');
    expect(policyLockOf(cp, 'X/1')!.pattern).toBe('X/1');
    expect(policyLockOf(cp, 'X#3/1')!.pattern).toBe('X/1');
    expect(policyLockOf(cp, 'Y')).toBeUndefined();
  });
});

describe('policy violations', () => {
  const rules = (r: ReturnType<typeof runCheck>, id: string) => r.result.findings.filter((f) => f.ruleId === id);

  it('reports each dependency against the declared order, at the step that created it', () => {
    const r = runCheck([pairs('A>B', 'C>B')], { policy: P('levels: [B, [A, C]]\n') });
    const v = rules(r, 'lockdep-sim/policy-order');
    expect(v.map((f) => f.dependencies.map((d) => `${d.from}>${d.to}`))).toEqual([['A>B'], ['C>B']]);
    expect(v[0]!.message).toBe('`B` taken while holding `A`, but the policy puts `B` before `A` (levels 0 -> 1 at p.yaml:1:14)');
    expect(v[0]!.location).toEqual({ file: 'test.yaml', line: 2, col: 1 });
    expect(v[0]!.stack).toEqual(['take_B+0x10/0x100', 'task_fn+0x10/0x100']);
    expect(v[0]!.related).toEqual([{ message: 'declared: B before A (levels 0 -> 1)', location: { file: 'p.yaml', line: 1, col: 14 } }]);
  });

  it('nesting two locks of one level is a violation unless a rule orders them', () => {
    expect(rules(runCheck([pairs('A>B')], { policy: P('levels: [[A, B]]\n') }), 'lockdep-sim/policy-order')[0]!.message).toMatch(/both are in level 0/);
    expect(rules(runCheck([pairs('A>B')], { policy: P('levels: [[A, B]]\nrules: ["A before B"]\n') }), 'lockdep-sim/policy-order')).toEqual([]);
  });

  it('an order broken only through a lock the policy leaves out is reported with the path', () => {
    const v = rules(runCheck([pairs('B>X', 'X>A')], { policy: P('levels: [A, B]\n') }), 'lockdep-sim/policy-order');
    expect(v).toHaveLength(1);
    expect(v[0]!.dependencies.map((d) => `${d.from}>${d.to}`)).toEqual(['B>X', 'X>A']);
    expect(v[0]!.message).toMatch(/^`B` is held before `A` through B -> X -> A/);
  });

  it('never-nested pairs held together in either order, also not directly adjacent', () => {
    const s = scenario([task('T0', ['A', 'X', 'B', '-B', '-X', '-A'], 1), task('T1', ['C', 'D', '-D', '-C'], 2)]);
    const v = rules(runCheck([s], { policy: P('never-nested: [[B, A], [C, D]]\n') }), 'lockdep-sim/never-nested');
    expect(v.map((f) => f.message)).toEqual([
      '`B` taken while holding `A`, but the policy says `B` and `A` are never nested',
      '`D` taken while holding `C`, but the policy says `C` and `D` are never nested',
    ]);
    expect(v[0]!.location.line).toBe(3);
  });

  it('an exception suppresses the matching findings (they do not count) and says why', () => {
    const policy = P('levels: [B, A]\nexceptions:\n  - { from: A, to: B, reason: "A is only taken at boot", rules: [lockdep-sim/policy-order] }\n');
    const r = runCheck([pairs('A>B')], { policy });
    const f = rules(r, 'lockdep-sim/policy-order')[0]!;
    expect(f.suppressed).toEqual({ reason: 'A is only taken at boot', at: { file: 'p.yaml', line: 3, col: 5 } });
    expect(r.result.summary).toMatchObject({ error: 0, suppressed: 1 });
  });

  it('notes policy names that match no class, with a suggestion', () => {
    const f = rules(runCheck([pairs('alpha>betta')], { policy: P('levels: [alpha, beta]\n') }), 'lockdep-sim/policy-unknown-lock');
    expect(f.map((x) => x.message)).toEqual(['`beta` in the policy matches no lock class of the inputs (did you mean `betta`?)']);
    expect(f[0]!.level).toBe('note');
  });
});
