/**
 * Case scripts (`oracle/replay/*.script`) → Scenario. Mirrors the parser and the runner of the
 * `lockdep_replay` test module (`rp_parse()`, `rp_task_fn()`, `rp_block_body()` in
 * oracle/kit/module/lockdep_replay.c), so that a script means here what it meant to the real kernel:
 * classes are created in first-mention order, a step outside any task starts an implicit task `T<n>`,
 * locks still held at `endirq` / at the end of a task are released in reverse order of the module's own
 * held list, irqs/bh left disabled are re-enabled, and irq blocks the module would skip are dropped.
 * Every step carries the module's frames as the oracle kernel printed them (see MODULE_FRAMES).
 */
import { inputError } from '../diag/error.js';
import type { Frame } from '../model/frame.js';
import { parseKernelVersion } from '../model/kernel.js';
import type { LockKind } from '../model/lock-kind.js';
import type {
  AcquireStep,
  LockClassDecl,
  LockRef,
  Scenario,
  Step,
  TaskDef,
} from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';

/** Which build of the replay module the frames imitate. */
export type ReplayModuleBuild =
  /** The build that ran cases 001–035 on 6.1: lock_acquire()/lock_release() called from rp_task_fn. */
  | 'early'
  /** The kit's current build (cases 037+ on 6.1, every 6.12 case): lock ops in rp_exec_lockop(). */
  | 'current';

export interface CaseScriptOptions {
  /** Kernel version; `#2` (the oracle build tag) is appended when no `#N` is given. Default `6.1.192`. */
  kernel?: string;
  /**
   * Frames of process-context acquire/release steps. Default: `early` on 6.1 (the frames of the
   * 001–035 oracle files), `current` on 6.12 (the only build there). Irq blocks, free, downgrade,
   * setsub, irq toggles and auto-releases only exist in the current build and always use its frames.
   */
  moduleBuild?: ReplayModuleBuild;
}

// ---------------------------------------------------------------------------------------------------
// The module's limits and the oracle kernel's configuration

/** RP_MAX_CLASSES, RP_MAX_INST, RP_MAX_TASKS, RP_MAX_OPS, RP_MAX_HELD, RP_NAME_LEN - 1, TASK_COMM_LEN - 1 */
const MAX_CLASSES = 256;
const MAX_INST = 16;
const MAX_TASKS = 64;
const MAX_OPS = 256;
const MAX_HELD = 48;
const MAX_NAME = 63;
const MAX_COMM = 15;
/** MAX_LOCKDEP_SUBCLASSES */
const MAX_SUBCLASSES = 8;
/** rp_parse() splits a line into at most 10 words and silently drops the rest; we reject such lines. */
const MAX_WORDS = 10;

const DEFAULT_KERNEL = '6.1.192';
/** The kernel's __fs_reclaim_map, taken by every GFP_KERNEL allocation (the module's map re-allocation after `free`). */
export const FS_RECLAIM_ID = '__fs_reclaim_map';
const FS_RECLAIM_IP = { symbol: 'fs_reclaim_acquire', offset: 0x77, size: 0xb0 };
const ORACLE_BUILD_TAG = '#2';
const ORACLE_TAINT = 'Tainted: G           O      ';

/** The `class NAME TYPE` words (rp_wait_type()) and the lock kind with that wait type. */
const CLASS_TYPES: Record<string, LockKind> = {
  mutex: 'mutex',
  sleep: 'mutex',
  rwsem: 'rw_semaphore',
  spin: 'spinlock',
  config: 'spinlock',
  rwlock: 'rwlock',
  raw_spin: 'raw_spinlock',
  inv: 'lockdep_map',
};

const STATEMENTS = [
  'class',
  'task',
  'acquire',
  'release',
  'downgrade',
  'setsub',
  'free',
  'irqoff',
  'irqon',
  'bhoff',
  'bhon',
  'hardirq',
  'softirq',
  'endirq',
  'end',
] as const;

const GRAMMAR: Record<string, string> = {
  class: 'class NAME [mutex|rwsem|spin|rwlock|raw_spin|inv]',
  task: 'task NAME',
  acquire: 'acquire LOCK [read|recursive] [try] [sub=N] [nest=LOCK] [nocheck]   (LOCK = CLASS or CLASS@I)',
  release: 'release LOCK',
  downgrade: 'downgrade LOCK',
  setsub: 'setsub LOCK N   (N = 0..7)',
  free: 'free LOCK   (not inside hardirq/softirq ... endirq)',
};

