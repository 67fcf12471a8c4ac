/**
 * Golden tests of the text reporter against real kernel output: each finding below is built by hand
 * from what the captured report shows (names, usages, addresses, frames) and must render to the
 * captured text byte for byte. Captures: test/fixtures/text/oracle-6.1-*.dmesg (copies of
 * shared/oracle/replay, Linux 6.1.192), oracle-6.12-* (replay-6.12) and the 5.1 seed splat.
 * Timestamps, ` ? ` frames and the register dump (except `RIP:`) are dropped from the expected text.
 */
import { describe, expect, it } from 'vitest';
import type {
  BadUnlockFinding,
  CircularFinding,
  ClassBlockDesc,
  Finding,
  HeldLockFreedFinding,
  InconsistentFinding,
  IrqInversionFinding,
  IrqSafeUnsafeFinding,
  LimitFinding,
  NestedNotTakenFinding,
  RecursiveFinding,
  WaitContextFinding,
} from '../../src/model/findings.js';
import type { Frame } from '../../src/model/frame.js';
import { renderFinding, renderFindings } from '../../src/reporters/text/index.js';
import {
  base,
  cls,
  collapse,
  expectedFromDmesg,
  fixture,
  fr,
  frames,
  lock,
  oracleContext,
} from '../fixtures/text/finding-builder.js';

const ctx61 = oracleContext();

const T_TAIL = frames(`
  kthread+0xb3/0xbb
  ret_from_fork+0x1f/0x30
`);
/** Stack of the early replay cases (locks taken straight from rp_task_fn). */
const TASK_STACK = [fr('rp_task_fn+0xa2/0x217 [lockdep_replay]'), ...T_TAIL];
/** Stack of the later cases (rp_exec_lockop in task context). */
const EXEC_STACK = frames(`
  rp_exec_lockop+0xa7/0x186 [lockdep_replay]
  rp_task_fn+0xa9/0x5c0 [lockdep_replay]
  kthread+0xb3/0xbb
  ret_from_fork+0x1f/0x30
`);
/** rp_exec_lockop inside a hardirq (irq_work) that interrupted rp_task_fn. */
const HARDIRQ_STACK = frames(`
  rp_exec_lockop+0xa7/0x186 [lockdep_replay]
  rp_block_body+0x95/0xbb [lockdep_replay]
  irq_work_single+0x25/0x76
  irq_work_run_list+0x29/0x33
  irq_work_run+0x14/0x25
  __sysvec_irq_work+0x79/0xd7
  sysvec_irq_work+0x57/0x71
  asm_sysvec_irq_work+0x16/0x20
  arch_irq_work_raise+0x1c/0x27
  irq_work_queue+0x1a/0x27
  rp_task_fn+0x1b4/0x5c0 [lockdep_replay]
  kthread+0xb3/0xbb
  ret_from_fork+0x1f/0x30
`);
/** rp_exec_lockop inside a tasklet run by local_bh_enable(). */
const SOFTIRQ_STACK = frames(`
  rp_exec_lockop+0xa7/0x186 [lockdep_replay]
  rp_block_body+0x95/0xbb [lockdep_replay]
  tasklet_action_common.constprop.0+0x79/0xcf
  handle_softirqs+0x145/0x2cd
  do_softirq+0x83/0xb1
  __local_bh_enable_ip+0x8e/0x9e
  rp_task_fn+0x253/0x5c0 [lockdep_replay]
  kthread+0xb3/0xbb
  ret_from_fork+0x1f/0x30
`);
const EXEC_AT = 'rp_exec_lockop+0x74/0x186 [lockdep_replay]';

/** A two-class ABBA circular finding of the early replay cases. */
function abba(
  pid: number,
  cpu: number,
  a: { usage: string; read?: 0 | 1 | 2 },
  b: { usage: string; read?: 0 | 1 | 2 },
): CircularFinding {
  const A = lock('ffffc90000015050', 'A', a.usage, { read: a.read ?? 0 });
  const B = lock('ffffc900000150d8', 'B', b.usage, { read: b.read ?? 0 });
  return {
    ...base({ comm: 'T2', pid, cpu }, TASK_STACK, { held: [B] }),
    kind: 'circular',
    next: A,
    prev: B,
    chain: [
      { cls: B.cls, trace: TASK_STACK, current: false },
      { cls: A.cls, trace: TASK_STACK, current: true },
    ],
    scenario: { source: 'A', parent: 'A', target: 'B' },
  };
}

