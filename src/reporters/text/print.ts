/**
 * Building blocks shared by all lockdep reports (reference §4.0): report header, lock lines,
 * held-locks block, stack traces and dump_stack(). Mirrors print_kernel_ident(), print_lock(),
 * print_lock_name(), lockdep_print_held_locks(), print_lock_trace() and lib/dump_stack.c.
 * Every function returns lines without a trailing newline; a report joins them with `\n`.
 */
import type { ClassDesc, Finding, HeldLockDesc, TaskDesc } from '../../model/findings.js';
import { formatFrame, type Frame } from '../../model/frame.js';
import type { WaitTypes } from '../../model/lock-kind.js';
import type { Arch, Env } from './context.js';
import {
  armCallTraceLine,
  armPlainFrames,
  genericDumpInfo,
  identHasTaint,
  s390ParenFirstFrame,
  tracesHaveAddresses,
  usageStyle,
} from './era.js';
import * as S from './kernel-strings.js';

export type Lines = string[];

/** 32-bit FNV-1a of a string: the fixed hash behind made-up `%p` values and code addresses. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0').slice(-digits);
}

/**
 * `%p` of a pointer on a kernel with pointer hashing (4.15 … 5.2): `00000000` + 8 hex digits. The
 * kernel's siphash is keyed per boot, so any fixed hash is as good; a value that already has the
 * hashed shape (e.g. imported from a splat) is printed unchanged.
 */
export function hashedPointer(raw: string): string {
  const r = raw.toLowerCase();
  if (/^00000000[0-9a-f]{8}$/.test(r)) return r;
  return `00000000${hex(fnv1a32(r), 8)}`;
}

/** Where kernel text and modules live, per architecture: the made-up addresses start like these. */
const TEXT_BASE: Record<Arch, { kernel: string; module: string }> = {
  x86_64: { kernel: 'ffffffff81', module: 'ffffffffa0' },
  arm64: { kernel: 'ffff800080', module: 'ffff80007b' },
  arm: { kernel: 'c0', module: 'bf' },
  s390: { kernel: '0000000000', module: '000003ff80' },
  ppc64: { kernel: 'c000000000', module: 'c008000000' },
};

/** A code address for a frame: from TextContext.ipAddresses, else a stable made-up one. */
export function ipAddress(env: Env, f: Frame): string {
  const text = formatFrame(f);
  const given = env.ctx.ipAddresses?.[text];
  if (given) return given;
  const base = TEXT_BASE[env.arch];
  return `${f.module ? base.module : base.kernel}${hex(fnv1a32(text), 6)}`;
}

/** `%p` of a code address on this kernel: hashed from 4.15, raw before (32-bit ARM: 8 digits). */
function pointerP(env: Env, raw: string): string {
  if (tracesHaveAddresses(env.profile)) return raw;
  return env.arch === 'arm' ? hex(fnv1a32(raw), 8) : hashedPointer(raw);
}

/** print_ip_sym(): `[<addr>] sym+0xoff/0xsize [mod]`. */
export function printIpSym(env: Env, f: Frame): string {
  return `[<${ipAddress(env, f)}>] ${formatFrame(f)}`;
}

export function taskName(t: TaskDesc): string {
  return `${t.comm}/${t.pid}`;
}

/** print_kernel_ident(): `<release> <first word of version> <taint>` (print_kernel_version(), without the taint, before ~3.0). */
export function printKernelIdent(env: Env): string {
  const v = env.profile.version;
  if (!identHasTaint(env.profile)) return `${v.release} ${v.build}`;
  return `${v.release} ${v.build} ${env.ctx.taint}`;
}

interface Title {
  readonly text: string;
  readonly ruler: number;
  readonly old: string;
  readonly oldRulers: readonly [number, number];
  readonly oldRulersPre3?: readonly [number, number];
}

/**
 * The empty record, rulers, title and ident line every report starts with. Before 4.14 the title
 * was `[ INFO: … ]` / `[ BUG: … ]` between rulers of their own fixed lengths.
 */