// ---------------------------------------------------------------------------------------------------
// Frames, copied from what the oracle kernels printed (the .dmesg files of replay/ and replay-6.12/,
// and the probes in test/oracle/fixtures/probes). `est.` marks values no oracle output shows for that
// kernel; they are carried over from the other build of the same module source.

interface ModuleFrames {
  /** kthread() and the fork return path below rp_task_fn. */
  tail: Frame[];
  /** rp_task_fn's call of rp_exec_lockop() (process context). */
  taskLockop: Frame;
  /** rp_block_body() down to rp_task_fn, for steps run in hardirq / softirq context. */
  hardirq: Frame[];
  softirq: Frame[];
  /** rp_block_body()'s call of rp_release_all() (auto-release at endirq). */
  blockReleaseAll: Frame;
  /** rp_task_fn()'s call of rp_release_all() (auto-release at the end of a task). */
  taskReleaseAll: Frame;
  acquireIp: Frame;
  acquireCall: Frame;
  releaseIp: Frame;
  releaseCall: Frame;
  /** lock_downgrade() / lock_set_subclass() are tail calls: no rp_exec_lockop frame on the stack. */
  downgradeIp: Frame;
  setsubIp: Frame;
  autoReleaseIp: Frame;
  autoReleaseCall: Frame;
  /** kfree() down to rp_task_fn: the callers of debug_check_no_locks_freed(), innermost first. */
  free: Frame[];
  irqoffIp: Frame;
  irqonIp: Frame;
  bhoffIp: Frame;
  bhonIp: Frame;
  /** Where the interrupt / the softirq run starts on the task's stack (irq-enter / irq-exit). */
  hardirqEntry: Frame[];
  softirqEntry: Frame[];
}

const MOD = 'lockdep_replay';
const f = (symbol: string, offset: number, size: number, module?: string): Frame =>
  module ? { symbol, offset, size, module } : { symbol, offset, size };
const m = (symbol: string, offset: number, size: number): Frame => f(symbol, offset, size, MOD);

const FRAMES_6_1: ModuleFrames = {
  tail: [f('kthread', 0xb3, 0xbb), f('ret_from_fork', 0x1f, 0x30)],
  taskLockop: m('rp_task_fn', 0xa9, 0x5c0),
  hardirq: [
    m('rp_block_body', 0x95, 0xbb),
    f('irq_work_single', 0x25, 0x76),
    f('irq_work_run_list', 0x29, 0x33),
    f('irq_work_run', 0x14, 0x25),
    f('__sysvec_irq_work', 0x79, 0xd7),
    f('sysvec_irq_work', 0x57, 0x71),
    f('asm_sysvec_irq_work', 0x16, 0x20),
    f('arch_irq_work_raise', 0x1c, 0x27),
    f('irq_work_queue', 0x1a, 0x27),
    m('rp_task_fn', 0x1b4, 0x5c0),
  ],
  softirq: [
    m('rp_block_body', 0x95, 0xbb),
    f('tasklet_action_common.constprop.0', 0x79, 0xcf),
    f('handle_softirqs', 0x145, 0x2cd),
    f('do_softirq', 0x83, 0xb1),
    f('__local_bh_enable_ip', 0x8e, 0x9e),
    m('rp_task_fn', 0x253, 0x5c0),
  ],
  blockReleaseAll: m('rp_block_body', 0x9f, 0xbb),
  taskReleaseAll: m('rp_task_fn', 0x2cf, 0x5c0),
  acquireIp: m('rp_exec_lockop', 0x74, 0x186),
  acquireCall: m('rp_exec_lockop', 0xa7, 0x186),
  releaseIp: m('rp_exec_lockop', 0xdf, 0x186),
  releaseCall: m('rp_exec_lockop', 0xe4, 0x186),
  downgradeIp: m('rp_exec_lockop', 0x17a, 0x186),
  setsubIp: m('rp_exec_lockop', 0x61, 0x186),
  autoReleaseIp: m('rp_release_all', 0x15, 0x5a),
  autoReleaseCall: m('rp_release_all', 0x50, 0x5a),
  // SLOB hands the page-sized object to the page allocator.
  free: [f('free_unref_page_prepare', 0x176, 0x1d1), f('free_unref_page', 0x49, 0x120), m('rp_task_fn', 0xc7, 0x5c0)],
  irqoffIp: m('rp_task_fn', 0xf4, 0x5c0),
  irqonIp: m('rp_task_fn', 0xfe, 0x5c0),
  bhoffIp: m('rp_task_fn', 0x113, 0x5c0),
  bhonIp: m('local_bh_enable', 0xc, 0x11),
  hardirqEntry: [
    f('asm_sysvec_irq_work', 0x16, 0x20),
    f('arch_irq_work_raise', 0x1c, 0x27),
    f('irq_work_queue', 0x1a, 0x27),
    m('rp_task_fn', 0x1b4, 0x5c0),
  ],
  softirqEntry: [f('__local_bh_enable_ip', 0x8e, 0x9e), m('rp_task_fn', 0x253, 0x5c0)],
};