function checkOracle(f: Finding, file: string, opts: { leadingBlank?: boolean } = {}) {
  expect(renderFinding(f, ctx61)).toBe(expectedFromDmesg(file, opts));
}

describe('circular (6.1.192)', () => {
  it('renders a two-class cycle without "Chain exists of:" (case 001)', () => {
    checkOracle(abba(39, 1, { usage: '+.+.' }, { usage: '+.+.' }), 'oracle-6.1-001-abba-2tasks.dmesg');
  });

  it('renders a three-class cycle with "Chain exists of:" (case 002)', () => {
    const A = lock('ffffc90000015050', 'A', '+.+.');
    const C = lock('ffffc90000015160', 'C', '+.+.');
    const f: CircularFinding = {
      ...base({ comm: 'T2', pid: 39, cpu: 0 }, TASK_STACK, { held: [C] }),
      kind: 'circular',
      next: A,
      prev: C,
      chain: [
        { cls: C.cls, trace: TASK_STACK, current: false },
        { cls: cls('B', '+.+.'), trace: TASK_STACK, current: false },
        { cls: A.cls, trace: TASK_STACK, current: true },
      ],
      scenario: { source: 'A', parent: 'B', target: 'C' },
    };
    checkOracle(f, 'oracle-6.1-002-abc-ca-3locks.dmesg');
  });

  it('prints rlock( first when prev is held as a reader (case 011)', () => {
    checkOracle(abba(40, 0, { usage: '+.+.' }, { usage: '++++', read: 1 }), 'oracle-6.1-011-abba-WW-RW.dmesg');
  });

  it('prints rlock( on both CPU0 lines when both are readers (case 012)', () => {
    checkOracle(
      abba(39, 0, { usage: '.+.+', read: 1 }, { usage: '.+.+', read: 1 }),
      'oracle-6.1-012-abba-RR-RR.dmesg',
    );
  });

  it('prints rlock( last when next is a read acquisition (case 017)', () => {
    checkOracle(abba(39, 1, { usage: '.+.+', read: 1 }, { usage: '+.+.' }), 'oracle-6.1-017-abba-RW-WR.dmesg');
  });
});

describe('circular, longer paths and irq traces (6.1.192)', () => {
  it('renders a 12-edge path with 13 entries and two-digit held-lock indexes (case 058)', () => {
    const addrs = [
      'a66000', 'a68000', 'a67000', 'c3d000', 'c3e000', 'c3f000',
      'c40000', 'c41000', 'c42000', 'c43000', 'c44000', 'c45000',
    ];
    const held = addrs.map((a, i) =>
      lock(`ffff888000${a}`, `L${String(i + 1).padStart(2, '0')}`, '+.+.', { at: EXEC_AT }),
    );
    const X = lock('ffff888000a72000', 'X', '+.+.', { at: EXEC_AT });
    const prev = held[11]!;
    const f: CircularFinding = {
      ...base({ comm: 'T1', pid: 40, cpu: 1 }, EXEC_STACK, { held }),
      kind: 'circular',
      next: X,
      prev,
      chain: [
        ...[...held].reverse().map((h) => ({ cls: h.cls, trace: EXEC_STACK, current: false })),
        { cls: X.cls, trace: EXEC_STACK, current: true },
      ],
      scenario: { source: 'X', parent: 'L11', target: 'L12' },
    };
    checkOracle(f, 'oracle-6.1-058-depth12-cycle-through-bottom.dmesg');
  });

  it('prints an edge trace saved in a hardirq as plain frames (case 078)', () => {
    const A = lock('ffff888000a14000', 'A', '-...', { wait: '2:2', at: EXEC_AT });
    const B = lock('ffff888000a2b000', 'B', '-...', { wait: '2:2', at: EXEC_AT });
    const f: CircularFinding = {
      ...base({ comm: 'T2', pid: 38, cpu: 1 }, EXEC_STACK, { held: [B] }),
      kind: 'circular',
      next: A,
      prev: B,
      chain: [
        { cls: B.cls, trace: HARDIRQ_STACK, current: false },
        { cls: A.cls, trace: EXEC_STACK, current: true },
      ],
      scenario: { source: 'A', parent: 'A', target: 'B' },
    };
    checkOracle(f, 'oracle-6.1-078-cycle-across-irq-contexts.dmesg');
  });
});

