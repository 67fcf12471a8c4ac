/**
 * Building blocks shared by all lockdep reports (reference §4.0): report header, lock lines,
 * held-locks block, stack traces and dump_stack(). Mirrors print_kernel_ident(), print_lock(),
 * print_lock_name(), lockdep_print_held_locks(), print_lock_trace() and lib/dump_stack.c.
 * Every function returns lines without a trailing newline; a report joins them with `\n`.
 */
import type { ClassDesc, Finding, HeldLockDesc, TaskDesc } from '../../model/findings.js';
import { formatFrame, type Frame } from '../../model/frame.js';
import type { WaitTypes } from '../../model/lock-kind.js';
import type { Env } from './context.js';
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

/** A code address for a frame: from TextContext.ipAddresses, else a stable made-up one. */
export function ipAddress(env: Env, f: Frame): string {
  const text = formatFrame(f);
  const given = env.ctx.ipAddresses?.[text];
  if (given) return given;
  return `${f.module ? 'ffffffffa0' : 'ffffffff81'}${hex(fnv1a32(text), 6)}`;
}

/** print_ip_sym(): `[<addr>] sym+0xoff/0xsize [mod]`. */
export function printIpSym(env: Env, f: Frame): string {
  return `[<${ipAddress(env, f)}>] ${formatFrame(f)}`;
}

export function taskName(t: TaskDesc): string {
  return `${t.comm}/${t.pid}`;
}

/** print_kernel_ident(): `<release> <first word of version> <taint>`. */
export function printKernelIdent(env: Env): string {
  const v = env.profile.version;
  return `${v.release} ${v.build} ${env.ctx.taint}`;
}

/**
 * The empty record, rulers, title and ident line every report starts with. Before 4.14 the title
 * was `[ INFO: … ]` / `[ BUG: … ]` and the rulers as long as the title.
 */
export function reportHeader(
  env: Env,
  title: { readonly text: string; readonly ruler: number; readonly old: string },
  text: string = title.text,
): Lines {
  if (env.profile.titleStyle === 'info') {
    const t = `[ ${title.old}: ${text} ]`;
    return ['', '='.repeat(t.length), t, printKernelIdent(env), '-'.repeat(t.length)];
  }
  return ['', '='.repeat(title.ruler), `WARNING: ${text}`, printKernelIdent(env), '-'.repeat(title.ruler)];
}

/** `-{O:I}` (≥ v5.7): outer if non-zero, else inner. */
function waitSuffix(env: Env, w: WaitTypes): string {
  if (!env.profile.waitSuffix) return '';
  return `-{${w.outer !== 0 ? w.outer : w.inner}:${w.inner}}`;
}

/** print_lock_name(): ` (<class>){<usage>}-{O:I}` (note the leading space). */
export function printLockName(env: Env, c: ClassDesc): string {
  return ` (${c.name}){${c.usage}}${waitSuffix(env, c.wait)}`;
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
    case 'none': {
      const v = env.profile.version;
      const hashing = v.major > 4 || (v.major === 4 && v.minor >= 15);
      const ip = ipAddress(env, h.ip);
      return `${name}, at: [<${hashing ? hashedPointer(ip) : ip}>] ${at}`;
    }
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

/** print_lock_trace(trace, spaces) → stack_trace_print(): one `%pS` frame a line, indented spaces + 1. */
export function printLockTrace(frames: readonly Frame[], spaces: number): Lines {
  const pad = ' '.repeat(spaces + 1);
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
 * What dump_stack_print_info() appends after the build tag. The oracle builds (6.1.192 and 6.12+)
 * print a trailing space (an empty field of the format); other versions are assumed to print none.
 */
function identTrailer(env: Env): string {
  const v = env.profile.version;
  return (v.major === 6 && v.minor === 1) || env.profile.dumpStackUid ? ' ' : '';
}

/** The `CPU: … Comm: …` line(s) and `Hardware name:` (dump_stack_print_info()). */
export function dumpStackInfo(env: Env, f: Finding): Lines {
  const v = env.profile.version;
  const t = f.task;
  const uid = env.profile.dumpStackUid ? ' UID: 0' : '';
  const lines = [
    `CPU: ${t.cpu}${uid} PID: ${t.pid} Comm: ${t.comm} ${env.ctx.taint} ${v.release} ${v.build}${identTrailer(env)}`,
  ];
  if (env.profile.dumpStackUid) {
    const tv = taintVerbose(env.ctx.taint);
    if (tv) lines.push(tv);
  }
  if (env.ctx.hardware !== undefined) lines.push(`${S.HARDWARE_NAME} ${env.ctx.hardware}`);
  return lines;
}

/**
 * The call trace body: ` <TASK>` … ` </TASK>` (x86 ≥ 5.16), or for a report raised in interrupt
 * context ` <IRQ>` … ` </IRQ>` up to the interrupt entry frame (`asm_*`), then the task part with
 * the interrupted ip as a `RIP:` line (the rest of the register dump is not produced). Unreliable
 * `? ` frames are never produced.
 */
export function callTrace(env: Env, f: Finding, frames: readonly Frame[]): Lines {
  const task = env.profile.taskMarkers;
  const fmt = (fs: readonly Frame[]) => fs.map((x) => ` ${formatFrame(x)}`);
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
  if (interrupted) lines.push(`${S.RIP}${formatFrame(interrupted)}`);
  lines.push(...fmt(frames.slice(entry + 2)));
  if (task) lines.push(S.TASK_END);
  return lines;
}

/** dump_stack(): header, `Call Trace:`, lockdep's report-path frames, then the finding's stack. */
export function dumpStack(env: Env, f: Finding, internal: readonly Frame[]): Lines {
  return [...dumpStackInfo(env, f), S.CALL_TRACE, ...callTrace(env, f, [...internal, ...f.stack])];
}
