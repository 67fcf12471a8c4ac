/**
 * Logical log lines (lines.ts) → SplatReport: a content-driven reader of every lockdep report
 * format (reference §4.1–§4.10) from `[ INFO: … ]` (pre-4.14) to current `WARNING: …` titles.
 *
 * Nothing depends on indentation or blank lines (mail archives collapse both): each line is
 * recognised by its text, and a line nobody recognises is skipped (other log output interleaved
 * with the report). Lines from another printk caller (`[T123]` ids that differ from the report's)
 * are dropped.
 */
import { inputError } from '../../diag/error.js';
import { detectArch } from './arch.js';
import { parseFrameLine, parseIp, pushFrame } from './frames.js';
import type { LogLine } from './lines.js';
import type { Backtrace, ClassBlock, LockLine, PrintedClass, SplatKind, SplatReport, Trace } from './report.js';

// ---------------------------------------------------------------------------------------------
// Titles

interface TitleDef {
  re: RegExp;
  kind: SplatKind;
}

const TITLES: TitleDef[] = [
  { re: /^possible circular locking dependency detected$/, kind: 'circular' },
  { re: /^possible recursive locking detected$/, kind: 'recursive' },
  { re: /^inconsistent lock state$/, kind: 'inconsistent' },
  { re: /^possible irq lock inversion dependency detected$/, kind: 'irq-inversion' },
  { re: /^[A-Za-z_]+(?:-(?:irq|IRQ|read|READ))*-safe -> [A-Za-z_]+(?:-(?:irq|IRQ|read|READ))*-unsafe lock order detected$/, kind: 'irq-safe-unsafe' },
  { re: /^Invalid wait context$/, kind: 'wait-context' },
  { re: /^bad unlock balance detected!$/, kind: 'bad-unlock' },
  { re: /^held lock freed!$/, kind: 'held-lock-freed' },
  { re: /^lock held when returning to user space!$/, kind: 'lock-held-user' },
  { re: /^Nested lock was not taken$/, kind: 'nested-not-taken' },
];

/** `WARNING: <title>`, `[ INFO: <title> ]`, `[ BUG: <title> ]`, or the bare title. */
export function matchTitle(text: string): { kind: SplatKind; title: string; old: boolean } | undefined {
  const t = text.trim();
  let inner = t;
  let old = false;
  const w = /^WARNING:\s*(.*)$/.exec(t);
  const b = /^\[\s*(?:INFO|BUG):\s*(.*?)\s*\]$/.exec(t);
  if (b) {
    inner = b[1]!;
    old = true;
  } else if (w) inner = w[1]!;
  for (const d of TITLES) if (d.re.test(inner)) return { kind: d.kind, title: inner, old };
  return undefined;
}

const TITLE_TEXT: Record<SplatKind, string> = {
  circular: 'possible circular locking dependency detected',
  recursive: 'possible recursive locking detected',
  inconsistent: 'inconsistent lock state',
  'irq-inversion': 'possible irq lock inversion dependency detected',
  'irq-safe-unsafe': 'HARDIRQ-safe -> HARDIRQ-unsafe lock order detected',
  'wait-context': 'Invalid wait context',
  'bad-unlock': 'bad unlock balance detected!',
  'held-lock-freed': 'held lock freed!',
  'lock-held-user': 'lock held when returning to user space!',
  'nested-not-taken': 'Nested lock was not taken',
};

/** Lines only one kind of report prints (to read a report whose title line is missing). */
const KIND_MARKERS: [RegExp, SplatKind][] = [
  [/^the existing dependency chain \(in reverse order\) is:$|^which lock already depends on the new lock\.?$/, 'circular'],
  [/^May be due to missing lock nesting notation$/, 'recursive'],
  [/^inconsistent \{.+\} -> \{.+\} usage\.?$/, 'inconsistent'],
  [/ just changed the state of lock:$/, 'irq-inversion'],
  [/^which would create a new lock dependency:$/, 'irq-safe-unsafe'],
  [/^context-\{\d+:\d+\}$/, 'wait-context'],
  [/^but there are no more locks to release!$| is trying to release lock \(.*\) at:$/, 'bad-unlock'],
  [/, with a lock still held there!$/, 'held-lock-freed'],
  [/ is leaving the kernel with locks still held!$/, 'lock-held-user'],
  [/^but this task is not holding:$/, 'nested-not-taken'],
];