describe('recursive (6.1.192)', () => {
  function aa(usage: string, read: 0 | 1): RecursiveFinding {
    const A = lock('ffffc90000015050', 'A', usage, { read });
    return {
      ...base({ comm: 'T1', pid: 39, cpu: 0 }, TASK_STACK, { held: [A] }),
      kind: 'recursive',
      next: A,
      prev: A,
    };
  }
  it('renders a W/W self-deadlock (case 004)', () => {
    checkOracle(aa('+.+.', 0), 'oracle-6.1-004-aa-write.dmesg');
  });
  it('still prints lock( twice for readers (case 006)', () => {
    checkOracle(aa('.+.+', 1), 'oracle-6.1-006-aa-read-read.dmesg');
  });
});

describe('bad unlock balance (6.1.192)', () => {
  it('renders the release ip with print_ip_sym() (case 025)', () => {
    const ip = fr('rp_task_fn+0x56/0x217 [lockdep_replay]');
    const f: BadUnlockFinding = {
      ...base({ comm: 'T1', pid: 38, cpu: 0 }, [fr('rp_task_fn+0xc2/0x217 [lockdep_replay]'), ...T_TAIL]),
      kind: 'bad-unlock',
      mapName: 'A',
      ip,
    };
    const ctx = oracleContext('6.1.192 #2', {
      ipAddresses: { 'rp_task_fn+0x56/0x217 [lockdep_replay]': 'ffffffffa0000790' },
    });
    expect(renderFinding(f, ctx)).toBe(expectedFromDmesg('oracle-6.1-025-bad-unlock.dmesg'));
  });
});

describe('invalid wait context (6.1.192)', () => {
  it('renders a mutex under a spinlock with context-{4:4} (case 032)', () => {
    const f: WaitContextFinding = {
      ...base({ comm: 'T1', pid: 38, cpu: 1 }, TASK_STACK, {
        held: [lock('ffffc90000015050', 'S', '+.+.', { wait: '2:2' })],
      }),
      kind: 'wait-context',
      next: lock('ffffc900000150d8', 'M', '....'),
      contextWait: 4,
    };
    checkOracle(f, 'oracle-6.1-032-invalid-wait-context.dmesg');
  });

  it('renders a mutex in a hardirq inside <IRQ> markers (case 060)', () => {
    const f: WaitContextFinding = {
      ...base({ comm: 'T1', pid: 38, cpu: 1 }, HARDIRQ_STACK, { context: 'hardirq' }),
      kind: 'wait-context',
      next: lock('ffff888000a44000', 'M', '....', { at: EXEC_AT }),
      contextWait: 2,
    };
    checkOracle(f, 'oracle-6.1-060-mutex-in-hardirq.dmesg');
  });
});

/** The irq-trace lines that every inconsistent case shows for a fresh kthread. */
const IRQ_ADDRS = {
  '__up_console_sem+0x5b/0x6a': 'ffffffff8107ed24',
  '__up_console_sem+0x40/0x6a': 'ffffffff8107ed09',
  'copy_process+0x6a1/0x14d2': 'ffffffff81036be5',
  'sysvec_irq_work+0xa/0x71': 'ffffffff8125c0e7',
};

