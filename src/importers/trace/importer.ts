/**
 * ftrace lock events → the validator, streaming. Rebuilds each task's held-lock stack from
 * lock_acquire / lock_release (keyed by pid; the idle tasks, all pid 0, by CPU), follows its interrupt
 * context and irq/bh state from the flags column, and feeds every operation to a ReplaySession, so
 * memory grows with tasks and classes, never with events.
 *
 * The trace is lossy (assumptions.ts says what is assumed). Besides, the importer:
 *  - skips acquisitions before the first lock_release event (ftrace enables the two events one
 *    after the other, so the first acquisitions' releases are missing);
 *  - skips the boot-time locking self-tests (they run in start_kernel with lockdep silenced and their
 *    classes are zapped afterwards): while only the boot task has appeared, maps named like the
 *    self-tests' locks are ignored for the rest of the trace;
 *  - counts (and otherwise ignores) a release of a map the task does not hold in its current irq
 *    segment (taken before tracing started, or lost);
 *  - treats taking a held map again, not for read, as a lost release of the first acquisition;
 *  - releases what an interrupt handler still holds when the trace shows it has returned;
 *  - ignores NMI events (lockdep does not record locks taken in NMI).
 */
import { inputError } from '../../diag/error.js';
import type { Frame } from '../../model/frame.js';
import type { KernelConfig } from '../../model/kernel.js';
import type { LockClassDecl, Step } from '../../model/scenario.js';
import type { SourceSpan } from '../../model/span.js';
import type { Report } from '../../model/findings.js';
import type { Limits } from '../../validator/lockdep.js';
import { ReplaySession, profileOf } from '../../validator/replay.js';
import { TRACE_LIMITS, nameRules, type NameRuleOptions, type NameRules, type ReadRule } from './assumptions.js';
import type { LockInstance } from '../../validator/held-lock.js';
import { IrqCtx, LineKind } from './line-parser.js';
import { CTX_SHIFT, F_BH_OFF, F_HAS_FLAGS, F_IRQS_OFF, F_READ, F_TRY, RECORD_SIZE, TraceRecordParser, type TraceBatch } from './records.js';

export interface TraceImportOptions {
  /** Name used in spans and reports. */
  file: string;
  /** Kernel whose lockdep is imitated (semantics and report format). Default `6.1.192`. */
  kernel?: string;
  config?: Partial<KernelConfig>;
  /** Extra name rules (novalidate, recursive-read and rwlock_t names). */
  rules?: NameRuleOptions;
  /** Keep the boot-time locking self-tests' events. */
  keepSelftests?: boolean;
  /** Count and skip malformed lines instead of failing on the first one. */
  lenient?: boolean;
  limits?: Partial<Limits>;
  /** Stop validating after the first report, as the kernel does. */
  stopAfterFirst?: boolean;
}

export interface TraceImportStats {
  /** Lines read, including headers. */
  lines: number;
  /** lock_acquire + lock_release events read. */
  events: number;
  acquires: number;
  releases: number;
  /** Other trace events (ignored). */
  otherEvents: number;
  /** Events the ring buffer dropped (`[LOST N EVENTS]` lines). */
  lostEvents: number;
  /** Malformed lines skipped (lenient mode, or a truncated last line). */
  badLines: number;
  /** Tasks: one per pid and comm (an exec or rename starts a new one), idle tasks per CPU. */
  tasks: number;
  /** Lock classes at the end (map names, plus name/N subclasses). */
  classes: number;
  /** Dependencies recorded. */
  dependencies: number;
  /** Releases of a map not held in the task's current irq segment (not fatal). */
  unbalancedReleases: number;
  /** A map taken again (not for read) while held: its first release was lost. */
  lostReleases: number;
  /** Acquisitions before the first lock_release event, at the start or after a gap in lock_acquire events. */
  skippedBeforeFirstRelease: number;
  /** Events of the boot-time locking self-tests. */
  selftestEvents: number;
  /** Events in NMI context. */
  nmiEvents: number;
  /** Locks an interrupt handler still held when the trace showed it had returned. */
  releasedAtIrqExit: number;
  /** Acquisitions given a subclass because a map of the same name was held. */
  subclassAssumed: number;
  /** Shared acquisitions taken as recursive reads because a shared holder of the same name was held. */
  recursiveReadAssumed: number;
  /** Same-name nesting deeper than the 8 subclasses lockdep has (not validated). */
  tooDeep: number;
  /** Locks still held at the end of the trace. */
  heldAtEnd: number;
  /** First and last timestamp (seconds), NaN without events. */
  firstTs: number;
  lastTs: number;
}

