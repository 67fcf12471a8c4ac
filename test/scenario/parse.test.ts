import { describe, expect, it } from 'vitest';
import { formatFrame } from '../../src/model/frame.js';
import type { AcquireStep, Step } from '../../src/model/scenario.js';
import { parseScenario } from '../../src/scenario/parse.js';

const parse = (text: string) => parseScenario(text, 't.yaml');
const frames = (s: Step) => s.stack.map(formatFrame);
const describeStep = (s: Step): string => {
  switch (s.op) {
    case 'acquire':
      return `acquire ${s.ref.lock}@${s.ref.instance} read=${s.read}${s.trylock ? ' try' : ''}${s.check ? '' : ' check=0'}${s.subclass ? ` sub=${s.subclass}` : ''}${s.nest ? ` nest=${s.nest.lock}@${s.nest.instance}` : ''}${s.qrwlockRead ? ' qrw' : ''} ip=${formatFrame(s.ip)}`;
    case 'release':
    case 'downgrade':
      return `${s.op} ${s.ref.lock}@${s.ref.instance} ip=${formatFrame(s.ip)}`;
    case 'setsub':
      return `setsub ${s.ref.lock}@${s.ref.instance} sub=${s.subclass} ip=${formatFrame(s.ip)}`;
    case 'free':
      return `free ${s.ref.lock}@${s.ref.instance}`;
    case 'irq-enter':
      return `irq-enter ${s.context}`;
    case 'irqoff':
    case 'irqon':
    case 'bhoff':
    case 'bhon':
      return `${s.op} ip=${formatFrame(s.ip)}`;
    default:
      return s.op;
  }
};

describe('top level', () => {
  it('reads kernel, taint, hardware, config and kernel_frames', () => {
    const s = parse(`
kernel: "5.1.0-rc7+ #13"
taint: "Tainted: G           O     "
hardware: QEMU Standard PC
arch: arm64
description: whatever
config: { debug_lockdep: true, lock_stat: false, prove_raw_lock_nesting: true }
kernel_frames:
  lock_acquire: [lock_acquire+0x9e/0x180]
  circular: [dump_stack+0x85/0xc0]
  limit:MAX_LOCK_DEPTH: [dump_stack+0x85/0xc0]
  key:&dev->lock#2: [__key.60862+0x0/0x10]
tasks: []
`);
    expect(s).toMatchObject({
      file: 't.yaml',
      kernel: '5.1.0-rc7+ #13',
      taint: 'Tainted: G           O     ',
      hardware: 'QEMU Standard PC',
      arch: 'arm64',
      config: { debugLockdep: true, lockStat: false, proveRawLockNesting: true },
      classes: [],
      tasks: [],
      span: { file: 't.yaml', line: 2, col: 1 },
    });
    expect(Object.keys(s.kernelFrames!)).toEqual(['lock_acquire', 'circular', 'limit:MAX_LOCK_DEPTH', 'key:&dev->lock#2']);
    expect(s.kernelFrames!['lock_acquire']).toEqual([{ symbol: 'lock_acquire', offset: 0x9e, size: 0x180 }]);
    expect(s.taint).not.toBeUndefined();
  });

  it('leaves optional fields out when absent', () => {
    const s = parse('kernel: "6.1.0"\ntasks: []\n');
    expect(s.taint).toBeUndefined();
    expect(s.hardware).toBeUndefined();
    expect(s.arch).toBeUndefined();
    expect(s.config).toBeUndefined();
    expect(s.kernelFrames).toBeUndefined();
    expect(s.schedule).toBeUndefined();
  });
});

describe('classes', () => {
  it('applies defaults and the shorthand', () => {
    const s = parse(`
kernel: "6.1.0"
classes:
  A: spinlock
  B:
  C:
    name: "&of->mutex"
    kind: rw_semaphore
    version: 424
    novalidate: true
    wait: { inner: 3 }
tasks: []
`);
    expect(s.classes).toEqual([
      { id: 'A', name: 'A', kind: 'spinlock', novalidate: false, span: { file: 't.yaml', line: 4, col: 3 } },
      { id: 'B', name: 'B', kind: 'mutex', novalidate: false, span: { file: 't.yaml', line: 5, col: 3 } },
      {
        id: 'C',
        name: '&of->mutex',
        kind: 'rw_semaphore',
        version: 424,
        novalidate: true,
        wait: { outer: 0, inner: 3 },
        span: { file: 't.yaml', line: 6, col: 3 },
      },
    ]);
  });
});