/** The 001–035 build on 6.1: acquire/release frames only (it had no other lock operations). */
const EARLY_6_1 = {
  acquireIp: m('rp_task_fn', 0x9c, 0x217),
  acquireCall: m('rp_task_fn', 0xa2, 0x217),
  releaseIp: m('rp_task_fn', 0x56, 0x217),
  releaseCall: m('rp_task_fn', 0xc2, 0x217),
};

const FRAMES_6_12: ModuleFrames = {
  tail: [f('kthread', 0xd0, 0xd8), f('ret_from_fork', 0x1c, 0x2e), f('ret_from_fork_asm', 0x11, 0x20)],
  taskLockop: m('rp_task_fn', 0x9c, 0x5b2),
  hardirq: [
    m('rp_block_body', 0x94, 0xba),
    f('irq_work_single', 0x25, 0x75),
    f('irq_work_run_list', 0x29, 0x33),
    f('irq_work_run', 0x14, 0x25),
    f('__sysvec_irq_work', 0x8c, 0x108),
    f('sysvec_irq_work', 0x56, 0x70),
    f('asm_sysvec_irq_work', 0x16, 0x20),
    f('arch_irq_work_raise', 0x17, 0x1d),
    f('irq_work_queue', 0x1a, 0x27),
    m('rp_task_fn', 0x1a6, 0x5b2),
  ],
  softirq: [
    m('rp_block_body', 0x94, 0xba),
    f('tasklet_action_common', 0x79, 0xcf),
    f('handle_softirqs', 0x14e, 0x2e4),
    f('do_softirq', 0x40, 0xa1),
    f('__local_bh_enable_ip', 0x8a, 0x9a),
    m('rp_task_fn', 0x23e, 0x5b2),
  ],
  blockReleaseAll: m('rp_block_body', 0x9e, 0xba), // est.
  taskReleaseAll: m('rp_task_fn', 0x2ba, 0x5b2), // est.
  acquireIp: m('rp_exec_lockop', 0x74, 0x186),
  acquireCall: m('rp_exec_lockop', 0xa7, 0x186),
  releaseIp: m('rp_exec_lockop', 0xdf, 0x186),
  releaseCall: m('rp_exec_lockop', 0xe4, 0x186),
  downgradeIp: m('rp_exec_lockop', 0x17a, 0x186), // est.
  setsubIp: m('rp_exec_lockop', 0x61, 0x186), // est.
  autoReleaseIp: m('rp_release_all', 0x15, 0x5a), // est.
  autoReleaseCall: m('rp_release_all', 0x50, 0x5a), // est.
  free: [f('slab_free.isra.0', 0x22, 0x74), m('rp_task_fn', 0xba, 0x5b2)],
  irqoffIp: m('rp_task_fn', 0xe7, 0x5b2), // est.
  irqonIp: m('rp_task_fn', 0xf1, 0x5b2), // est.
  bhoffIp: m('rp_task_fn', 0x106, 0x5b2), // est.
  bhonIp: m('local_bh_enable', 0xc, 0x11), // est.
  hardirqEntry: [
    f('asm_sysvec_irq_work', 0x16, 0x20),
    f('arch_irq_work_raise', 0x17, 0x1d),
    f('irq_work_queue', 0x1a, 0x27),
    m('rp_task_fn', 0x1a6, 0x5b2),
  ],
  softirqEntry: [f('__local_bh_enable_ip', 0x8a, 0x9a), m('rp_task_fn', 0x23e, 0x5b2)],
};