function inferKind(lines: LogLine[]): { kind: SplatKind; index: number } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text.trim();
    for (const [re, kind] of KIND_MARKERS) if (re.test(t)) return { kind, index: i };
  }
  return undefined;
}

/**
 * A usage name as today's kernels print it: 2.6 kernels printed `in-hardirq-W`, `hardirq-on-W`,
 * `initial-use`.
 */
export function normUsage(name: string): string {
  return name.trim().toUpperCase().replace(/^INITIAL-USE$/, 'INITIAL USE').replace(/^INITIAL-READ-USE$/, 'INITIAL READ USE');
}

/** An irq state word as today's kernels print it: 2.6 printed `hard`, `soft-read`, `hard-irq`. */
export function normState(word: string): string {
  return word
    .toUpperCase()
    .replace(/-IRQ(?=$|-)/, '')
    .replace(/^HARD(?!IRQ)/, 'HARDIRQ')
    .replace(/^SOFT(?!IRQ)/, 'SOFTIRQ');
}

/** Kernel reports that are not lockdep's, so the error can say what the input is. */
const OTHER_REPORTS: [RegExp, string][] = [
  [/BUG: MAX_\w+ too low!/, 'a lockdep capacity message (`BUG: MAX_… too low!`: lockdep ran out of table space; there is no lock problem to reproduce)'],
  [/INFO: trying to register non-static key/, 'a lockdep "non-static key" message (a lock used without initialisation; no dependency to reproduce)'],
  [/WARNING: \S+ still has locks held!/, 'a "still has locks held" warning (debug_check_no_locks_held(), which import splat does not reproduce)'],
  [/Showing all locks held in the system:/, 'a hung-task lock listing ("Showing all locks held in the system")'],
  [/BUG: KASAN: /, 'a KASAN report'],
  [/BUG: KCSAN: /, 'a KCSAN data-race report'],
  [/BUG: sleeping function called from invalid context/, 'a might_sleep() splat ("sleeping function called from invalid context")'],
  [/BUG: scheduling while atomic/, 'a "scheduling while atomic" splat'],
  [/INFO: task .* blocked for more than \d+ seconds/, 'a hung-task report'],
  [/suspicious RCU usage/, 'an RCU-lockdep "suspicious RCU usage" warning (not a lock dependency report)'],
  [/BUG: (?:unable to handle|kernel NULL pointer)/, 'an oops'],
  [/general protection fault/, 'a general protection fault'],
  [/------------\[ cut here \]------------/, 'a WARN_ON() splat'],
  [/BUG: soft lockup|rcu_sched self-detected stall|rcu: INFO: rcu_\w+ (?:self-)?detected stall/, 'a lockup/stall report'],
];

const EXPECTED_TITLES = 'WARNING: possible circular locking dependency detected / possible recursive locking detected / inconsistent lock state / possible irq lock inversion dependency detected / <S>-safe -> <S>-unsafe lock order detected / [ BUG: Invalid wait context ] / bad unlock balance detected! / held lock freed! / lock held when returning to user space! / Nested lock was not taken (or the pre-4.14 `[ INFO: … ]` forms)';

// ---------------------------------------------------------------------------------------------
// Lines

const USAGE = '[.+\\-?]{4}(?:[.+\\-?]{2})?';
const USAGE_CLOSE_RE = new RegExp(`\\)\\{(${USAGE})\\}(?:-\\{(\\d+):(\\d+)\\})?`);

/** Parses ` (name){usage}-{o:i}` starting at the `(` at `start`; returns the class and the end index. */
function classAt(text: string, start: number, line: number): { cls: PrintedClass; end: number } | undefined {
  if (text[start] !== '(') return undefined;
  const rest = text.slice(start);
  const m = USAGE_CLOSE_RE.exec(rest);
  if (!m) return undefined;
  const name = rest.slice(1, m.index);
  if (name.length === 0) return undefined;
  const cls: PrintedClass = { printed: name, usage: m[1]!, line };
  if (m[2] !== undefined) cls.wait = { outer: Number(m[2]), inner: Number(m[3]) };
  return { cls, end: start + m.index + m[0].length };
}