export interface TraceImportResult {
  report: Report;
  stats: TraceImportStats;
  /** What the trace cannot tell and what was assumed (for the output). */
  notes: string[];
}

/** A held lock as the importer tracks it (the validator keeps the real held_lock). */
interface Held {
  /** Lock map id (address and name). */
  map: number;
  name: number;
  sub: number;
  read: 0 | 1 | 2;
  /** Instance index within its class (unique among the task's held maps of the same name). */
  inst: number;
  /** irq_context at acquisition (bit0 softirq, bit1 hardirq). */
  seg: number;
  /** The validator's instance; undefined when not given to the validator (nesting too deep): its release is dropped too. */
  li: LockInstance | undefined;
}

interface TaskInfo {
  idx: number;
  /** The pid, or for an idle task (pid 0) -(cpu + 2). */
  key: number;
  pid: number;
  /** Interned comm. */
  comm: number;
  /** Interrupt handlers running on top of the task, innermost last: 1 softirq, 2 hardirq. */
  ctx: number[];
  seg: number;
  hardEnabled: boolean;
  softEnabled: boolean;
  bhOff: boolean;
  saved: number[];
  held: Held[];
}

interface NameInfo {
  id: string;
  check: boolean;
  read: ReadRule;
  /** The validator's lock instance per instance index (resolved at its first acquisition). */
  insts: LockInstance[];
}

const UNKNOWN_IP: Frame = Object.freeze({ symbol: 'unknown', offset: 0, size: 0 }) as Frame;
const NO_STACK: Frame[] = Object.freeze([]) as unknown as Frame[];
const MAX_SUBCLASSES = 8;
/**
 * This many lock_release events in a row (on all CPUs) mean lock_acquire events were off: when they
 * come back, tracing is taken as restarted (acquisitions wait for the next lock_release). Real
 * traces never show more than ~10 in a row; toggling the events shows dozens.
 */
const ACQUIRE_GAP = 20;
const DEFAULT_KERNEL = '6.1.192';
const RECENT_TASKS = 64;
const ELLIPSIS_COMM = '<...>';

const TRACE_HINT =
  'expected ftrace text lines like "bash-1337 [002] d..1. 127.240361: lock_acquire: ffff88800429d018 read &sig->lock" ' +
  '(cat /sys/kernel/tracing/trace, or trace-cmd report); pass --lenient to skip malformed lines';

type IrqStep = Extract<Step, { op: 'irqoff' | 'irqon' | 'bhoff' | 'bhon' }>;