export function reportHeader(env: Env, title: Title, text: string = title.text): Lines {
  if (env.profile.titleStyle === 'info') {
    const [eq, dash] = (!identHasTaint(env.profile) && title.oldRulersPre3) || title.oldRulers;
    return ['', '='.repeat(eq), `[ ${title.old}: ${text} ]`, printKernelIdent(env), '-'.repeat(dash)];
  }
  return ['', '='.repeat(title.ruler), `WARNING: ${text}`, printKernelIdent(env), '-'.repeat(title.ruler)];
}

/** `-{O:I}` (≥ v5.7): outer if non-zero, else inner. */
function waitSuffix(env: Env, w: WaitTypes): string {
  if (!env.profile.waitSuffix) return '';
  return `-{${w.outer !== 0 ? w.outer : w.inner}:${w.inner}}`;
}

/**
 * The usage characters as this kernel prints them, from the modern 4 (hardirq write, read, softirq
 * write, read; `-` used in irq, `+` irqs on, `?` both). 2.6.31 … 4.13 print a third pair for the
 * RECLAIM_FS state, which the validator does not model: always `..`. Up to 2.6.30 the order was
 * hardirq-W, softirq-W, hardirq-R, softirq-R with `+` for used in irq and `-` for irqs on.
 */
export function usageChars(env: Env, usage: string): string {
  if (usage.length !== 4) return usage;
  switch (usageStyle(env.profile)) {
    case 'modern':
      return usage;
    case 'reclaim':
      return `${usage}..`;
    case 'old': {
      const old = (c: string) => (c === '-' || c === '?' ? '+' : c === '+' ? '-' : '.');
      const [hw, hr, sw, sr] = [...usage] as [string, string, string, string];
      return [hw, sw, hr, sr].map(old).join('');
    }
  }
}

/** print_lock_name(): ` (<class>){<usage>}-{O:I}` (note the leading space). */
export function printLockName(env: Env, c: ClassDesc): string {
  return ` (${c.name}){${usageChars(env, c.usage)}}${waitSuffix(env, c.wait)}`;
}

/** print_lock(): the instance per era, the class part, `, at: ` and the acquire ip. */
export function printLock(env: Env, h: HeldLockDesc): string {
  const name = printLockName(env, h.cls);
  const at = formatFrame(h.ip);
  switch (env.profile.addressFormat) {
    case 'raw':
      return `${h.instance}${name}, at: ${at}`;
    case 'hashed':
      return `${hashedPointer(h.instance)}${name}, at: ${at}`;
    case 'none':
      return `${name}, at: [<${pointerP(env, ipAddress(env, h.ip))}>] ${at}`;
  }
}

/** `%px` of a data address (keys, freed ranges): raw, or `%p`-hashed on the kernels that hashed it. */
export function printPointer(env: Env, raw: string): string {
  return env.profile.addressFormat === 'raw' ? raw : hashedPointer(raw);
}

/** lockdep_print_held_locks() of the current task (bottom of the stack first). */
export function lockdepPrintHeldLocks(env: Env, task: TaskDesc, held: readonly HeldLockDesc[]): Lines {
  const name = taskName(task);
  if (held.length === 0) return [S.NO_LOCKS_HELD(name)];
  return [S.LOCKS_HELD(held.length, name), ...held.map((h, i) => ` #${i}: ${printLock(env, h)}`)];
}

/**
 * print_lock_trace(trace, spaces) → stack_trace_print(): one `%pS` frame a line, indented
 * spaces + 1; before 4.15 print_stack_trace() put the address first, `[<addr>] sym+off/size`.
 */
export function printLockTrace(env: Env, frames: readonly Frame[], spaces: number): Lines {
  const pad = ' '.repeat(spaces + 1);
  if (tracesHaveAddresses(env.profile)) return frames.map((f) => `${pad}[<${ipAddress(env, f)}>] ${formatFrame(f)}`);
  return frames.map((f) => `${pad}${formatFrame(f)}`);
}