describe('inconsistent lock state (6.1.192)', () => {
  function inconsistent(
    pid: number,
    cpu: number,
    opts: {
      old: string;
      nu: string;
      usage: string;
      wait: string;
      inst: string;
      hardirq: boolean;
      registered: Frame[];
      stamp: number;
      hardDisabled: [number, string];
    },
  ): InconsistentFinding {
    return {
      ...base({ comm: 'T2', pid, cpu }, opts.hardirq ? HARDIRQ_STACK : EXEC_STACK, {
        context: opts.hardirq ? 'hardirq' : 'process',
      }),
      kind: 'inconsistent',
      oldUsage: opts.old,
      newUsage: opts.nu,
      irqState: {
        hardirqContext: opts.hardirq ? 1 : 0,
        hardirqCount: opts.hardirq ? 1 : 0,
        softirqContext: 0,
        softirqCount: 0,
        hardirqsEnabled: opts.hardirq ? 0 : 1,
        softirqsEnabled: 1,
      },
      lock: lock(opts.inst, 'L', opts.usage, { wait: opts.wait, at: EXEC_AT }),
      registeredTrace: opts.registered,
      irqTrace: {
        stamp: opts.stamp,
        hardirqsEnabled: { event: 21, ip: fr('__up_console_sem+0x5b/0x6a') },
        hardirqsDisabled: { event: opts.hardDisabled[0], ip: fr(opts.hardDisabled[1]) },
        softirqsEnabled: { event: 0, ip: fr('copy_process+0x6a1/0x14d2') },
        softirqsDisabled: { event: 0 },
      },
    };
  }
  const ctx = oracleContext('6.1.192 #2', { ipAddresses: IRQ_ADDRS });

  it('renders IN-HARDIRQ-W -> HARDIRQ-ON-W (case 039)', () => {
    const f = inconsistent(39, 1, {
      old: 'IN-HARDIRQ-W',
      nu: 'HARDIRQ-ON-W',
      usage: '?...',
      wait: '2:2',
      inst: 'ffff888000959000',
      hardirq: false,
      registered: HARDIRQ_STACK,
      stamp: 21,
      hardDisabled: [20, '__up_console_sem+0x40/0x6a'],
    });
    expect(renderFinding(f, ctx)).toBe(expectedFromDmesg('oracle-6.1-039-inconsistent-in-hardirq-then-irqs-on.dmesg'));
  });

  it('renders HARDIRQ-ON-W -> IN-HARDIRQ-W inside a hardirq (case 040)', () => {
    const f = inconsistent(38, 1, {
      old: 'HARDIRQ-ON-W',
      nu: 'IN-HARDIRQ-W',
      usage: '?.+.',
      wait: '2:2',
      inst: 'ffff888000a19000',
      hardirq: true,
      registered: EXEC_STACK,
      stamp: 22,
      hardDisabled: [22, 'sysvec_irq_work+0xa/0x71'],
    });
    expect(renderFinding(f, ctx)).toBe(expectedFromDmesg('oracle-6.1-040-inconsistent-irqs-on-then-in-hardirq.dmesg'));
  });

  it('renders IN-HARDIRQ-R -> HARDIRQ-ON-W (case 067)', () => {
    const f = inconsistent(39, 0, {
      old: 'IN-HARDIRQ-R',
      nu: 'HARDIRQ-ON-W',
      usage: '+-..',
      wait: '2:2',
      inst: 'ffff888000a2c000',
      hardirq: false,
      registered: HARDIRQ_STACK,
      stamp: 21,
      hardDisabled: [20, '__up_console_sem+0x40/0x6a'],
    });
    expect(renderFinding(f, ctx)).toBe(expectedFromDmesg('oracle-6.1-067-rread-in-hardirq-write-irqs-on.dmesg'));
  });
});

function block(
  name: string,
  usage: string,
  depth: number,
  key: string,
  traces: [string, Frame[]][],
  acquired?: { trace: Frame[]; current?: boolean },
): ClassBlockDesc {
  const b: ClassBlockDesc = {
    cls: cls(name, usage, '2:2'),
    depth,
    ops: 2,
    usageTraces: traces.map(([u, trace]) => ({ usage: u, trace })),
    keyAddr: key,
  };
  if (acquired) {
    b.acquiredAt = acquired.trace;
    if (acquired.current) b.acquiredAtCurrent = true;
  }
  return b;
}

/** Case 042: A became hardirq-safe after it took hardirq-unsafe B (forward search, path length 1). */
function inversion042(pid: number, cpu: number, inst: string, hardirq: Frame[], exec: Frame[]): IrqInversionFinding {
  return {
    ...base({ comm: 'T3', pid, cpu }, hardirq, { context: 'hardirq' }),
    kind: 'irq-inversion',
    lock: lock(inst, 'A', '-...', { wait: '2:2', at: EXEC_AT }),
    forwards: true,
    stateWord: 'HARDIRQ',
    other: cls('B', '+.+.', '2:2'),
    scenario: { safe: 'A', middle: 'B', unsafe: 'B' },
    path: [
      block(
        'B',
        '+.+.',
        1,
        'ffffc90000017118',
        [
          ['HARDIRQ-ON-W', exec],
          ['SOFTIRQ-ON-W', exec],
          ['INITIAL USE', exec],
        ],
        { trace: exec },
      ),
      block(
        'A',
        '-...',
        0,
        'ffffc90000017040',
        [
          ['IN-HARDIRQ-W', hardirq],
          ['INITIAL USE', exec],
        ],
        { trace: hardirq, current: true },
      ),
    ],
  };
}

