/**
 * Pieces of the irq-state reports (reference §4.3–4.5): the `[HC0[0]:SC0[0]:HE1:SE1]` task state,
 * print_irqtrace_events(), print_irq_lock_scenario(), and the class blocks of
 * print_shortest_lock_dependencies() / print_shortest_lock_dependencies_backwards().
 */
import type { ClassBlockDesc, IrqStateDesc, IrqTraceDesc } from '../../model/findings.js';
import { formatFrame, type Frame } from '../../model/frame.js';
import type { Env } from './context.js';
import * as S from './kernel-strings.js';
import { printIpSym, printLockName, printLockTrace, type Lines } from './print.js';

/** `[HC<ctx>[<cnt>]:SC<ctx>[<cnt>]:HE<on>:SE<on>]` */
export function irqState(s: IrqStateDesc): string {
  return (
    `[HC${s.hardirqContext}[${s.hardirqCount}]:SC${s.softirqContext}[${s.softirqCount}]` +
    `:HE${s.hardirqsEnabled}:SE${s.softirqsEnabled}]`
  );
}

/** print_irqtrace_events(): an event without an ip prints `[<0000000000000000>] 0x0`. */
export function printIrqtraceEvents(env: Env, t: IrqTraceDesc): Lines {
  const line = (label: string, e: { event: number; ip?: Frame }) =>
    `${label} (${e.event}): ${e.ip ? printIpSym(env, e.ip) : '[<0000000000000000>] 0x0'}`;
  return [
    `${S.IRQ_EVENT_STAMP} ${t.stamp}`,
    line(S.HARDIRQS_ENABLED, t.hardirqsEnabled),
    line(S.HARDIRQS_DISABLED, t.hardirqsDisabled),
    line(S.SOFTIRQS_ENABLED, t.softirqsEnabled),
    line(S.SOFTIRQS_DISABLED, t.softirqsDisabled),
  ];
}

/**
 * print_irq_lock_scenario(): "Chain exists of:" iff the middle class is not the unsafe one.
 * The caller prints what comes before (a blank line or not, per report).
 */
export function printIrqLockScenario(s: { safe: string; middle: string; unsafe: string }): Lines {
  const lines: Lines = [];
  if (s.middle !== s.unsafe) lines.push(S.CHAIN_EXISTS, `  ${s.safe} --> ${s.middle} --> ${s.unsafe}`, '');
  lines.push(
    S.POSSIBLE_IRQ_UNSAFE,
    '',
    S.CPU_HEADER_2,
    S.CPU_RULER_2,
    `${S.CPU0_INDENT}lock(${s.unsafe});`,
    S.IRQ_DISABLE,
    `${S.CPU1_INDENT}lock(${s.safe});`,
    `${S.CPU1_INDENT}lock(${s.middle});`,
    S.INTERRUPT,
    `    lock(${s.safe});`,
    '',
    S.DEADLOCK,
    '',
  );
  return lines;
}

/**
 * print_lock_class_header(): `<D>-> (class){u}-{O:I} ops: N {`, one `<D>   <USAGE> at:` plus its
 * trace per set usage bit (frames indented 2·depth + len(usage) + 8), `<D> }`, `<D> ... key at:`.
 */
export function printLockClassHeader(env: Env, b: ClassBlockDesc): Lines {
  const d = ' '.repeat(b.depth);
  const ops = env.profile.config.debugLockdep ? ` ops: ${b.ops}` : '';
  const lines: Lines = [`${d}->${printLockName(env, b.cls)}${ops} {`];
  for (const u of b.usageTraces) {
    lines.push(`${d}   ${u.usage} at:`);
    lines.push(...printLockTrace(env, [...env.frames.usage(), ...u.trace], 2 * b.depth + u.usage.length + 7));
  }
  // `[<%px>]` in every era: 4.19 prints the key raw while lock instances are hashed (corpus 067).
  const key = b.keyAddr;
  const sym = env.frames.keySymbol(b.cls.name);
  lines.push(`${d} }`, `${d} ${S.KEY_AT} [<${key}>] ${b.keySymbol ?? (sym ? formatFrame(sym) : `0x${b.keyAddr}`)}`);
  return lines;
}

/**
 * One path block: the class header, then (when the block has one) `... acquired at:` with its
 * trace (3 spaces) and a blank line. The first block of the backwards printer has none.
 * `rootPrefix` is prepended to a trace that is the current stack.
 */
export function printClassBlock(env: Env, b: ClassBlockDesc, rootPrefix: readonly Frame[]): Lines {
  const lines = printLockClassHeader(env, b);
  if (b.acquiredAt) {
    const trace = b.acquiredAtCurrent ? [...rootPrefix, ...b.acquiredAt] : b.acquiredAt;
    lines.push(`${' '.repeat(b.depth)} ${S.ACQUIRED_AT}`, ...printLockTrace(env, trace, 2), '');
  }
  return lines;
}
