/**
 * The scenario additions the explorer needs: `on_fail:` on trylocks and `repeat:` on tasks, in the
 * parser, the JSON Schema and the docs.
 */
import { describe, expect, it } from 'vitest';
import { LockdepSimError } from '../../src/diag/error.js';
import type { AcquireStep } from '../../src/model/scenario.js';
import { parseScenario } from '../../src/scenario/parse.js';

const head = 'kernel: "6.1.0 #1"\nclasses: { A: mutex, K: kernfs_active }\n';

function issueOf(text: string) {
  try {
    parseScenario(text, 'x.yaml');
  } catch (e) {
    if (e instanceof LockdepSimError) return e.issues[0];
    throw e;
  }
  throw new Error('expected an error');
}

describe('on_fail', () => {
  it('is carried onto trylock and read_trylock steps', () => {
    const s = parseScenario(
      `${head}tasks:\n  - name: t\n    stack: [t+0x1/0x10]\n    steps:\n      - trylock: A\n        on_fail: restart\n      - read_trylock: K\n        on_fail: retry\n      - unlock: K\n      - unlock: A\n`,
      'x.yaml',
    );
    const [a, k] = s.tasks[0]!.steps as AcquireStep[];
    expect(a!.onFail).toBe('restart');
    expect(k!.onFail).toBe('retry');
  });

  it('defaults to nothing (give-up) when absent', () => {
    const s = parseScenario(`${head}tasks: [{ name: t, stack: [t+0x1/0x10], steps: [{ trylock: A }, { unlock: A }] }]\n`, 'x.yaml');
    expect((s.tasks[0]!.steps[0] as AcquireStep).onFail).toBeUndefined();
  });

  it('works inside functions', () => {
    const s = parseScenario(
      `${head}functions:\n  f:\n    size: 0x40\n    steps:\n      - trylock: A\n        at: 0x10\n        on_fail: give-up\n      - unlock: A\n        at: 0x20\ntasks: [{ name: t, stack: [x+0x1/0x10], steps: [{ call: f }] }]\n`,
      'x.yaml',
    );
    expect((s.tasks[0]!.steps[0] as AcquireStep).onFail).toBe('give-up');
  });

  it('is rejected on a blocking lock, with the list of modifiers', () => {
    const i = issueOf(`${head}tasks: [{ name: t, stack: [t+0x1/0x10], steps: [{ lock: A, on_fail: restart }] }]\n`);
    expect(i?.code).toBe('schema');
    expect(i?.message).toContain('`on_fail` does not apply to a `lock` step');
  });

  it('rejects unknown values, naming the three', () => {
    const i = issueOf(`${head}tasks: [{ name: t, stack: [t+0x1/0x10], steps: [{ trylock: A, on_fail: sleep }] }]\n`);
    expect(i?.message).toContain('unknown `on_fail` value `sleep`');
    expect(i?.hint).toContain('`give-up`');
    expect(i?.hint).toContain('`restart`');
    expect(i?.hint).toContain('`retry`');
    expect(i?.span).toMatchObject({ line: 3, col: 72 });
  });
});

describe('repeat', () => {
  it('is read onto the task', () => {
    const s = parseScenario(`${head}tasks: [{ name: t, stack: [t+0x1/0x10], repeat: 3, steps: [{ lock: A }, { unlock: A }] }]\n`, 'x.yaml');
    expect(s.tasks[0]!.repeat).toBe(3);
  });

  it('is absent by default', () => {
    const s = parseScenario(`${head}tasks: [{ name: t, stack: [t+0x1/0x10], steps: [{ lock: A }, { unlock: A }] }]\n`, 'x.yaml');
    expect(s.tasks[0]!.repeat).toBeUndefined();
  });

  it('must be at least 1', () => {
    const i = issueOf(`${head}tasks: [{ name: t, stack: [t+0x1/0x10], repeat: 0, steps: [{ lock: A }, { unlock: A }] }]\n`);
    expect(i?.message).toBe('`repeat` must be at least 1');
  });
});

describe('instances of one class', () => {
  it('two memory blocks share the kn->count class of their `state` files', () => {
    const s = parseScenario(
      `kernel: "5.1.0 #1"\nclasses:\n  memblock_state: { name: kn->count, kind: kernfs_active, version: 424 }\ntasks:\n  - { name: a, stack: [a+0x1/0x10], steps: [{ read_trylock: memblock_state@0 }, { unlock: memblock_state@0 }] }\n  - { name: b, stack: [b+0x1/0x10], steps: [{ read_trylock: memblock_state@1 }, { unlock: memblock_state@1 }] }\n`,
      'x.yaml',
    );
    expect((s.tasks[0]!.steps[0] as AcquireStep).ref).toEqual({ lock: 'memblock_state', instance: 0 });
    expect((s.tasks[1]!.steps[0] as AcquireStep).ref).toEqual({ lock: 'memblock_state', instance: 1 });
  });
});