export class TraceImporter {
  readonly stats: TraceImportStats = {
    lines: 0,
    events: 0,
    acquires: 0,
    releases: 0,
    otherEvents: 0,
    lostEvents: 0,
    badLines: 0,
    tasks: 0,
    classes: 0,
    dependencies: 0,
    unbalancedReleases: 0,
    lostReleases: 0,
    skippedBeforeFirstRelease: 0,
    selftestEvents: 0,
    nmiEvents: 0,
    releasedAtIrqExit: 0,
    subclassAssumed: 0,
    recursiveReadAssumed: 0,
    tooDeep: 0,
    heldAtEnd: 0,
    firstTs: NaN,
    lastTs: NaN,
  };
  /** The first malformed lines (lenient mode), for warnings. */
  readonly badLineMessages: string[] = [];
  readonly session: ReplaySession;
  private readonly opts: TraceImportOptions;
  private readonly rules: NameRules;
  /** Names, comms and lock maps (address high/low, name) by id, as the parser numbered them. */
  private readonly names: string[] = [];
  private readonly comms: string[] = [];
  private readonly mapHi: number[] = [];
  private readonly mapLo: number[] = [];
  private readonly mapName: number[] = [];
  /** Per map: 0 not known yet, 1 a self-test map, 2 not one (while only the boot task has run). */
  private mapSelftest = new Uint8Array(1 << 16);
  private readonly nameInfo: NameInfo[] = [];
  /** Parses what push() is given (the CLI's worker parses elsewhere and calls pushBatch()). */
  private parser: TraceRecordParser | undefined;
  private readonly tasks = new Map<number, TaskInfo>();
  private readonly taskList: TaskInfo[] = [];
  /** A lock_release event has been seen since tracing (re)started: acquisitions count from now. */
  private seenRelease = false;
  /** Consecutive lock_release events with no lock_acquire (all tasks). */
  private releaseRun = 0;
  /** Key of the first task; undefined once another task has appeared. */
  private bootTask: number | undefined = NaN;
  /** Line of the event being imported, and the file name spans carry. */
  private line = 0;
  private readonly file: string;
  private readonly lenient: boolean;
  private readonly keepSelftests: boolean;
  /** The span given with releases (the validator copies it when it keeps it). */
  private readonly releaseSpan: SourceSpan;
  /** The irq steps handed to the validator, reused (it keeps nothing of a step but its span). */
  private readonly irqOffStep: IrqStep;
  private readonly irqOnStep: IrqStep;
  private readonly bhOffStep: IrqStep;
  private readonly bhOnStep: IrqStep;
  /** Held entries no longer in use (pooled: one is needed per acquisition). */
  private readonly freeHeld: Held[] = [];
  /** Timestamps and line count from batches. */
  private batchFirstTs = NaN;
  private lastTsValue = NaN;
  private batchLines = 0;
  /** Tasks looked up lately, by key (direct-mapped): most events come from a few running tasks. */
  private readonly recentTasks: (TaskInfo | undefined)[] = new Array<TaskInfo | undefined>(RECENT_TASKS).fill(undefined);

  constructor(opts: TraceImportOptions) {
    this.opts = opts;
    this.rules = nameRules(opts.rules);
    this.session = new ReplaySession(opts.file, profileOf(opts.kernel ?? DEFAULT_KERNEL, opts.config ?? {}), [], {
      stopAfterFirst: opts.stopAfterFirst ?? false,
      ...(opts.limits ? { limits: opts.limits } : {}),
    });
    this.file = opts.file;
    this.lenient = opts.lenient ?? false;
    this.keepSelftests = opts.keepSelftests ?? false;
    this.releaseSpan = { file: opts.file, line: 0, col: 1 };
    // A trace only shows that the state changed: replay lockdep's own hooks, not local_bh_enable().
    const irq = (op: IrqStep['op']): IrqStep => ({ op, ip: UNKNOWN_IP, stack: NO_STACK, span: this.releaseSpan, hook: true });
    this.irqOffStep = irq('irqoff');
    this.irqOnStep = irq('irqon');
    this.bhOffStep = irq('bhoff');
    this.bhOnStep = irq('bhon');
  }

  /** Bytes consumed so far (for progress). */
  get bytes(): number {
    return this.parser?.bytes ?? 0;
  }

  /** Feeds the next chunk of trace text (its complete lines are validated before this returns). */
  push(chunk: Uint8Array): void {
    const p = this.ownParser();
    p.push(chunk);
    p.drain();
  }

  private ownParser(): TraceRecordParser {
    if (!this.parser) {
      const p = new TraceRecordParser((b) => {
        this.pushBatch(b);
        p.recycle(b.records);
      });
      this.parser = p;
    }
    return this.parser;
  }

  /**
   * Ends the input and returns the report. `interrupted`: the input stopped early (Ctrl-C), so an
   * unfinished last line is dropped rather than read as a truncated one.
   */
  end(o: { interrupted?: boolean } = {}): TraceImportResult {
    this.parser?.end(o.interrupted);
    const report = this.session.finish();
    const s = this.stats;
    s.lastTs = this.lastTsValue;
    s.lines = Math.max(this.parser?.line ?? 0, this.batchLines);
    s.tasks = this.taskList.length;
    s.classes = report.stats.classes;
    s.dependencies = report.stats.dependencies;
    s.heldAtEnd = this.taskList.reduce((n, t) => n + t.held.length, 0);
    return { report, stats: { ...s }, notes: this.notes() };
  }