const LOCK_LINE_HEAD_RE = /^(?:#(\d+):\s*)?(?:([0-9a-fA-F]{8,16})\s+)?(?=\()/;

/** A print_lock() line, optionally with the ` #i: ` of the held-locks block. */
export function parseLockLine(text: string, line: number): { index?: number; lock: LockLine } | undefined {
  const t = text.trim();
  const h = LOCK_LINE_HEAD_RE.exec(t);
  if (!h) return undefined;
  const c = classAt(t, h[0].length, line);
  if (!c) return undefined;
  const lock: LockLine = { cls: c.cls };
  if (h[2]) lock.instance = h[2].toLowerCase();
  const tail = t.slice(c.end);
  const at = /^,\s*at:\s*(.*)$/.exec(tail);
  if (at) {
    let ip = parseIp(at[1]!);
    if (!ip) ip = parseIp(at[1]!.trim().replace(/^\[<[0-9a-fA-Fx]+>\]\s*/, '').split(/\s+/)[0] ?? '');
    if (ip) lock.at = ip;
  }
  const out: { index?: number; lock: LockLine } = { lock };
  if (h[1] !== undefined) out.index = Number(h[1]);
  return out;
}

/** A class-only line: ` (name){usage}-{o:i}`. */
function parseClassLine(text: string, line: number): PrintedClass | undefined {
  const t = text.trim();
  const c = classAt(t, 0, line);
  return c && t.slice(c.end).trim() === '' ? c.cls : undefined;
}

const TASK_RE =
  /^(.+?)\/(\d+)\s*(?:\[HC(\d+)\[(\d+)\]:SC(\d+)\[(\d+)\]:HE(\d+):SE(\d+)\])?\s*(is trying to acquire lock:|is trying to acquire:|takes:|just changed the state of lock:|is trying to lock:|is leaving the kernel with locks still held!|is trying to release lock \((.*)\) at:|is freeing memory (\S+?)-(\S+?), with a lock still held there!)\s*(.*)$/;
const HELD_RE = /^(\d+) locks? held by (.+)\/(\d+):$/;
const NO_HELD_RE = /^no locks held by (.+)\/(\d+)\.?$/;
const CHAIN_ENTRY_RE = /^->\s*#(\d+)\s*(?=\()/;
const BLOCK_RE = /^->\s*(?=\()/;
const USAGE_TRACE_RE = /^((?:IN-)?[A-Z_]+(?:-ON)?-[WR]|INITIAL[ -]USE|INITIAL[ -]READ[ -]USE|IN-NMI) at:$/i;
const ELISION_RE = /^(?:<snip>|\[?snip\]?|\[\.\.\.\]|\.\.\.|…|Lost \d+ message\(s\)!|\*\* \d+ printk messages dropped \*\*.*|\[\s*\.\.\.\s*\])$/i;
const DUMP_CPU_RE = /^CPU:\s*(\d+)\s+(UID:\s*\d+\s+)?(?:PID:\s*(\d+)\s+Comm:\s*(.+?)\s+)?(Not tainted|Tainted:.*?)\s+(\S+)\s+(#\S+)/;
const DUMP_CPU_SHORT_RE = /^CPU:\s*(\d+)\b/;
const REGISTER_RE =
  /^(?:RIP|RSP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R\d\d|FS|GS|CS|DS|ES|CR\d|DR\d|EFLAGS|Code|pc|lr|sp|pstate|x\d+|ORIG_RAX|PKRU|Krnl PSW|Krnl GPRS|Krnl Code|Last Breaking-Event-Address|NIP|LR|CTR|MSR|XER|CFAR|IRQMASK|GPR\d+|Workqueue|Process|Stack|Backtrace|Hardware name|Modules linked in|task:|softirqs|hardirqs)\b|^[0-9a-f]{8,16}(?:\s+[0-9a-f]{8,16})*\.?$|^[0-9a-f]{16}:|^(?:r\d+|fp|ip|sp|lr|pc|cpsr|psr):[0-9a-f]+\b/i;
const END_RE = /^(?:---\[ end trace|INFO: lockdep is turned off|Kernel panic|------------\[ cut here \]|BUG: |WARNING: CPU:|Dumping ftrace buffer|note: |==================================================================)/;

function irqState(m: RegExpExecArray, from: number) {
  if (m[from] === undefined) return undefined;
  return {
    hc: Number(m[from]),
    hcCount: Number(m[from + 1]),
    sc: Number(m[from + 2]),
    scCount: Number(m[from + 3]),
    he: Number(m[from + 4]),
    se: Number(m[from + 5]),
  };
}

// ---------------------------------------------------------------------------------------------
// The reader

type Pending = 'next' | 'prev' | 'freed' | 'other' | 'safe' | 'unsafe' | 'dependency' | 'nest' | 'releaseIp' | 'chainExists' | undefined;

/**
 * Finds the first lockdep report in the lines and reads it.
 * @throws LockdepSimError (`schema`) when the text holds no lockdep report.
 */
export function parseSplat(lines: LogLine[], file: string): SplatReport {
  let start = lines.findIndex((l) => matchTitle(l.text) !== undefined);
  let title = start >= 0 ? matchTitle(lines[start]!.text)! : undefined;
  let titleMissing = false;
  if (start < 0) {
    // No title line (pasted from the middle): tell the kind from a line only that report prints.
    const inf = inferKind(lines);
    if (!inf) throw notAReport(lines, file);
    const taskIdx = lines.findIndex((l, i) => i <= inf.index && TASK_RE.test(l.text.trim()));
    const first = taskIdx >= 0 ? taskIdx : inf.index;
    start = first - 1;
    title = { kind: inf.kind, title: TITLE_TEXT[inf.kind], old: false };
    titleMissing = true;
  }
  const t0 = lines[Math.max(start, 0)]!;
  const r: SplatReport = {
    kind: title!.kind,
    title: title!.title,
    oldTitle: title!.old,
    titleLine: titleMissing ? lines[start + 1]!.line : t0.line,
    chain: [],
    scenarioLines: [],
    blocks: [],
    seen: new Set(),
    elisions: [],
    lastLine: t0.line,
  };
  if (titleMissing) r.titleMissing = true;
  const c0 = titleMissing ? lines[start + 1]!.caller : t0.caller;
  if (c0 !== undefined) r.caller = c0;

  let pending: Pending;
  let trace: Trace | undefined; // where frames go
  let traceSkipDots = false;
  let mode: 'top' | 'chain' | 'held' | 'blocks' | 'backtrace' | 'scenario' = 'top';
  let blockTarget: ClassBlock[] | undefined;
  let block: ClassBlock | undefined;
  let bt: Backtrace | undefined;
  let btStarted = false;
  let btFramesSeen = false;
  let irqDepth = 0;
  let heldByIndex: Map<number, LockLine> | undefined;
  let heldOrder: LockLine[] | undefined;
  let lastHeldIndex = -1;

  const startTrace = (line: number): Trace => {
    trace = { frames: [], line };
    traceSkipDots = false;
    return trace;
  };

  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (r.caller !== undefined && l.caller !== undefined && l.caller !== r.caller) continue;
    const t = l.text.trim();
    if (t === '') continue;
    if (matchTitle(t)) {
      r.followingReport = l.line;
      break;
    }
    if (/^=+$/.test(t)) {
      // The ruler of the next report (its title follows); ours was before the title.
      const nt = lines[i + 1];
      if (nt && matchTitle(nt.text)) {
        r.followingReport = nt.line;
        break;
      }
      continue;
    }
    if (/^-+$/.test(t)) continue;
    r.lastLine = l.line + l.span - 1;

    // ---------------------------------------------------------------- the backtrace
    if (mode === 'backtrace') {
      if (END_RE.test(t)) {
        r.lastLine = l.line - 1;
        break;
      }
      const cpu = DUMP_CPU_RE.exec(t);
      if (cpu && !btStarted) {
        r.cpu = Number(cpu[1]);
        if (cpu[2]) r.dumpUid = true;
        if (cpu[6] && /^\d+\.\d+/.test(cpu[6])) r.dumpRelease = `${cpu[6]} ${cpu[7]}`;
        const info = t.slice(cpu[0].length).trim();
        if (info) r.dumpBuildInfo = info;
        continue;
      }
      const cpuShort = DUMP_CPU_SHORT_RE.exec(t);
      if (cpuShort && !btStarted) {
        r.cpu = Number(cpuShort[1]);
        continue;
      }
      const hw = /^Hardware name:\s*(.*)$/.exec(t);
      if (hw) {
        r.hardware = hw[1]!;
        continue;
      }
      if (/^(?:Call [Tt]race:|Backtrace:|Stack:)$/.test(t)) {
        btStarted = true;
        continue;
      }
      if (/^<(?:IRQ|SOFTIRQ|NMI)>$/.test(t)) {
        irqDepth++;
        if (!btFramesSeen || bt!.frames.length === 0) bt!.inIrqMarkers = true;
        continue;
      }
      if (/^<\/(?:IRQ|SOFTIRQ|NMI)>$/.test(t)) {
        irqDepth = Math.max(0, irqDepth - 1);
        continue;
      }
      if (t === '<TASK>') continue;
      if (t === '</TASK>') {
        if (btFramesSeen) break;
        continue;
      }
      const rip = /^RIP:\s*([0-9a-fA-F]{4}):(.*)$/.exec(t);
      if (rip) {
        if (rip[1] === '0033' || rip[1] === '0023') {
          // Back in user space: the kernel stack has ended; only the register dump follows.
          if (btFramesSeen) {
            skipRegisters(lines, i, r);
            break;
          }
          continue;
        }
        const f = parseIp(rip[2]!);
        if (f && btFramesSeen) bt!.frames.push(f);
        continue;
      }
      const fl = parseFrameLine(t);
      if (fl) {
        btStarted = true;
        if (pushFrame(bt!.frames, fl)) btFramesSeen = true;
        continue;
      }
      if (REGISTER_RE.test(t)) continue;
      if (ELISION_RE.test(t)) {
        r.elisions.push({ text: t, line: l.line });
        continue;
      }
      if (btFramesSeen) {
        r.lastLine = l.line - 1;
        break;
      }
      continue;
    }

    // ---------------------------------------------------------------- section lines
    if (!r.ident && !r.task && r.chain.length === 0) {
      const lt = l.text.trimStart();
      const id = /^(\S+)\s+(#\S+)(?:\s+((?:Not tainted|Tainted:).*))?$/.exec(lt) ?? /^(\S+)\s+((?:Not tainted|Tainted:).*)$/.exec(lt);
      if (id && !TASK_RE.test(t) && !parseLockLine(t, l.line)) {
        const ident: NonNullable<SplatReport['ident']> = { line: l.line, text: t };
        ident.release = id[1]!;
        if (id[2]?.startsWith('#')) {
          ident.build = id[2];
          if (id[3] !== undefined) ident.taint = cleanTaint(id[3]);
        } else if (id[2] !== undefined) ident.taint = cleanTaint(id[2]);
        r.ident = ident;
        continue;
      }
    }

    const task = TASK_RE.exec(t);
    if (task && !r.task) {
      r.task = { comm: task[1]!, pid: Number(task[2]), line: l.line };
      const st = irqState(task, 3);
      if (st) r.irqState = st;
      const phrase = task[9]!;
      r.seen.add('task');
      trace = undefined;
      if (phrase.startsWith('is trying to release lock')) {
        r.release = { name: task[10]! };
        const ip = task[13] ? parseIp(task[13]) : undefined;
        if (ip) r.release.ip = ip;
        else pending = 'releaseIp';
      } else if (phrase.startsWith('is freeing memory')) {
        r.freed = { from: task[11]!, to: task[12]! };
        pending = 'freed';
      } else if (phrase.startsWith('is leaving the kernel')) {
        pending = undefined;
      } else {
        pending = 'next';
      }
      continue;
    }

    if (/^but task is already holding lock:$/.test(t) || /^and this task is already holding:$/.test(t)) {
      pending = 'prev';
      r.seen.add('already holding');
      trace = undefined;
      continue;
    }
    if (/^which lock already depends on the new lock\.?$/.test(t)) {
      r.seen.add('depends');
      continue;
    }
    if (/^the existing dependency chain \(in reverse order\) is:$/.test(t)) {
      mode = 'chain';
      r.seen.add('the existing dependency chain');
      trace = undefined;
      continue;
    }
    const ce = CHAIN_ENTRY_RE.exec(t);
    if (ce) {
      const rest = t.slice(ce[0].length);
      const c = classAt(rest, 0, l.line);
      if (c) {
        mode = 'chain';
        r.chain.push({ index: Number(ce[1]), cls: c.cls, trace: startTrace(l.line) });
        continue;
      }
    }
    if (/^other info that might help us debug this:?$/.test(t)) {
      mode = 'top';
      trace = undefined;
      r.seen.add('other info');
      continue;
    }
    if (/^Chain exists of:$/.test(t)) {
      pending = 'chainExists';
      trace = undefined;
      continue;
    }
    if (/^Possible (?:interrupt )?unsafe locking scenario:$/.test(t)) {
      mode = 'scenario';
      trace = undefined;
      r.seen.add('scenario');
      continue;
    }
    if (/^\*\*\* DEADLOCK \*\*\*$/.test(t)) {
      mode = 'top';
      r.seen.add('*** DEADLOCK ***');
      continue;
    }
    const held = HELD_RE.exec(t);
    const noHeld = held ? undefined : NO_HELD_RE.exec(t);
    if ((held || noHeld) && !r.held) {
      r.heldCount = held ? Number(held[1]) : 0;
      r.held = [];
      heldByIndex = new Map();
      heldOrder = r.held;
      lastHeldIndex = -1;
      mode = 'held';
      trace = undefined;
      pending = undefined;
      r.seen.add('held');
      if (!r.task) r.task = { comm: (held ?? noHeld)![held ? 2 : 1]!, pid: Number((held ?? noHeld)![held ? 3 : 2]), line: l.line };
      continue;
    }
    const uc = /^inconsistent \{(.+)\} -> \{(.+)\} usage\.?$/.exec(t);
    if (uc) {
      r.usageChange = { old: normUsage(uc[1]!), new: normUsage(uc[2]!) };
      continue;
    }
    const reg = /^\{(.+)\} state was registered at:$/.exec(t);
    if (reg) {
      r.registered = startTrace(l.line);
      mode = 'top';
      continue;
    }
    if (/^(?:irq event stamp:|hardirqs last|softirqs last)/.test(t)) {
      trace = undefined;
      continue;
    }
    const inv = /^but this lock (took another|was taken by another), (\S+?)-(?:unsafe|safe) lock in the past:$/.exec(t);
    if (inv) {
      r.inversion = { forwards: inv[1] === 'took another', state: normState(inv[2]!), other: { printed: '', line: l.line } };
      pending = 'other';
      trace = undefined;
      continue;
    }
    if (/^and interrupts could create inverse lock ordering between them\.?$/.test(t)) continue;
    if (/^the shortest dependencies between 2nd lock and 1st lock:$/.test(t)) {
      mode = 'blocks';
      blockTarget = r.blocks;
      block = undefined;
      trace = undefined;
      r.seen.add('the dependencies between');
      continue;
    }
    if (/^which would create a new lock dependency:$/.test(t)) {
      pending = 'dependency';
      safeUnsafe(r);
      continue;
    }
    const safe = /^but this new dependency connects a (\S+?)-irq-safe lock:$/.exec(t);
    if (safe) {
      safeUnsafe(r).state = normState(safe[1]!);
      pending = 'safe';
      trace = undefined;
      continue;
    }
    const became = /^\.\.\. which became (\S+?)-irq-(safe|unsafe) at:$/.exec(t);
    if (became) {
      const su = safeUnsafe(r);
      const tr = startTrace(l.line);
      if (became[2] === 'safe') su.safeTrace = tr;
      else {
        su.unsafeTrace = tr;
        traceSkipDots = true;
      }
      mode = 'top';
      continue;
    }
    const unsafe = /^to a (\S+?)-irq-unsafe lock:$/.exec(t);
    if (unsafe) {
      pending = 'unsafe';
      trace = undefined;
      continue;
    }
    const between = /^the dependencies between (\S+?)-irq-safe lock and the holding lock:$/.exec(t);
    if (between) {
      mode = 'blocks';
      blockTarget = safeUnsafe(r).backwards;
      block = undefined;
      trace = undefined;
      r.seen.add('the dependencies between');
      continue;
    }
    if (/^the dependencies between the lock to be acquired/.test(t)) {
      mode = 'blocks';
      blockTarget = safeUnsafe(r).forwards;
      block = undefined;
      trace = undefined;
      continue;
    }
    if (/^and \S+-irq-unsafe lock:$/.test(t)) continue;
    const ctxw = /^context-\{(\d+):(\d+)\}$/.exec(t);
    if (ctxw) {
      r.contextWait = Number(ctxw[1]);
      continue;
    }
    if (/^but this task is not holding:$/.test(t)) {
      pending = 'nest';
      continue;
    }
    if (/^but there are no more locks to release!$/.test(t)) {
      r.seen.add('no more locks');
      continue;
    }
    if (/^May be due to missing lock nesting notation$/.test(t)) continue;
    if (/^stack backtrace:$/.test(t)) {
      mode = 'backtrace';
      bt = { frames: [], inIrqMarkers: false, line: l.line };
      r.backtrace = bt;
      r.seen.add('stack backtrace:');
      trace = undefined;
      continue;
    }
    if (/^(?:Call [Tt]race:)$/.test(t) && !r.backtrace) {
      // A report cut before `stack backtrace:` but with its trace (some posters drop the line).
      mode = 'backtrace';
      bt = { frames: [], inIrqMarkers: false, line: l.line };
      r.backtrace = bt;
      btStarted = true;
      trace = undefined;
      continue;
    }
    if (mode !== 'blocks' && END_RE.test(t) && (r.held !== undefined || r.chain.length > 0)) break;

    // ---------------------------------------------------------------- class blocks
    if (mode === 'blocks' && blockTarget) {
      const bh = BLOCK_RE.exec(t);
      if (bh) {
        const c = classAt(t, bh[0].length, l.line);
        if (c) {
          if (/\bops:\s*\d+/.test(t.slice(c.end))) r.opsPrinted = true;
          block = { cls: c.cls, usageTraces: [] };
          blockTarget.push(block);
          trace = undefined;
          continue;
        }
      }
      const ut = USAGE_TRACE_RE.exec(t);
      if (ut && block) {
        block.usageTraces.push({ usage: normUsage(ut[1]!), trace: startTrace(l.line) });
        continue;
      }
      if (t === '}') {
        trace = undefined;
        continue;
      }
      const ka = /^\.\.\. key\s+at:\s*(.*)$/.exec(t);
      if (ka) {
        const key = parseIp(ka[1]!);
        if (key && block && key.size > 0) block.key = key;
        trace = undefined;
        continue;
      }
      if (/^\.\.\. acquired at:$/.test(t) && block) {
        block.acquiredAt = startTrace(l.line);
        continue;
      }
    }

    // ---------------------------------------------------------------- pending one-liners
    if (pending === 'chainExists') {
      r.chainExists = t.split(/\s+-->\s+/).map((s) => s.trim());
      pending = undefined;
      continue;
    }
    if (pending === 'nest') {
      // The map name on a line of its own (lockdep's own oops may follow instead).
      if (/^\S{1,120}$/.test(t)) r.nestName = t;
      pending = undefined;
      continue;
    }
    if (pending === 'releaseIp') {
      const ip = parseIp(t);
      if (ip && r.release) r.release.ip = ip;
      pending = undefined;
      continue;
    }
    if (pending === 'dependency') {
      const su = safeUnsafe(r);
      const parts = t.split(/\s+->\s+(?=\()/);
      const a = parts[0] ? parseClassLine(parts[0], l.line) : undefined;
      const b = parts[1] ? parseClassLine(parts[1], l.line) : undefined;
      if (a && b) su.dependency = [a, b];
      pending = undefined;
      continue;
    }
    if (pending === 'other' || pending === 'safe' || pending === 'unsafe') {
      const c = parseClassLine(t, l.line);
      if (c) {
        if (pending === 'other' && r.inversion) r.inversion.other = c;
        else if (pending === 'safe') safeUnsafe(r).safe = c;
        else if (pending === 'unsafe') safeUnsafe(r).unsafe = c;
        pending = undefined;
        continue;
      }
    }

    // ---------------------------------------------------------------- lock lines
    const ll = parseLockLine(t, l.line);
    if (ll) {
      if (mode === 'held' && heldByIndex && heldOrder && ll.index !== undefined) {
        // syzbot prints one line per inlined frame of the ip: the last one is the real frame.
        const known = heldByIndex.get(ll.index);
        if (known) Object.assign(known, ll.lock);
        else if (ll.index > lastHeldIndex) {
          heldByIndex.set(ll.index, ll.lock);
          heldOrder.push(ll.lock);
          lastHeldIndex = ll.index;
        }
        continue;
      }
      if (pending === 'next' || pending === 'freed') {
        r.next = ll.lock;
        // Stay pending: a syzbot inline duplicate may follow with the real frame.
        pending = pending === 'next' ? 'next' : 'freed';
        continue;
      }
      if (pending === 'prev') {
        r.prev = ll.lock;
        continue;
      }
      if (r.freed && !r.next) {
        r.next = ll.lock;
        continue;
      }
      // A lock line with no role (its introducing line is garbled or cut): the first one of the
      // report is the lock it is about.
      if (!r.next && !r.prev && !r.held && mode === 'top' && ll.index === undefined) {
        r.next = ll.lock;
        r.nextGuessed = true;
      }
      continue;
    }

    // ---------------------------------------------------------------- scenario lines
    if (mode === 'scenario') {
      const sl = /^(lock|rlock|sync)\((.*)\);$/.exec(t);
      if (sl) {
        r.scenarioLines.push({ op: sl[1]!, name: sl[2]! });
        continue;
      }
    }

    // ---------------------------------------------------------------- frames
    const fl = parseFrameLine(t);
    if (fl) {
      if (trace) pushFrame(trace.frames, fl);
      continue;
    }
    if (ELISION_RE.test(t)) {
      if (traceSkipDots && trace && trace.frames.length === 0 && t === '...') continue;
      r.elisions.push({ text: t, line: l.line });
      continue;
    }
  }
  if (r.followingReport === undefined) {
    const more = lines.find((l) => l.line > r.lastLine && matchTitle(l.text) !== undefined);
    if (more) r.followingReport = more.line;
  }
  const arch = detectArch(lines, r);
  if (arch) r.arch = arch;
  return r;
}

/** The taint text as printed; 6.x appends the preempt model after it (`PREEMPT(full)`). */
function cleanTaint(t: string): string {
  return t.replace(/\s+PREEMPT(?:_\w+)?(?:\(\w+\))?\s*$/, '').replace(/\s+$/, (sp) => (t.startsWith('Tainted:') ? sp : ''));
}

function safeUnsafe(r: SplatReport): NonNullable<SplatReport['safeUnsafe']> {
  if (!r.safeUnsafe) r.safeUnsafe = { state: '', backwards: [], forwards: [] };
  return r.safeUnsafe;
}

/** After a user-space RIP: the rest is the register dump (kept in lastLine). */
function skipRegisters(lines: LogLine[], i: number, r: SplatReport): void {
  for (let j = i + 1; j < lines.length; j++) {
    const t = lines[j]!.text.trim();
    if (t === '' || REGISTER_RE.test(t) || t === '</TASK>') {
      r.lastLine = lines[j]!.line;
      continue;
    }
    break;
  }
}

/** The "this is not a lockdep report" error, saying what it looks like instead. */
function notAReport(lines: LogLine[], file: string) {
  const first = lines.find((l) => l.text.trim() !== '');
  const span = { file, line: first?.line ?? 1, col: first?.col ?? 1 };
  for (const l of lines) {
    for (const [re, what] of OTHER_REPORTS) {
      if (re.test(l.text)) {
        return inputError(
          'schema',
          `${file} holds ${what}, not a lockdep report`,
          { file, line: l.line, col: l.col },
          `\`import splat\` reads the reports lockdep prints: ${EXPECTED_TITLES}`,
        );
      }
    }
  }
  if (lines.some((l) => /^\s*(?:kernel|tasks|classes):/.test(l.text))) {
    return inputError('schema', `${file} looks like a scenario file, not a lockdep report`, span, 'run it with `lockdep-sim run`; `import splat` turns a pasted kernel report into such a file');
  }
  if (!first) return inputError('schema', `${file} is empty`, span, `paste a lockdep report: ${EXPECTED_TITLES}`);
  return inputError(
    'schema',
    `${file} is not a lockdep report: no lockdep title line found`,
    span,
    `paste the report from its \`=====\` ruler through \`stack backtrace:\`; recognised titles: ${EXPECTED_TITLES}`,
  );
}