/**
 * Task identity. The oracle kernels gave the first replay kthread pid 36..40 (6.1; 38 in most cases)
 * and 42..46 (6.12; mostly 43), each later task the next pid; the two-CPU guest ran a kthread on CPU 0
 * or 1 about equally often. Reports normalize pids away except the banner-less MAX_LOCK_DEPTH one,
 * whose `CPU: N PID: P` line norm.py keeps: the 6.1 values are chosen so that case 079 agrees.
 */
const FIRST_PID_6_1 = 38;
const FIRST_PID_6_12 = 43;
const TASK_CPU_6_1 = 1;
const TASK_CPU_6_12 = 0;

// ---------------------------------------------------------------------------------------------------
// Parsing

type ExecCtx = 'process' | 'hardirq' | 'softirq';

/** An entry of the module's own held list (struct rp_ctx): class index and instance. */
interface RpHeld {
  cls: number;
  inst: number;
}

interface Word {
  text: string;
  col: number;
}

interface ClassEntry {
  decl: LockClassDecl;
  kind: LockKind;
}

/** One statement that belongs to a task, before it is turned into steps. */
type Op =
  | { kind: 'acquire'; span: SourceSpan; ref: LockRef; cls: number; read: 0 | 1 | 2; trylock: boolean; subclass: number; nest?: LockRef; check: boolean }
  | { kind: 'release' | 'downgrade' | 'free'; span: SourceSpan; ref: LockRef; cls: number }
  | { kind: 'setsub'; span: SourceSpan; ref: LockRef; cls: number; subclass: number }
  | { kind: 'irqoff' | 'irqon' | 'bhoff' | 'bhon'; span: SourceSpan }
  | { kind: 'hardirq' | 'softirq'; span: SourceSpan; end: number }
  | { kind: 'endirq'; span: SourceSpan };

interface TaskDraft {
  name: string;
  span: SourceSpan;
  ops: Op[];
  /** The `end` statement, when the task has one. */
  endSpan?: SourceSpan;
}

/**
 * Parses a replay case script into a Scenario. Throws LockdepSimError (`script-syntax`, with the
 * position of the offending word) where the module's parser would reject the script.
 */