  /** What the trace cannot tell, what was assumed, and what was skipped. */
  notes(): string[] {
    const s = this.stats;
    const out = [...TRACE_LIMITS];
    if (s.skippedBeforeFirstRelease) out.push(`${s.skippedBeforeFirstRelease} acquisitions before the first lock_release event (at the start, or after lock_acquire events were off) were skipped: their releases were not traced`);
    if (s.selftestEvents) out.push(`${s.selftestEvents} events of the boot-time locking self-tests were skipped (lockdep is silenced for them and zaps their classes)`);
    if (s.unbalancedReleases) out.push(`${s.unbalancedReleases} releases of locks not held (taken before tracing started, or lost) were ignored`);
    if (s.lostReleases) out.push(`a held lock was taken again, not for read, ${s.lostReleases} time(s): its earlier release was taken as lost`);
    if (s.releasedAtIrqExit) out.push(`${s.releasedAtIrqExit} locks still held by an interrupt handler when it returned were released there`);
    if (s.subclassAssumed) out.push(`${s.subclassAssumed} acquisitions under a held lock of the same name were given the next subclass`);
    if (s.recursiveReadAssumed) out.push(`${s.recursiveReadAssumed} shared acquisitions under a shared holder of the same name were taken as recursive reads`);
    if (s.tooDeep) out.push(`${s.tooDeep} acquisitions nested more than 8 deep in one name were not validated`);
    if (s.nmiEvents) out.push(`${s.nmiEvents} NMI events were ignored (lockdep does not track locks taken in NMI)`);
    if (s.lostEvents) out.push(`the ring buffer dropped ${s.lostEvents} events: the held-lock stacks may be wrong after that point`);
    if (s.badLines) out.push(`${s.badLines} malformed lines were skipped`);
    return out;
  }

  // -------------------------------------------------------------------------------------------------
  // Records

  /**
   * Feeds a batch of parsed lines (records.ts; the CLI parses in a worker thread). Batches must come
   * in order, from one TraceRecordParser, and are the only input of this importer then.
   */
  pushBatch(b: TraceBatch): void {
    for (const n of b.names) this.names.push(n);
    for (const c of b.comms) this.comms.push(c);
    const m = b.maps;
    for (let i = 0; i < m.length; i += 3) {
      this.mapHi.push(m[i]! >>> 0);
      this.mapLo.push(m[i + 1]! >>> 0);
      this.mapName.push(m[i + 2]!);
    }
    this.stats.otherEvents += b.otherEvents;
    this.stats.lostEvents += b.lostEvents;
    this.batchLines = b.lines;
    if (!b.count) return;
    this.batchFirstTs = b.firstTs;
    const r = b.records;
    const s = this.stats;
    for (let i = 0, o = 0; i < b.count; i++, o += RECORD_SIZE) {
      const w = r[o]!;
      const kind = w & 15;
      const line = r[o + 1]!;
      this.line = line;
      if (kind === LineKind.Acquire || kind === LineKind.Release) {
        if (kind === LineKind.Acquire) s.acquires++;
        else s.releases++;
        if (++s.events === 1) s.firstTs = this.batchFirstTs;
        const pid = r[o + 2]!;
        const comm = r[o + 5]!;
        const key = pid !== 0 ? pid : -(r[o + 3]! + 2);
        const known = this.recentTasks[key & (RECENT_TASKS - 1)];
        const task = known !== undefined && known.key === key && known.comm === comm ? known : this.taskFor(pid, r[o + 3]!, comm);
        this.event(kind === LineKind.Acquire, w, task, r[o + 4]!);
      } else {
        this.badLine(b.errors[r[o + 4]!]!, r[o + 2]!, line, (w & F_TRY) !== 0);
      }
    }
    if (!Number.isNaN(b.lastTs)) this.lastTsValue = b.lastTs;
  }