describe('irq lock inversion (6.1.192)', () => {
  it('renders a forward inversion found from a new USED_IN bit (case 042)', () => {
    checkOracle(
      inversion042(40, 0, 'ffff888000a13000', HARDIRQ_STACK, EXEC_STACK),
      'oracle-6.1-042-irq-inversion-safe-marked-last.dmesg',
    );
  });
});

describe('irq-safe -> irq-unsafe (6.1.192)', () => {
  function safeUnsafe(opts: {
    pid: number;
    cpu: number;
    word: string;
    irqState: IrqSafeUnsafeFinding['irqState'];
    h: { inst: string; name: string; usage: string };
    u: { inst: string; name: string; usage: string };
    safeTrace: Frame[];
    safeUsages: [string, Frame[]][];
    unsafeUsages: [string, Frame[]][];
  }): IrqSafeUnsafeFinding {
    const H = lock(opts.h.inst, opts.h.name, opts.h.usage, { wait: '2:2', at: EXEC_AT });
    const U = lock(opts.u.inst, opts.u.name, opts.u.usage, { wait: '2:2', at: EXEC_AT });
    return {
      ...base({ comm: 'T3', pid: opts.pid, cpu: opts.cpu }, EXEC_STACK, { held: [H] }),
      kind: 'irq-safe-unsafe',
      stateWord: opts.word,
      irqState: opts.irqState,
      next: U,
      prev: H,
      safe: H.cls,
      safeTrace: opts.safeTrace,
      unsafe: U.cls,
      unsafeTrace: EXEC_STACK,
      scenario: { safe: opts.h.name, middle: opts.u.name, unsafe: opts.u.name },
      backwards: [block(opts.h.name, opts.h.usage, 0, 'ffffc90000017040', opts.safeUsages)],
      forwards: [
        block(opts.u.name, opts.u.usage, 0, 'ffffc90000017118', opts.unsafeUsages, {
          trace: EXEC_STACK,
          current: true,
        }),
      ],
    };
  }
  const irqsOff = {
    hardirqContext: 0,
    hardirqCount: 0,
    softirqContext: 0,
    softirqCount: 0,
    hardirqsEnabled: 0,
    softirqsEnabled: 1,
  };

  it('renders HARDIRQ-safe -> HARDIRQ-unsafe (case 037)', () => {
    const f = safeUnsafe({
      pid: 40,
      cpu: 0,
      word: 'HARDIRQ',
      irqState: irqsOff,
      h: { inst: 'ffff888000a11000', name: 'H', usage: '-...' },
      u: { inst: 'ffff888000a12000', name: 'U', usage: '+.+.' },
      safeTrace: HARDIRQ_STACK,
      safeUsages: [
        ['IN-HARDIRQ-W', HARDIRQ_STACK],
        ['INITIAL USE', HARDIRQ_STACK],
      ],
      unsafeUsages: [
        ['HARDIRQ-ON-W', EXEC_STACK],
        ['SOFTIRQ-ON-W', EXEC_STACK],
        ['INITIAL USE', EXEC_STACK],
      ],
    });
    checkOracle(f, 'oracle-6.1-037-hardirq-safe-to-unsafe.dmesg');
  });

  it('renders SOFTIRQ-safe -> SOFTIRQ-unsafe with BH disabled (case 038)', () => {
    const f = safeUnsafe({
      pid: 39,
      cpu: 1,
      word: 'SOFTIRQ',
      irqState: { ...irqsOff, softirqCount: 2, hardirqsEnabled: 1, softirqsEnabled: 0 },
      h: { inst: 'ffff888000936000', name: 'S', usage: '+.-.' },
      u: { inst: 'ffff888000a1f000', name: 'U', usage: '+.+.' },
      safeTrace: SOFTIRQ_STACK,
      safeUsages: [
        ['HARDIRQ-ON-W', SOFTIRQ_STACK],
        ['IN-SOFTIRQ-W', SOFTIRQ_STACK],
        ['INITIAL USE', SOFTIRQ_STACK],
      ],
      unsafeUsages: [
        ['HARDIRQ-ON-W', EXEC_STACK],
        ['SOFTIRQ-ON-W', EXEC_STACK],
        ['INITIAL USE', EXEC_STACK],
      ],
    });
    checkOracle(f, 'oracle-6.1-038-softirq-safe-to-unsafe.dmesg');
  });

  it('renders the -READ state word with INITIAL READ USE blocks (case 077)', () => {
    const f = safeUnsafe({
      pid: 40,
      cpu: 1,
      word: 'HARDIRQ-READ',
      irqState: irqsOff,
      h: { inst: 'ffff888000a1f000', name: 'H', usage: '.-..' },
      u: { inst: 'ffff888000a36000', name: 'U', usage: '.+.+' },
      safeTrace: HARDIRQ_STACK,
      safeUsages: [
        ['IN-HARDIRQ-R', HARDIRQ_STACK],
        ['INITIAL USE', EXEC_STACK],
        ['INITIAL READ USE', HARDIRQ_STACK],
      ],
      unsafeUsages: [
        ['HARDIRQ-ON-R', EXEC_STACK],
        ['SOFTIRQ-ON-R', EXEC_STACK],
        ['INITIAL USE', EXEC_STACK],
        ['INITIAL READ USE', EXEC_STACK],
      ],
    });
    f.next.read = 2;
    checkOracle(f, 'oracle-6.1-077-rread-hardirq-safe-write-held-to-rread-unsafe.dmesg');
  });
});

