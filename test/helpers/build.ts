import type { AcquireStep, Frame, LockClassDecl, ReleaseStep, Scenario, Step, TaskDef } from '../../src/model/index.js';
import type { LockKind } from '../../src/model/lock-kind.js';

/** A tiny scenario builder for validator tests (no YAML involved). */
const span = (line = 1) => ({ file: 'test.yaml', line, col: 1 });
const frame = (symbol: string): Frame => ({ symbol, offset: 0x10, size: 0x100 });

export type Op =
  | string // "A" lock, "A:r" read, "A:R" recursive read, "A:t" trylock, "-A" release
  | Step;

let line = 1;

function acquire(spec: string): AcquireStep {
  const [name, mode = 'W'] = spec.split(':') as [string, string?];
  const [lock, inst] = name.split('@') as [string, string?];
  return {
    op: 'acquire',
    ref: { lock, instance: inst ? Number(inst) : 0 },
    read: mode === 'r' ? 1 : mode === 'R' ? 2 : 0,
    trylock: mode === 't',
    subclass: 0,
    check: true,
    ip: frame(`take_${lock}`),
    stack: [frame(`take_${lock}`), frame('task_fn')],
    span: span(line++),
  };
}

function release(name: string): ReleaseStep {
  const [lock, inst] = name.split('@') as [string, string?];
  return { op: 'release', ref: { lock, instance: inst ? Number(inst) : 0 }, ip: frame(`drop_${lock}`), stack: [frame(`drop_${lock}`)], span: span(line++) };
}

export function task(name: string, ops: Op[], pid = 100): TaskDef {
  line = 1;
  const steps: Step[] = ops.map((o) => (typeof o !== 'string' ? o : o.startsWith('-') ? release(o.slice(1)) : acquire(o)));
  return { name, pid, cpu: 0, steps, span: span() };
}

export function scenario(tasks: TaskDef[], opts: { kernel?: string; kinds?: Record<string, LockKind> } = {}): Scenario {
  const names = new Set<string>();
  for (const t of tasks) for (const s of t.steps) if ('ref' in s) names.add(s.ref.lock);
  const classes: LockClassDecl[] = [...names].map((id) => ({ id, name: id, kind: opts.kinds?.[id] ?? 'mutex', novalidate: false, span: span() }));
  return { file: 'test.yaml', kernel: opts.kernel ?? '6.1.0 #1', classes, tasks, span: span() };
}