  private badLine(error: string, col: number, line: number, isLast: boolean): void {
    this.stats.badLines++;
    if (this.lenient || isLast) {
      if (this.badLineMessages.length < 5) this.badLineMessages.push(`${this.file}:${line}:${col + 1}: ${error}`);
      return;
    }
    throw inputError('script-syntax', error, { file: this.file, line, col: col + 1 }, TRACE_HINT);
  }

  private event(acquire: boolean, w: number, task: TaskInfo, map: number): void {
    const s = this.stats;
    const ctx = (w >>> CTX_SHIFT) & 7;
    if (ctx === IrqCtx.Nmi) {
      s.nmiEvents++;
      return;
    }
    if (this.isSelftest(map)) {
      s.selftestEvents++;
      return;
    }
    if (acquire) {
      if (this.releaseRun >= ACQUIRE_GAP) this.seenRelease = false;
      this.releaseRun = 0;
      if (!this.seenRelease) {
        s.skippedBeforeFirstRelease++;
        return;
      }
    } else {
      this.releaseRun++;
      this.seenRelease = true;
    }
    if (w & F_HAS_FLAGS) {
      const irqsOff = (w & F_IRQS_OFF) !== 0;
      const bhOff = (w & F_BH_OFF) !== 0;
      // anything to do? (an interrupt context to enter or leave, irqs or BH switched)
      if (ctx !== IrqCtx.Process || task.ctx.length !== 0 || irqsOff === task.hardEnabled || bhOff !== task.bhOff) this.sync(task, ctx, irqsOff, bhOff);
    }
    if (acquire) this.acquire(task, map, (w & F_TRY) !== 0, (w & F_READ) !== 0);
    else this.release(task, map);
  }

  // -------------------------------------------------------------------------------------------------
  // Tasks

  private taskFor(pid: number, cpu: number, comm: number): TaskInfo {
    const key = pid !== 0 ? pid : -(cpu + 2);
    if (this.bootTask !== undefined) {
      if (Number.isNaN(this.bootTask)) this.bootTask = key;
      else if (this.bootTask !== key) this.bootTask = undefined;
    }
    let t = this.tasks.get(key);
    if (t && t.comm !== comm && !t.held.length && !t.ctx.length && this.comms[comm] !== ELLIPSIS_COMM) {
      t = undefined; // exec or rename: a new task from here on
    }
    if (!t) {
      const commStr = pid === 0 ? `swapper/${Math.max(cpu, 0)}` : this.comms[comm]!;
      const idx = this.session.addTask({ name: commStr, pid, cpu: Math.max(cpu, 0), steps: [], span: this.span() });
      t = { idx, key, pid, comm, ctx: [], seg: 0, hardEnabled: true, softEnabled: true, bhOff: false, saved: [], held: [] };
      this.tasks.set(key, t);
      this.taskList.push(t);
    }
    this.recentTasks[key & (RECENT_TASKS - 1)] = t;
    return t;
  }

  /** Boot self-tests: while only the boot task has run, maps named like the self-tests' are ignored. */
  private isSelftest(map: number): boolean {
    if (this.keepSelftests) return false;
    if (map >= this.mapSelftest.length) {
      const grown = new Uint8Array(Math.max(map + 1, this.mapSelftest.length * 2));
      grown.set(this.mapSelftest);
      this.mapSelftest = grown;
    }
    const known = this.mapSelftest[map]!;
    if (this.bootTask !== undefined && known === 0) {
      const hi = this.mapHi[map]!;
      const lo = this.mapLo[map]!;
      const isStatic = hi === 0xffffffff && lo >= 0x80000000;
      this.mapSelftest[map] = this.rules.selftest(this.names[this.mapName[map]!]!, isStatic) ? 1 : 2;
    }
    return this.mapSelftest[map] === 1;
  }

  private span(): SourceSpan {
    return { file: this.file, line: this.line, col: 1 };
  }

  private feed(t: TaskInfo, step: Step): void {
    this.session.step(t.idx, step);
  }

  private irqStep(t: TaskInfo, step: IrqStep): void {
    this.releaseSpan.line = this.line;
    this.session.step(t.idx, step);
  }