/** The 6.12+ `Tainted: [O]=OOT_MODULE` line, from the flags set in print_tainted()'s text. */
function taintVerbose(taint: string): string | undefined {
  const m = /^Tainted: (.*)$/.exec(taint);
  if (!m) return undefined;
  const flags = [...m[1]!].filter((c) => c !== ' ' && c !== 'G' && S.TAINT_NAMES[c] !== undefined);
  if (flags.length === 0) return undefined;
  return `Tainted: ${flags.map((c) => `[${c}]=${S.TAINT_NAMES[c]}`).join(', ')}`;
}

/**
 * What dump_stack_print_info() appends after the build tag: the build's own text (preempt model
 * from 6.15, a build ID) when the scenario names it; otherwise the oracle builds (6.1.192 and
 * 6.12+) print a trailing space (an empty field of the format) and other versions nothing.
 */
function identTrailer(env: Env): string {
  if (env.ctx.buildInfo) return ` ${env.ctx.buildInfo}`;
  const v = env.profile.version;
  return (v.major === 6 && v.minor === 1) || env.profile.dumpStackUid ? ' ' : '';
}

/** A made-up but stable 16-digit data word (stack words, task and stack pointers of old s390 dumps). */
function word(seed: string): string {
  return `00000000${hex(fnv1a32(seed), 8)}`;
}

/**
 * The lines before the call trace. 3.10+: dump_stack_print_info()'s `CPU: … Comm: …` line, the
 * 6.12+ taint legend, `Hardware name:`. Before 3.10 each architecture printed its own: x86
 * `Pid: <pid>, comm: <comm> <taint> <release> <build>`, s390 `CPU: <n> <taint> <release> <build>`,
 * the `Process … (pid: …)` line and five lines of raw stack words, the others nothing.
 */
export function dumpStackInfo(env: Env, f: Finding): Lines {
  const v = env.profile.version;
  const t = f.task;
  if (!genericDumpInfo(env.profile)) {
    switch (env.arch) {
      case 'x86_64':
        return [`Pid: ${t.pid}, comm: ${t.comm} ${env.ctx.taint} ${v.release} ${v.build}`];
      case 's390': {
        const seed = `${t.comm}/${t.pid}`;
        const raw = [0, 1, 2, 3, 4].map((row) => {
          const words = [0, 1, 2, 3].map((i) => `${word(`${seed}:${row * 4 + i}`)} `).join('');
          return row === 0 ? words : `       ${words}`;
        });
        return [
          `CPU: ${t.cpu} ${env.ctx.taint} ${v.release} ${v.build}`,
          `Process ${t.comm} (pid: ${t.pid}, task: ${word(`${seed}:task`)}, ksp: ${word(`${seed}:ksp`)})`,
          ...raw,
        ];
      }
      default:
        return [];
    }
  }
  const uid = env.profile.dumpStackUid ? ' UID: 0' : '';
  const lines = [`CPU: ${t.cpu}${uid} PID: ${t.pid} Comm: ${t.comm} ${env.ctx.taint} ${v.release} ${v.build}${identTrailer(env)}`];
  if (env.profile.dumpStackUid) {
    const tv = taintVerbose(env.ctx.taint);
    if (tv) lines.push(tv);
  }
  if (env.ctx.hardware !== undefined) lines.push(`${S.HARDWARE_NAME} ${env.ctx.hardware}`);
  const wq = workerInfo(f);
  if (wq) lines.push(wq);
  return lines;
}

/** `(wq_completion)events` (5.x+), `("events")` / `(events)` (older map names) → `events`. */
const WQ_MAP_RE = /^\(wq_completion\)(.+)$|^"(.+)"$/;

/**
 * print_worker_info() (3.10+): a task running a work item prints `Workqueue: <wq> <work fn>`. Told
 * from the stack (the function process_one_work() called, for a task inside worker_thread()) and
 * the workqueue's lockdep map among the held locks, which process_one_work() holds around the work.
 * The worker's description (set_worker_desc(), e.g. ` (flush-btrfs-1)`) is not known.
 */