describe('steps', () => {
  const header = `
kernel: "6.1.0"
classes:
  M: mutex
  S: spinlock
  RW: rw_semaphore
  Q: rwlock
  MAP: lockdep_map
  R: rcu
  NV: { novalidate: true }
  K: kernfs_active
`;
  const run = (steps: string) =>
    parse(`${header}tasks:
  - name: t
    stack: [base+0x10/0x40, outer+0x20/0x80]
    steps:
${steps}`).tasks[0]!.steps.map(describeStep);

  it('maps every operation to lock_acquire arguments', () => {
    expect(
      run(`      - lock: M
      - trylock: M@1
      - read: RW
      - read_trylock: K
      - read: MAP
      - read: Q
      - recursive_read: RW
      - read: R
      - lock: NV
      - lock: S
        check: false
      - lock: M@2
        subclass: 1
        nest_lock: S
      - downgrade: RW
      - set_subclass: M
        subclass: 2
      - unlock: M
      - free: S@3
      - irq: off
      - bh: off
      - bh: on
      - irq: on
      - return_to_user: true
`),
    ).toEqual([
      'acquire M@0 read=0 ip=base+0x10/0x40',
      'acquire M@1 read=0 try ip=base+0x10/0x40',
      'acquire RW@0 read=1 ip=base+0x10/0x40',
      'acquire K@0 read=1 try ip=base+0x10/0x40',
      'acquire MAP@0 read=2 ip=base+0x10/0x40',
      'acquire Q@0 read=2 qrw ip=base+0x10/0x40',
      'acquire RW@0 read=2 ip=base+0x10/0x40',
      'acquire R@0 read=2 check=0 ip=base+0x10/0x40',
      'acquire NV@0 read=0 check=0 ip=base+0x10/0x40',
      'acquire S@0 read=0 check=0 ip=base+0x10/0x40',
      'acquire M@2 read=0 sub=1 nest=S@0 ip=base+0x10/0x40',
      'downgrade RW@0 ip=base+0x10/0x40',
      'setsub M@0 sub=2 ip=base+0x10/0x40',
      'release M@0 ip=base+0x10/0x40',
      'free S@3',
      'irqoff ip=base+0x10/0x40',
      'bhoff ip=base+0x10/0x40',
      'bhon ip=base+0x10/0x40',
      'irqon ip=base+0x10/0x40',
      'sysexit',
    ]);
  });

  it('wraps hardirq and softirq bodies in irq-enter / irq-exit', () => {
    expect(
      run(`      - lock: M
      - hardirq:
          - lock: S
          - softirq:
              - unlock: S
      - unlock: M
`),
    ).toEqual(['acquire M@0 read=0 ip=base+0x10/0x40', 'irq-enter hardirq', 'acquire S@0 read=0 ip=base+0x10/0x40', 'irq-enter softirq', 'release S@0 ip=base+0x10/0x40', 'irq-exit', 'irq-exit', 'release M@0 ip=base+0x10/0x40']);
  });

  it('chooses the ip: self, caller, explicit frame, after via frames', () => {
    const s = parse(`${header}
functions:
  inner:
    size: 0x80
    steps:
      - lock: M
        at: 0x10
        via: [__mutex_lock+0x82/0x9a0]
      - read: RW
        at: 0x20
        ip: caller
      - unlock: RW
        at: 0x30
        ip: "explicit+0x1/0x2 [mod]"
  outer:
    size: 0x100
    module: m
    steps:
      - call: inner
        at: 0xa0
tasks:
  - name: t
    stack: [base+0x10/0x40]
    steps:
      - call: outer
`);
    const [a, b, c] = s.tasks[0]!.steps as [AcquireStep, AcquireStep, Step];
    expect(frames(a)).toEqual(['__mutex_lock+0x82/0x9a0', 'inner+0x10/0x80', 'outer+0xa0/0x100 [m]', 'base+0x10/0x40']);
    expect(formatFrame(a.ip)).toBe('inner+0x10/0x80');
    expect(frames(b)).toEqual(['inner+0x20/0x80', 'outer+0xa0/0x100 [m]', 'base+0x10/0x40']);
    expect(formatFrame(b.ip)).toBe('outer+0xa0/0x100 [m]');
    expect(describeStep(c)).toBe('release RW@0 ip=explicit+0x1/0x2 [mod]');
    expect(a.path).toEqual(['outer', 'inner']);
  });

  it('keeps the span of each step, also inside functions', () => {
    const s = parse(`kernel: "6.1.0"
classes: { A: mutex }
functions:
  f:
    size: 0x40
    steps:
      - lock: A
        at: 0x8
      -   unlock: A
tasks:
  - name: t
    stack: [base+0x0/0x10]
    steps:
      - call: f
      - lock: A@1
`);
    expect(s.tasks[0]!.steps.map((x) => [x.span.line, x.span.col])).toEqual([
      [7, 9],
      [9, 11],
      [15, 9], // line 14 is the `call: f`, which expands to the two steps above
    ]);
    expect(s.tasks[0]!.span).toEqual({ file: 't.yaml', line: 11, col: 5 });
  });
});