  /**
   * Brings the task's interrupt context and irq/bh state in line with the flags of the event:
   * interrupt handlers that returned are exited (releasing what they still hold), new ones entered,
   * then local_irq_disable/enable and local_bh_disable/enable are replayed as transitions.
   */
  private sync(t: TaskInfo, ctx: number, irqsOff: boolean, bhOff: boolean): void {
    const want = ctx === IrqCtx.Process ? 0 : ctx === IrqCtx.Softirq ? 1 : ctx === IrqCtx.Hardirq ? 2 : 3;
    const cur = t.ctx;
    // Fast path: process context, nothing running on top.
    if (want !== 0 || cur.length !== 0) {
      const wantList = want === 0 ? [] : want === 1 ? [1] : want === 2 ? [2] : [1, 2];
      let common = 0;
      while (common < cur.length && common < wantList.length && cur[common] === wantList[common]) common++;
      while (cur.length > common) this.exitIrq(t);
      for (let i = common; i < wantList.length; i++) this.enterIrq(t, wantList[i]!);
    }
    if (irqsOff === t.hardEnabled) {
      t.hardEnabled = !irqsOff;
      this.irqStep(t, irqsOff ? this.irqOffStep : this.irqOnStep);
    }
    if (bhOff !== t.bhOff) {
      t.bhOff = bhOff;
      this.irqStep(t, bhOff ? this.bhOffStep : this.bhOnStep);
      // mirrors lockdep_softirqs_off()/on() as the validator applies them
      if (bhOff) t.softEnabled = false;
      else if (!t.ctx.includes(1)) t.softEnabled = true;
    }
  }

  private enterIrq(t: TaskInfo, c: number): void {
    this.feed(t, { op: 'irq-enter', context: c === 2 ? 'hardirq' : 'softirq', stack: NO_STACK, span: this.span() });
    t.saved.push((t.hardEnabled ? 1 : 0) | (t.softEnabled ? 2 : 0));
    if (c === 2) t.hardEnabled = false;
    else {
      t.softEnabled = false;
      t.hardEnabled = true;
    }
    t.ctx.push(c);
    t.seg = segOf(t.ctx);
  }

  private exitIrq(t: TaskInfo): void {
    const held = t.held;
    while (held.length && held[held.length - 1]!.seg === t.seg) {
      this.stats.releasedAtIrqExit++;
      this.releaseAt(t, held.length - 1);
    }
    this.feed(t, { op: 'irq-exit', stack: NO_STACK, span: this.span() });
    const s = t.saved.pop() ?? 3;
    t.hardEnabled = (s & 1) !== 0;
    t.softEnabled = (s & 2) !== 0;
    t.ctx.pop();
    t.seg = segOf(t.ctx);
  }

  // -------------------------------------------------------------------------------------------------
  // Locks

  private info(name: number): NameInfo {
    let n = this.nameInfo[name];
    if (!n) {
      const str = this.names[name]!;
      const check = !this.rules.novalidate(str);
      n = { id: `n${name}`, check, read: this.rules.read(str), insts: [] };
      const decl: LockClassDecl = { id: n.id, name: str, kind: 'lockdep_map', novalidate: !check, wait: { outer: 0, inner: 0 }, span: this.span() };
      this.session.declareClass(decl);
      this.nameInfo[name] = n;
    }
    return n;
  }

  /** The validator's instance `inst` of a name (resolved, and so numbered, at its first acquisition). */
  private instance(n: NameInfo, inst: number): LockInstance {
    return n.insts[inst] ?? (n.insts[inst] = this.session.instance({ lock: n.id, instance: inst }));
  }