describe('held lock freed (6.1.192)', () => {
  it('renders the freed range and the held lock inside it (case 044)', () => {
    const L = lock('ffff8880009a0000', 'L', '+.+.', { wait: '2:2', at: EXEC_AT });
    const f: HeldLockFreedFinding = {
      ...base(
        { comm: 'T1', pid: 38, cpu: 1 },
        frames(`
          free_unref_page_prepare+0x176/0x1d1
          free_unref_page+0x49/0x120
          rp_task_fn+0xc7/0x5c0 [lockdep_replay]
          kthread+0xb3/0xbb
          ret_from_fork+0x1f/0x30
        `),
        { held: [L] },
      ),
      kind: 'held-lock-freed',
      from: 'ffff8880009a0000',
      to: 'ffff8880009a0fff',
      lock: L,
    };
    checkOracle(f, 'oracle-6.1-044-held-lock-freed.dmesg');
  });
});

describe('nested lock not taken (6.1.192)', () => {
  it('dumps the stack twice (case 048)', () => {
    const f: NestedNotTakenFinding = {
      ...base({ comm: 'T1', pid: 38, cpu: 0 }, EXEC_STACK),
      kind: 'nested-not-taken',
      next: lock('ffff888000a0e000', 'B', '+.+.', { at: EXEC_AT }),
      nestName: 'N',
    };
    checkOracle(f, 'oracle-6.1-048-nest-lock-not-held.dmesg');
  });
});

describe('limits (6.1.192)', () => {
  it('renders MAX_LOCK_DEPTH with all 48 held locks and no report frame (case 079)', () => {
    const addrs = [
      '967000', '966000', '96c000', '96b000', '96a000', '95c000', '955000', '95d000',
      '964000', '963000', '962000', '916000', '952000', '94c000', '95a000', '959000',
      '958000', '948000', '912000', '94a000', '9ed000', '9ee000', '9ef000', '9f0000',
      '9f1000', '9f2000', '9f3000', '9f4000', '9f5000', '9f6000', '9f7000', '9f8000',
      '9f9000', 'c66000', 'c67000', 'c68000', 'c69000', 'c6a000', 'c6b000', 'c6c000',
      'c6d000', 'c6e000', 'c6f000', 'c70000', 'c71000', 'c72000', 'c73000', 'c74000',
    ];
    const held = addrs.map((a, i) =>
      lock(`ffff888000${a}`, `D${String(i + 1).padStart(2, '0')}`, '+.+.', { at: EXEC_AT }),
    );
    const f: LimitFinding = {
      ...base({ comm: 'T1', pid: 38, cpu: 1 }, EXEC_STACK, { held }),
      kind: 'limit',
      limit: 'MAX_LOCK_DEPTH',
      value: 48,
      depth: 48,
    };
    checkOracle(f, 'oracle-6.1-079-max-lock-depth.dmesg', { leadingBlank: false });
  });
});