describe('functions, parameters and arguments', () => {
  const base = `kernel: "6.1.0"
classes:
  dev: { name: "&dev->mutex" }
  act: kernfs_active
functions:
  store_a:
    size: 0x40
    params: [d]
    steps:
      - lock: $d
        at: 0x4
      - unlock: $d
        at: 0x8
  write:
    size: 0x100
    params: [active?, store]
    steps:
      - read_trylock: $active
        at: 0x10
      - call: $store
        at: 0x20
      - unlock: $active
        at: 0x30
`;

  it('substitutes $param with lock references and instances', () => {
    const s = parse(`${base}tasks:
  - name: t
    stack: [sys+0x1/0x10]
    steps:
      - call: write
        args:
          active: act@7
          store: { call: store_a, args: { d: dev@3 } }
`);
    const steps = s.tasks[0]!.steps;
    expect(steps.map(describeStep)).toEqual([
      'acquire act@7 read=1 try ip=write+0x10/0x100',
      'acquire dev@3 read=0 ip=store_a+0x4/0x40',
      'release dev@3 ip=store_a+0x8/0x40',
      'release act@7 ip=write+0x30/0x100',
    ]);
    expect(frames(steps[1]!)).toEqual(['store_a+0x4/0x40', 'write+0x20/0x100', 'sys+0x1/0x10']);
    expect(steps[1]!.path).toEqual(['write', 'store_a']);
  });

  it('skips lock steps and calls on ~ (and on omitted optional parameters)', () => {
    const s = parse(`${base}tasks:
  - name: t
    stack: [sys+0x1/0x10]
    steps:
      - call: write
        args: { store: ~ }
      - call: write
        args: { active: ~, store: { call: store_a, args: { d: dev } } }
`);
    expect(s.tasks[0]!.steps.map(describeStep)).toEqual(['acquire dev@0 read=0 ip=store_a+0x4/0x40', 'release dev@0 ip=store_a+0x8/0x40']);
  });

  it('passes a plain function name as a function argument', () => {
    const s = parse(`kernel: "6.1.0"
classes: { A: mutex }
functions:
  cb:
    size: 0x10
    steps: [{ lock: A, at: 0x4 }, { unlock: A, at: 0x8 }]
  runner:
    size: 0x20
    params: [fn]
    steps: [{ call: $fn, at: 0x12 }]
tasks:
  - name: t
    stack: [k+0x0/0x4]
    steps: [{ call: runner, args: { fn: cb } }]
`);
    expect(frames(s.tasks[0]!.steps[0]!)).toEqual(['cb+0x4/0x10', 'runner+0x12/0x20', 'k+0x0/0x4']);
  });

  it('allows a function to re-enter itself through a function argument', () => {
    const s = parse(`kernel: "6.1.0"
classes: { A: mutex }
functions:
  leaf:
    size: 0x10
    steps: [{ lock: A, at: 0x2 }]
  drive:
    size: 0x40
    params: [then?]
    steps: [{ call: $then, at: 0x20 }]
tasks:
  - name: t
    stack: [k+0x0/0x4]
    steps:
      - call: drive
        args: { then: { call: drive, args: { then: leaf } } }
`);
    expect(frames(s.tasks[0]!.steps[0]!)).toEqual(['leaf+0x2/0x10', 'drive+0x20/0x40', 'drive+0x20/0x40', 'k+0x0/0x4']);
  });
});

describe('tasks and schedule', () => {
  it('applies pid and cpu defaults and maps slices to task indices', () => {
    const s = parse(`kernel: "6.1.0"
classes: { A: mutex }
tasks:
  - name: t1
    stack: [k+0x0/0x4]
    steps: [{ lock: A }, { unlock: A }]
  - name: t2
    pid: 7
    cpu: 3
    stack: [k+0x0/0x4]
    steps: [{ lock: A }, { unlock: A }]
schedule:
  - { task: t2, steps: 1 }
  - task: 0
    steps: 2
`);
    expect(s.tasks.map((t) => [t.name, t.pid, t.cpu])).toEqual([
      ['t1', 1000, 0],
      ['t2', 7, 3],
    ]);
    expect(s.schedule).toEqual([
      { task: 1, steps: 1, span: { file: 't.yaml', line: 13, col: 5 } },
      { task: 0, steps: 2, span: { file: 't.yaml', line: 14, col: 5 } },
    ]);
  });

  it('resolves YAML aliases', () => {
    const s = parse(`kernel: "6.1.0"
classes: { A: mutex }
tasks:
  - name: t1
    stack: &base [k+0x1/0x4]
    steps: &body [{ lock: A }, { unlock: A }]
  - name: t2
    stack: *base
    steps: *body
`);
    expect(s.tasks.map((t) => t.steps.map(describeStep))).toEqual([
      ['acquire A@0 read=0 ip=k+0x1/0x4', 'release A@0 ip=k+0x1/0x4'],
      ['acquire A@0 read=0 ip=k+0x1/0x4', 'release A@0 ip=k+0x1/0x4'],
    ]);
  });
});