  /**
   * lock_acquire: decides what the trace does not say, then feeds the acquisition.
   *  1. the same map held again: for read under a reader it is a recursive read; otherwise its
   *     earlier release was lost;
   *  2. another map of the same name held (validated, not a trylock): a shared acquisition under
   *     shared holders is a recursive read, anything else gets the next subclass;
   *  3. the instance index is the smallest one not held by the task under this name.
   */
  private acquire(t: TaskInfo, map: number, trylock: boolean, isRead: boolean): void {
    const name = this.mapName[map]!;
    const n = this.info(name);
    let read: 0 | 1 | 2 = 0;
    let qrw = false;
    if (isRead) {
      read = n.read === 'recursive' ? 2 : 1;
      qrw = n.read === 'qrwlock';
    }
    const held = t.held;
    let same = -1;
    let sameName = false;
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      if (h.name === name) {
        sameName = true;
        if (h.map === map) same = i;
      }
    }
    if (same >= 0 && !(isRead && held[same]!.read)) {
      this.stats.lostReleases++;
      this.releaseAt(t, same);
      same = -1;
    }
    let sub = 0;
    let inst = -1;
    if (same >= 0) {
      const h = held[same]!;
      read = 2;
      qrw = false;
      sub = h.sub;
      inst = h.inst;
      this.stats.recursiveReadAssumed++;
    } else if (!sameName) {
      inst = 0;
    } else {
      let count = 0;
      let maxSub = -1;
      let allRead = true;
      let used = 0;
      for (let i = 0; i < held.length; i++) {
        const h = held[i]!;
        if (h.name !== name) continue;
        count++;
        if (h.sub > maxSub) maxSub = h.sub;
        if (!h.read) allRead = false;
        if (h.inst < 31) used |= 1 << h.inst;
      }
      if (count) {
        inst = 0;
        while (inst < 31 && used & (1 << inst)) inst++;
        if (inst === 31) inst = 31 + count;
        if (n.check && !trylock) {
          if (isRead && allRead) {
            read = 2;
            qrw = false;
            this.stats.recursiveReadAssumed++;
          } else {
            sub = maxSub + 1;
            this.stats.subclassAssumed++;
            if (sub >= MAX_SUBCLASSES) {
              this.stats.tooDeep++;
              held.push(this.newHeld(map, name, sub, read, inst, t.seg, undefined));
              return;
            }
          }
        }
      } else {
        inst = 0;
      }
    }
    const li = n.insts[inst] ?? this.instance(n, inst);
    this.session.acquire(t.idx, li, read, trylock, sub, n.check, qrw, UNKNOWN_IP, NO_STACK, { file: this.file, line: this.line, col: 1 });
    held.push(this.newHeld(map, name, sub, read, inst, t.seg, li));
  }

  private newHeld(map: number, name: number, sub: number, read: 0 | 1 | 2, inst: number, seg: number, li: LockInstance | undefined): Held {
    const h = this.freeHeld.pop();
    if (!h) return { map, name, sub, read, inst, seg, li };
    h.map = map;
    h.name = name;
    h.sub = sub;
    h.read = read;
    h.inst = inst;
    h.seg = seg;
    h.li = li;
    return h;
  }

  /** lock_release: the map must be held in the task's top irq segment (find_held_lock()). */
  private release(t: TaskInfo, map: number): void {
    const held = t.held;
    let i = held.length - 1;
    if (i >= 0) {
      const seg = held[i]!.seg;
      for (; i >= 0; i--) {
        const h = held[i]!;
        if (h.seg !== seg) {
          i = -1;
          break;
        }
        if (h.map === map) break;
      }
    }
    if (i < 0) {
      this.stats.unbalancedReleases++;
      return;
    }
    this.releaseAt(t, i);
  }

  private releaseAt(t: TaskInfo, i: number): void {
    const held = t.held;
    const h = held[i]!;
    if (i === held.length - 1) held.pop();
    else held.splice(i, 1);
    this.freeHeld.push(h);
    const li = h.li;
    if (li === undefined) return;
    h.li = undefined;
    this.releaseSpan.line = this.line;
    this.session.release(t.idx, li, UNKNOWN_IP, NO_STACK, this.releaseSpan);
  }
}

function segOf(ctx: number[]): number {
  let s = 0;
  for (const c of ctx) s |= c === 2 ? 2 : 1;
  return s;
}

/** Imports a whole trace held in memory (tests, small files). */
export function importTrace(input: string | Uint8Array, opts: TraceImportOptions): TraceImportResult {
  const imp = new TraceImporter(opts);
  imp.push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  return imp.end();
}