describe('6.12.117 dump_stack header', () => {
  const ctx612 = oracleContext('6.12.117 #2');
  const stack612 = frames(`
    rp_exec_lockop+0xa7/0x186 [lockdep_replay]
    rp_task_fn+0x9c/0x5b2 [lockdep_replay]
    kthread+0xd0/0xd8
    ret_from_fork+0x1c/0x2e
    ret_from_fork_asm+0x11/0x20
  `);

  it('prints UID:, the Tainted: flags line and the 6.12 report-path frames (case 001)', () => {
    const A = lock('ffff8880006e0000', 'A', '+.+.', { at: EXEC_AT });
    const B = lock('ffff8880006e1000', 'B', '+.+.', { at: EXEC_AT });
    const f: CircularFinding = {
      ...base({ comm: 'T2', pid: 44, cpu: 1 }, stack612, { held: [B] }),
      kind: 'circular',
      next: A,
      prev: B,
      chain: [
        { cls: B.cls, trace: stack612, current: false },
        { cls: A.cls, trace: stack612, current: true },
      ],
      scenario: { source: 'A', parent: 'A', target: 'B' },
    };
    expect(renderFinding(f, ctx612)).toBe(expectedFromDmesg('oracle-6.12-001-abba-2tasks.dmesg'));
  });
});

describe('6.12.117 irq inversion', () => {
  it('uses the 6.12 mark_lock() site in the root block and the report path (case 042)', () => {
    const hardirq = frames(`
      rp_exec_lockop+0xa7/0x186 [lockdep_replay]
      rp_block_body+0x94/0xba [lockdep_replay]
      irq_work_single+0x25/0x75
      irq_work_run_list+0x29/0x33
      irq_work_run+0x14/0x25
      __sysvec_irq_work+0x8c/0x108
      sysvec_irq_work+0x56/0x70
      asm_sysvec_irq_work+0x16/0x20
      arch_irq_work_raise+0x17/0x1d
      irq_work_queue+0x1a/0x27
      rp_task_fn+0x1a6/0x5b2 [lockdep_replay]
      kthread+0xd0/0xd8
      ret_from_fork+0x1c/0x2e
      ret_from_fork_asm+0x11/0x20
    `);
    const exec = frames(`
      rp_exec_lockop+0xa7/0x186 [lockdep_replay]
      rp_task_fn+0x9c/0x5b2 [lockdep_replay]
      kthread+0xd0/0xd8
      ret_from_fork+0x1c/0x2e
      ret_from_fork_asm+0x11/0x20
    `);
    const f = inversion042(44, 1, 'ffff88800072e000', hardirq, exec);
    expect(renderFinding(f, oracleContext('6.12.117 #2'))).toBe(
      expectedFromDmesg('oracle-6.12-042-irq-inversion-safe-marked-last.dmesg'),
    );
  });
});