export function parseCaseScript(text: string, file: string, opts: CaseScriptOptions = {}): Scenario {
  const kernelText = opts.kernel ?? DEFAULT_KERNEL;
  const kernel = /\s#\S+/.test(kernelText.trim()) ? kernelText.trim() : `${kernelText.trim()} ${ORACLE_BUILD_TAG}`;
  const version = parseKernelVersion(kernelText);
  const is612 = version !== undefined && (version.major > 6 || (version.major === 6 && version.minor >= 12));
  const frames = is612 ? FRAMES_6_12 : FRAMES_6_1;
  const build: ReplayModuleBuild = opts.moduleBuild ?? (is612 ? 'current' : 'early');
  const early = build === 'early' && !is612;

  const span = (line: number, col: number): SourceSpan => ({ file, line, col });
  const fail = (line: number, col: number, message: string, hint?: string): never => {
    throw inputError('script-syntax', message, span(line, col), hint);
  };

  const classes: ClassEntry[] = [];
  const classIndex = new Map<string, number>();
  const drafts: TaskDraft[] = [];
  let cur: TaskDraft | undefined;
  /** Index (in cur.ops) of the open hardirq/softirq statement, or -1. */
  let block = -1;
  let blockLine = 0;

  /** rp_find_class(): the class index, created on first mention (kind mutex unless declared). */
  const findClass = (name: string, w: Word, line: number, kind?: LockKind): number => {
    if (name.length > MAX_NAME) fail(line, w.col, `class name '${name}' is longer than ${MAX_NAME} characters`);
    const known = classIndex.get(name);
    if (known !== undefined) {
      // A later `class` line overrides the type (the module sets wait_inner until the class is used).
      if (kind) {
        const entry = classes[known]!;
        entry.kind = kind;
        entry.decl.kind = kind;
      }
      return known;
    }
    if (classes.length >= MAX_CLASSES) fail(line, w.col, `too many lock classes (the module allows ${MAX_CLASSES})`);
    const k = kind ?? 'mutex';
    const decl: LockClassDecl = { id: name, name, kind: k, novalidate: false, span: span(line, w.col) };
    classes.push({ decl, kind: k });
    classIndex.set(name, classes.length - 1);
    return classes.length - 1;
  };

  /** rp_lock_ref(): `CLASS` or `CLASS@I` (the last `@`, unless it is the first character). */
  const lockRef = (text: string, col: number, line: number): { ref: LockRef; cls: number } => {
    const at = text.lastIndexOf('@');
    let name = text;
    let inst = 0;
    if (at > 0) {
      const n = kstrtoint(text.slice(at + 1));
      if (n === undefined || n < 0 || n >= MAX_INST) {
        fail(line, col + at + 1, `bad instance '${text.slice(at + 1)}' in '${text}'`, `instances are 0..${MAX_INST - 1}: CLASS@I`);
      }
      name = text.slice(0, at);
      inst = n!;
    }
    if (name === '') fail(line, col, `missing lock name`, 'LOCK is CLASS or CLASS@I');
    const cls = findClass(name, { text: name, col }, line);
    return { ref: { lock: name, instance: inst }, cls };
  };

  const lines = text.split('\n');
  for (let li = 0; li < lines.length; li++) {
    const line = li + 1;
    const words = splitWords(stripComment(lines[li]!));
    if (words.length === 0) continue;
    const w0 = words[0]!;
    const stmt = w0.text;
    if (!(STATEMENTS as readonly string[]).includes(stmt)) {
      fail(line, w0.col, `unknown statement '${stmt}'`, `statements: ${STATEMENTS.join(', ')}`);
    }
    if (words.length > MAX_WORDS) {
      fail(line, words[MAX_WORDS]!.col, `too many words (the module reads at most ${MAX_WORDS} per line)`, GRAMMAR[stmt]);
    }
    const here = span(line, w0.col);

    if (stmt === 'class') {
      if (words.length < 2) fail(line, w0.col + stmt.length, 'class: missing NAME', GRAMMAR.class);
      let kind: LockKind = 'mutex';
      if (words.length >= 3) {
        const t = CLASS_TYPES[words[2]!.text];
        if (!t) fail(line, words[2]!.col, `unknown class type '${words[2]!.text}'`, GRAMMAR.class);
        kind = t!;
      }
      if (words.length > 3) fail(line, words[3]!.col, `unexpected '${words[3]!.text}'`, GRAMMAR.class);
      findClass(words[1]!.text, words[1]!, line, kind);
      continue;
    }
    if (stmt === 'task') {
      if (words.length < 2) fail(line, w0.col + stmt.length, 'task: missing NAME', GRAMMAR.task);
      if (words.length > 2) fail(line, words[2]!.col, `unexpected '${words[2]!.text}'`, GRAMMAR.task);
      if (block >= 0) fail(line, w0.col, `'task' inside a hardirq/softirq block (opened at line ${blockLine})`, "close the block with 'endirq' first");
      if (drafts.length >= MAX_TASKS) fail(line, w0.col, `too many tasks (the module allows ${MAX_TASKS})`);
      cur = { name: words[1]!.text.slice(0, MAX_COMM), span: here, ops: [] };
      drafts.push(cur);
      continue;
    }
    if (stmt === 'end') {
      if (words.length > 1) fail(line, words[1]!.col, `unexpected '${words[1]!.text}'`, "'end' takes no arguments");
      if (block >= 0) fail(line, w0.col, `'end' inside a hardirq/softirq block (opened at line ${blockLine})`, "close the block with 'endirq' first");
      if (cur) cur.endSpan = here;
      cur = undefined;
      continue;
    }

    // A task statement: outside any task it starts an implicit one, named like the module does.
    if (!cur) {
      if (drafts.length >= MAX_TASKS) fail(line, w0.col, `too many tasks (the module allows ${MAX_TASKS})`);
      cur = { name: `T${drafts.length + 1}`, span: here, ops: [] };
      drafts.push(cur);
    }
    if (cur.ops.length >= MAX_OPS) fail(line, w0.col, `too many statements in task ${cur.name} (the module allows ${MAX_OPS})`);

    switch (stmt) {
      case 'acquire':
      case 'release':
      case 'downgrade':
      case 'setsub':
      case 'free': {
        if (words.length < 2) fail(line, w0.col + stmt.length, `${stmt}: missing LOCK`, GRAMMAR[stmt]);
        const w1 = words[1]!;
        const { ref, cls } = lockRef(w1.text, w1.col, line);
        if (stmt === 'free' && block >= 0) {
          fail(line, w0.col, `'free' inside a hardirq/softirq block (opened at line ${blockLine})`, 'free LOCK only runs in task context');
        }
        if (stmt === 'setsub') {
          if (words.length < 3) fail(line, w1.col + w1.text.length, 'setsub: missing subclass', GRAMMAR.setsub);
          if (words.length > 3) fail(line, words[3]!.col, `unexpected '${words[3]!.text}'`, GRAMMAR.setsub);
          const n = kstrtoint(words[2]!.text);
          if (n === undefined || n < 0 || n >= MAX_SUBCLASSES) fail(line, words[2]!.col, `bad subclass '${words[2]!.text}'`, GRAMMAR.setsub);
          cur.ops.push({ kind: 'setsub', span: here, ref, cls, subclass: n! });
          break;
        }
        if (stmt !== 'acquire') {
          if (words.length > 2) fail(line, words[2]!.col, `unexpected '${words[2]!.text}'`, GRAMMAR[stmt]);
          cur.ops.push({ kind: stmt, span: here, ref, cls });
          break;
        }
        const op: Extract<Op, { kind: 'acquire' }> = { kind: 'acquire', span: here, ref, cls, read: 0, trylock: false, subclass: 0, check: true };
        for (const w of words.slice(2)) {
          const t = w.text;
          if (t === 'read') op.read = 1;
          else if (t === 'recursive' || t === 'rread') op.read = 2;
          else if (t === 'write') op.read = 0;
          else if (t === 'try') op.trylock = true;
          else if (t === 'nocheck') op.check = false;
          else if (t.startsWith('sub=')) {
            const n = kstrtoint(t.slice(4));
            if (n === undefined || n < 0 || n >= MAX_SUBCLASSES) fail(line, w.col + 4, `bad subclass '${t.slice(4)}'`, `sub=N with N in 0..${MAX_SUBCLASSES - 1}`);
            op.subclass = n!;
          } else if (t.startsWith('nest=')) {
            op.nest = lockRef(t.slice(5), w.col + 5, line).ref;
          } else {
            fail(line, w.col, `unknown acquire option '${t}'`, GRAMMAR.acquire);
          }
        }
        cur.ops.push(op);
        break;
      }
      case 'irqoff':
      case 'irqon':
      case 'bhoff':
      case 'bhon':
        if (words.length > 1) fail(line, words[1]!.col, `unexpected '${words[1]!.text}'`, `'${stmt}' takes no arguments`);
        if (block >= 0) fail(line, w0.col, `'${stmt}' inside a hardirq/softirq block (opened at line ${blockLine})`, 'only acquire, release, downgrade and setsub run in interrupt context');
        cur.ops.push({ kind: stmt, span: here });
        break;
      case 'hardirq':
      case 'softirq':
        if (words.length > 1) fail(line, words[1]!.col, `unexpected '${words[1]!.text}'`, `'${stmt}' takes no arguments`);
        if (block >= 0) fail(line, w0.col, `'${stmt}' inside a hardirq/softirq block (opened at line ${blockLine})`, 'blocks do not nest');
        block = cur.ops.length;
        blockLine = line;
        cur.ops.push({ kind: stmt, span: here, end: -1 });
        break;
      case 'endirq': {
        if (words.length > 1) fail(line, words[1]!.col, `unexpected '${words[1]!.text}'`, "'endirq' takes no arguments");
        if (block < 0) fail(line, w0.col, "'endirq' without 'hardirq' or 'softirq'", "open a block with 'hardirq' or 'softirq'");
        const open = cur.ops[block]!;
        if (open.kind === 'hardirq' || open.kind === 'softirq') open.end = cur.ops.length;
        cur.ops.push({ kind: 'endirq', span: here });
        block = -1;
        break;
      }
    }
  }
  if (block >= 0) {
    fail(blockLine, 1, 'hardirq/softirq block not closed by endirq', "add 'endirq' after the block's steps");
  }

  const firstPid = is612 ? FIRST_PID_6_12 : FIRST_PID_6_1;
  const tasks: TaskDef[] = drafts.map((d, i) => ({
    name: d.name,
    pid: firstPid + i,
    cpu: is612 ? TASK_CPU_6_12 : TASK_CPU_6_1,
    steps: runTask(d, frames, early, classes.map((c) => c.decl.name)),
    span: d.span,
  }));

  const usesFree = drafts.some((d) => d.ops.some((o) => o.kind === 'free'));
  return {
    file,
    kernel,
    config: { debugLockdep: true, lockStat: true, proveRawLockNesting: false },
    taint: ORACLE_TAINT,
    classes: [
      ...classes.map((c) => c.decl),
      ...(usesFree ? [{ id: FS_RECLAIM_ID, name: 'fs_reclaim', kind: 'lockdep_map' as const, novalidate: false, span: span(1, 1) }] : []),
    ],
    tasks,
    span: span(1, 1),
  };
}