function workerInfo(f: Finding): string | undefined {
  const stack = f.stack;
  const pow = stack.findIndex((x) => x.symbol === 'process_one_work');
  if (pow <= 0 || !stack.slice(pow).some((x) => x.symbol === 'worker_thread')) return undefined;
  for (const h of f.held) {
    const m = WQ_MAP_RE.exec(h.cls.name.replace(/#\d+$/, ''));
    if (m) return `${S.WORKQUEUE} ${m[1] ?? m[2]} ${stack[pow - 1]!.symbol}`;
  }
  return undefined;
}

/** The line that opens the frames: `Call Trace:`, arm64 `Call trace:`, ARM32 `Call trace: ` from 6.9 (none before). */
export function callTraceHeader(env: Env): Lines {
  switch (env.arch) {
    case 'arm64':
      return [S.CALL_TRACE_ARM64];
    case 'arm':
      return armCallTraceLine(env.profile) ? [S.CALL_TRACE_ARM] : [];
    default:
      return [S.CALL_TRACE];
  }
}

/** x86 frame: ` sym+off/size`, before 4.15 ` [<addr>] sym+off/size`. */
function x86Frame(env: Env, f: Frame): string {
  return tracesHaveAddresses(env.profile) ? ` [<${ipAddress(env, f)}>] ${formatFrame(f)}` : ` ${formatFrame(f)}`;
}

/**
 * The `Code:` bytes the x86 unwinder prints around an interrupted ip, for the builds lockdep-sim knows
 * (taken from the oracle kernels' own output: 6.1.192 and 6.12.117, ip `arch_irq_work_raise`).
 */
const CODE_BYTES: Record<string, string> = {
  'arch_irq_work_raise+0x1c/0x27':
    '84 02 00 5c 65 c6 05 cc 4f 00 7f 00 5b c3 48 8b 05 07 e6 de 00 0f ba e0 09 73 19 48 8b 05 12 7b 91 00 bf f6 00 00 00 ff 50 58 <48> 8b 05 03 7b 91 00 ff 60 20 c3 48 8b 8f 08 01 00 00 8b 47 3c 44',
  'arch_irq_work_raise+0x17/0x1d':
    'fe ff ff e8 0d b7 02 00 5c 65 c6 05 a5 0f 1e 7f 00 5b c3 48 8b 05 2a e6 bf 00 0f ba e0 09 73 0f bf f6 00 00 00 e8 02 3f 01 00 <e9> 66 3c 01 00 c3 48 8b 8f 00 01 00 00 8b 47 3c 44 0f b7 c6 44 0f',
};

/**
 * __show_regs(regs, SHOW_REGS_SHORT) for the interrupted task: the `Code:` line (when the bytes of
 * that ip are known) and the general registers. Register values are not modelled: fixed, plausible
 * values (reports are compared with addresses normalized away).
 */
function interruptedRegs(ip: Frame): Lines {
  const code = CODE_BYTES[formatFrame(ip)];
  return [...(code ? [`Code: ${code}`] : []), ...REGISTER_LINES];
}

const r = (n: bigint) => n.toString(16).padStart(16, '0');
/** The register lines printed for an interrupted task (values not modelled). */
export const REGISTER_LINES: readonly string[] = [
    `RSP: 0018:${r(0xffff888000257ce0n)} EFLAGS: 00000206`,
    `RAX: ${r(0x8fbn)} RBX: ${r(0xffffc90000026000n)} RCX: ${r(0n)}`,
    `RDX: ${r(0xffff88803ebf5920n)} RSI: ${r(0x400f6n)} RDI: ${r(0x400f6n)}`,
    `RBP: ${r(0n)} R08: ${r(0n)} R09: ${r(0n)}`,
    `R10: ${r(0n)} R11: ${r(0n)} R12: ${r(0n)}`,
    `R13: ${r(0n)} R14: ${r(0n)} R15: ${r(0n)}`,
];

/**
 * x86-64: ` <TASK>` … ` </TASK>` (≥ 5.16), or for a report raised in interrupt context ` <IRQ>` …
 * ` </IRQ>` up to the interrupt entry frame (`asm_*`), then the task part with the interrupted ip
 * as a `RIP:` line and the interrupted task's registers.
 */
function x86CallTrace(env: Env, f: Finding, frames: readonly Frame[]): Lines {
  const task = env.profile.taskMarkers;
  const fmt = (fs: readonly Frame[]) => fs.map((x) => x86Frame(env, x));
  if (f.context === 'process') {
    return task ? [S.TASK_BEGIN, ...fmt(frames), S.TASK_END] : fmt(frames);
  }
  const entry = frames.findIndex((x) => x.symbol.startsWith('asm_'));
  if (entry < 0) {
    if (f.context === 'softirq') return task ? [S.TASK_BEGIN, ...fmt(frames), S.TASK_END] : fmt(frames);
    return [S.IRQ_BEGIN, ...fmt(frames), S.IRQ_END];
  }
  const lines = [S.IRQ_BEGIN, ...fmt(frames.slice(0, entry)), S.IRQ_END];
  if (task) lines.push(S.TASK_BEGIN);
  lines.push(...fmt(frames.slice(entry, entry + 1)));
  const interrupted = frames[entry + 1];
  if (interrupted) lines.push(`${S.RIP}${formatFrame(interrupted)}`, ...interruptedRegs(interrupted));
  lines.push(...fmt(frames.slice(entry + 2)));
  if (task) lines.push(S.TASK_END);
  return lines;
}

/**
 * ARM32 dump_backtrace_entry(): one line per call, the callee by name and the caller with its
 * offset, `[<addr>] (callee) from [<addr>] (caller+off/size)` (CONFIG_BACKTRACE_VERBOSE, the only
 * form before 5.13) or ` callee from caller+off/size`. The outermost frame only appears as a caller.
 * Frame-pointer builds also print saved registers under each line; those are not produced.
 */
function armCallTrace(env: Env, frames: readonly Frame[]): Lines {
  const lines: Lines = [];
  const plain = armPlainFrames(env.profile);
  for (let i = 0; i + 1 < frames.length; i++) {
    const callee = frames[i]!;
    const caller = frames[i + 1]!;
    lines.push(
      plain
        ? ` ${callee.symbol} from ${formatFrame(caller)}`
        : `[<${ipAddress(env, callee)}>] (${callee.symbol}) from [<${ipAddress(env, caller)}>] (${formatFrame(caller)})`,
    );
  }
  return lines;
}

/** ppc64 show_stack(): `[<sp>] [<ip>] sym+off/size`, the first frame marked ` (unreliable)`. */
function ppc64CallTrace(env: Env, f: Finding, frames: readonly Frame[]): Lines {
  let sp = 0xc000000000000000n + (BigInt(fnv1a32(`${f.task.comm}/${f.task.pid}`)) << 4n);
  return frames.map((x, i) => {
    sp += 0x70n + BigInt((fnv1a32(formatFrame(x)) & 0x7) * 0x10);
    return `[${sp.toString(16)}] [${ipAddress(env, x)}] ${formatFrame(x)}${i === 0 ? ' (unreliable)' : ''}`;
  });
}

/** s390 show_trace(): ` [<addr>] sym+off/size`; before 5.2 the first frame in parentheses. */
function s390CallTrace(env: Env, frames: readonly Frame[]): Lines {
  const paren = s390ParenFirstFrame(env.profile);
  return frames.map((x, i) =>
    paren && i === 0 ? `([<${ipAddress(env, x)}>] ${formatFrame(x)})` : ` [<${ipAddress(env, x)}>] ${formatFrame(x)}`,
  );
}

/** The frames of the call trace in the shape of the architecture. Unreliable `? ` frames are never produced. */
export function callTrace(env: Env, f: Finding, frames: readonly Frame[]): Lines {
  switch (env.arch) {
    case 'x86_64':
      return x86CallTrace(env, f, frames);
    case 'arm64':
      return frames.map((x) => ` ${formatFrame(x)}`);
    case 'arm':
      return armCallTrace(env, frames);
    case 'ppc64':
      return ppc64CallTrace(env, f, frames);
    case 's390':
      return s390CallTrace(env, frames);
  }
}

/** dump_stack(): header lines, the call-trace line, lockdep's report-path frames, then the finding's stack. */
export function dumpStack(env: Env, f: Finding, internal: readonly Frame[]): Lines {
  return [...dumpStackInfo(env, f), ...callTraceHeader(env), ...callTrace(env, f, [...internal, ...f.stack])];
}