describe('5.1 seed splat', () => {
  it('matches the mail-archived 5.1.0-rc7 circular report after whitespace collapsing', () => {
    const v51 = oracleContext('5.1.0-rc7+ #13', {
      taint: 'Tainted: G           O     ',
      hardware:
        'QEMU Standard PC (i440FX + PIIX, 1996), BIOS rel-1.11.1-0-g0551a4be2c-prebuilt.qemu-project.org 04/01/2014',
    });
    v51.profile.config.lockStat = false;
    v51.profile.config.debugLockdep = false;
    const current = frames(`
      __kernfs_remove+0x26a/0x310
      kernfs_remove_by_name_ns+0x40/0x80
      remove_files.isra.1+0x30/0x70
      sysfs_remove_group+0x3d/0x80
      sysfs_remove_groups+0x29/0x40
      device_remove_attrs+0x42/0x80
      device_del+0x162/0x380
      device_unregister+0x16/0x60
      unregister_memory_section+0x6e/0xa0
      __remove_pages+0xe9/0x520
      arch_remove_memory+0x81/0xc0
      try_remove_memory+0xba/0xd0
      remove_memory+0x23/0x40
      dev_dax_kmem_remove+0x29/0x57 [kmem]
      device_release_driver_internal+0xe4/0x1d0
      unbind_store+0x9b/0x130
      kernfs_fop_write+0xf0/0x1a0
      vfs_write+0xba/0x1c0
      ksys_write+0x5a/0xe0
      do_syscall_64+0x60/0x210
      entry_SYSCALL_64_after_hwframe+0x49/0xbe
    `);
    const lk = (inst: string, name: string, usage: string, at: string) =>
      lock(inst, name, usage, { at, wait: '0:0' });
    const next = lk('00000000f4d397f7', 'kn->count#424', '++++', 'kernfs_remove_by_name_ns+0x40/0x80');
    const prev = lk('000000002aa52a9f', 'mem_sysfs_mutex', '+.+.', 'unregister_memory_section+0x22/0xa0');
    const f: CircularFinding = {
      ...base({ comm: 'daxctl', pid: 22950, cpu: 5 }, current, {
        held: [
          lk('000000005f6d3c13', 'sb_writers#4', '.+.+', 'vfs_write+0x159/0x1c0'),
          lk('00000000e468825d', '&of->mutex', '+.+.', 'kernfs_fop_write+0xbd/0x1a0'),
          lk('00000000caa17dbb', '&dev->mutex', '....', 'device_release_driver_internal+0x1a/0x1d0'),
          lk('000000002119b22c', 'device_hotplug_lock', '+.+.', 'remove_memory+0x16/0x40'),
          lk('00000000150c8efe', 'cpu_hotplug_lock.rw_sem', '++++', 'try_remove_memory+0x2e/0xd0'),
          lk('000000003d6b2a0f', 'mem_hotplug_lock.rw_sem', '++++', 'percpu_down_write+0x25/0x120'),
          prev,
        ],
      }),
      kind: 'circular',
      next,
      prev,
      chain: [
        {
          cls: prev.cls,
          current: false,
          trace: frames(`
            __mutex_lock+0x82/0x9a0
            unregister_memory_section+0x22/0xa0
            __remove_pages+0xe9/0x520
            arch_remove_memory+0x81/0xc0
            devm_memremap_pages_release+0x180/0x270
            release_nodes+0x234/0x280
            device_release_driver_internal+0xf4/0x1d0
            bus_remove_device+0xfc/0x170
            device_del+0x16a/0x380
            unregister_dev_dax+0x23/0x50
            release_nodes+0x234/0x280
            device_release_driver_internal+0xf4/0x1d0
            unbind_store+0x9b/0x130
            kernfs_fop_write+0xf0/0x1a0
            vfs_write+0xba/0x1c0
            ksys_write+0x5a/0xe0
            do_syscall_64+0x60/0x210
            entry_SYSCALL_64_after_hwframe+0x49/0xbe
          `),
        },
        {
          cls: cls('mem_hotplug_lock.rw_sem', '++++', '0:0'),
          current: false,
          trace: frames(`
            get_online_mems+0x3e/0x80
            kmem_cache_create_usercopy+0x2e/0x270
            kmem_cache_create+0x12/0x20
            ptlock_cache_init+0x20/0x28
            start_kernel+0x240/0x4d0
            secondary_startup_64+0xa4/0xb0
          `),
        },
        {
          cls: cls('cpu_hotplug_lock.rw_sem', '++++', '0:0'),
          current: false,
          trace: frames(`
            cpus_read_lock+0x3e/0x80
            online_pages+0x37/0x310
            memory_subsys_online+0x34/0x60
            device_online+0x60/0x80
            state_store+0x66/0xd0
            kernfs_fop_write+0xf0/0x1a0
            vfs_write+0xba/0x1c0
            ksys_write+0x5a/0xe0
            do_syscall_64+0x60/0x210
            entry_SYSCALL_64_after_hwframe+0x49/0xbe
          `),
        },
        { cls: next.cls, current: true, trace: current },
      ],
      scenario: { source: 'kn->count#424', parent: 'mem_hotplug_lock.rw_sem', target: 'mem_sysfs_mutex' },
    };
    const out = renderFinding(f, v51);
    expect(collapse(out)).toEqual(collapse(fixture('seed-5.1-001-circular-pmem-hotremove.txt')));
    // The console text itself keeps its layout: empty record first, fixed-width scenario columns.
    expect(out.startsWith('\n======================================================\n')).toBe(true);
    expect(out).toContain('\n       CPU0                    CPU1\n');
  });
});

describe('determinism', () => {
  it('renders the same findings to the same bytes twice', () => {
    const fs: Finding[] = [
      abba(39, 1, { usage: '+.+.' }, { usage: '+.+.' }),
      abba(40, 0, { usage: '+.+.' }, { usage: '++++', read: 1 }),
    ];
    const once = renderFindings(fs, ctx61);
    const twice = renderFindings(structuredClone(fs), oracleContext());
    expect(twice).toBe(once);
    expect(once).toBe(fs.map((f) => renderFinding(f, ctx61)).join(''));
  });
});