// ---------------------------------------------------------------------------------------------------
// Running a task the way rp_task_fn() does

/** Turns a task's statements into steps, mirroring rp_task_fn() / rp_run_block() / rp_block_body(). */
function runTask(d: TaskDraft, fr: ModuleFrames, early: boolean, classNames: string[]): Step[] {
  const steps: Step[] = [];
  const held: RpHeld[] = [];
  let irqsOff = false;
  let bhDepth = 0;

  const base = (ctx: ExecCtx): Frame[] =>
    ctx === 'process' ? [fr.taskLockop, ...fr.tail] : [...(ctx === 'hardirq' ? fr.hardirq : fr.softirq), ...fr.tail];

  /** rp_exec_lockop(): the lock operations, in any context, tracking the module's held list. */
  const lockop = (op: Op, ctx: ExecCtx, list: RpHeld[]): void => {
    const proc = ctx === 'process';
    switch (op.kind) {
      case 'acquire': {
        const step: AcquireStep = {
          op: 'acquire',
          span: op.span,
          stack: early && proc ? [EARLY_6_1.acquireCall, ...fr.tail] : [fr.acquireCall, ...base(ctx)],
          ref: op.ref,
          read: op.read,
          trylock: op.trylock,
          subclass: op.subclass,
          check: op.check,
          ip: early && proc ? EARLY_6_1.acquireIp : fr.acquireIp,
        };
        if (op.nest) step.nest = op.nest;
        steps.push(step);
        if (list.length < MAX_HELD) list.push({ cls: op.cls, inst: op.ref.instance });
        break;
      }
      case 'release':
        steps.push({
          op: 'release',
          span: op.span,
          stack: early && proc ? [EARLY_6_1.releaseCall, ...fr.tail] : [fr.releaseCall, ...base(ctx)],
          ref: op.ref,
          ip: early && proc ? EARLY_6_1.releaseIp : fr.releaseIp,
        });
        heldDrop(list, op.cls, op.ref.instance);
        break;
      case 'downgrade':
        steps.push({ op: 'downgrade', span: op.span, stack: base(ctx), ref: op.ref, ip: fr.downgradeIp });
        break;
      case 'setsub':
        steps.push({ op: 'setsub', span: op.span, stack: base(ctx), ref: op.ref, subclass: op.subclass, ip: fr.setsubIp });
        break;
      default:
        break;
    }
  };

  /** rp_release_all(): releases the module's held list from the top. */
  const releaseAll = (list: RpHeld[], at: SourceSpan, below: Frame[], path: string[]): void => {
    while (list.length > 0) {
      const h = list.pop()!;
      steps.push({
        op: 'release',
        span: at,
        stack: [fr.autoReleaseCall, ...below],
        path,
        ref: { lock: classNames[h.cls]!, instance: h.inst },
        ip: fr.autoReleaseIp,
      });
    }
  };

  const ops = d.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.kind) {
      case 'acquire':
      case 'release':
      case 'downgrade':
      case 'setsub':
        lockop(op, 'process', held);
        break;
      case 'free': {
        steps.push({ op: 'free', span: op.span, stack: [...fr.free, ...fr.tail], ref: op.ref });
        // The module then allocates a fresh map (rp_new_map(): kzalloc(PAGE_SIZE, GFP_KERNEL)), whose
        // might_alloc() takes and drops the fs_reclaim map under whatever the task holds (probe p39).
        const reclaim: LockRef = { lock: FS_RECLAIM_ID, instance: 0 };
        const stack = [...fr.free, ...fr.tail];
        steps.push({ op: 'acquire', span: op.span, stack, ref: reclaim, read: 0, trylock: false, subclass: 0, check: true, ip: FS_RECLAIM_IP });
        steps.push({ op: 'release', span: op.span, stack, ref: reclaim, ip: FS_RECLAIM_IP });
        break;
      }
      case 'irqoff':
        irqsOff = true;
        steps.push({ op: 'irqoff', span: op.span, stack: [fr.irqoffIp, ...fr.tail], ip: fr.irqoffIp });
        break;
      case 'irqon':
        irqsOff = false;
        steps.push({ op: 'irqon', span: op.span, stack: [fr.irqonIp, ...fr.tail], ip: fr.irqonIp });
        break;
      case 'bhoff':
        bhDepth++;
        steps.push({ op: 'bhoff', span: op.span, stack: [fr.bhoffIp, ...fr.tail], ip: fr.bhoffIp });
        break;
      case 'bhon':
        // The module only calls local_bh_enable() for a matching bhoff.
        if (bhDepth > 0) {
          bhDepth--;
          steps.push({ op: 'bhon', span: op.span, stack: [fr.bhonIp, ...fr.tail], ip: fr.bhonIp });
        }
        break;
      case 'hardirq':
      case 'softirq': {
        const end = op.end;
        // rp_run_block(): an irq_work cannot interrupt a task with irqs off, a tasklet cannot run
        // while the task has irqs or bh disabled: the module skips the block (its steps never run).
        const skipped = irqsOff || (op.kind === 'softirq' && bhDepth > 0);
        if (!skipped) {
          const ctx: ExecCtx = op.kind;
          const entry = [...(ctx === 'hardirq' ? fr.hardirqEntry : fr.softirqEntry), ...fr.tail];
          steps.push({ op: 'irq-enter', span: op.span, stack: entry, context: ctx });
          const blockHeld: RpHeld[] = [];
          for (let j = i + 1; j < end; j++) lockop(ops[j]!, ctx, blockHeld);
          const endSpan = ops[end]!.span;
          const below = [fr.blockReleaseAll, ...(ctx === 'hardirq' ? fr.hardirq : fr.softirq).slice(1), ...fr.tail];
          releaseAll(blockHeld, endSpan, below, ['rp_block_body', 'rp_release_all']);
          steps.push({ op: 'irq-exit', span: endSpan, stack: entry });
        }
        i = end;
        break;
      }
      case 'endirq':
        break;
    }
  }

  // End of task: auto-release what the module still holds, then re-enable irqs and bh. (No report of
  // the task can show where that re-enable happened; the irqon/bhon ips stand in for it.)
  const endSpan = d.endSpan ?? ops[ops.length - 1]?.span ?? d.span;
  releaseAll(held, endSpan, [fr.taskReleaseAll, ...fr.tail], ['rp_task_fn', 'rp_release_all']);
  if (irqsOff) steps.push({ op: 'irqon', span: endSpan, stack: [fr.irqonIp, ...fr.tail], path: ['rp_task_fn'], ip: fr.irqonIp });
  for (; bhDepth > 0; bhDepth--) {
    steps.push({ op: 'bhon', span: endSpan, stack: [fr.bhonIp, ...fr.tail], path: ['rp_task_fn'], ip: fr.bhonIp });
  }
  return steps;
}

/** rp_held_drop(): removes the topmost entry of that class and instance, if any. */
function heldDrop(list: RpHeld[], cls: number, inst: number): void {
  for (let j = list.length - 1; j >= 0; j--) {
    if (list[j]!.cls === cls && list[j]!.inst === inst) {
      list.splice(j, 1);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Lexing, as rp_parse() does it

/** `#` starts a comment at the start of a line or after a blank (so `sb_writers#6` is a name). */
function stripComment(line: string): string {
  for (let i = line.indexOf('#'); i >= 0; i = line.indexOf('#', i + 1)) {
    if (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t') return line.slice(0, i);
  }
  return line;
}

/** Words separated by spaces, tabs and carriage returns, with their 1-based columns. */
function splitWords(line: string): Word[] {
  const words: Word[] = [];
  const re = /[^ \t\r]+/g;
  for (let mt = re.exec(line); mt; mt = re.exec(line)) words.push({ text: mt[0], col: mt.index + 1 });
  return words;
}

/** kstrtoint(s, 10): optional sign, decimal digits, within int range. */
function kstrtoint(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n > 0x7fffffff || n < -0x80000000) return undefined;
  return n === 0 ? 0 : n;
}
