/**
 * Which architecture printed a report, from the shape of its `stack backtrace:` (the lines
 * lockdep itself prints are the same everywhere), else from the entry and syscall symbols of its
 * stacks. Feeds the scenario's `arch:` so the re-run prints the call trace the same way.
 */
import type { Frame } from '../../model/frame.js';
import type { Scenario } from '../../model/scenario.js';
import { baseSymbol } from './frames.js';
import type { LogLine } from './lines.js';
import type { SplatReport } from './report.js';

export type Arch = NonNullable<Scenario['arch']>;

export interface ArchGuess {
  arch: Arch;
  /** What gave it away, for the YAML comment. */
  evidence: string;
}

/** Call-trace line shapes that only one architecture prints. */
const LINE_SHAPES: [RegExp, Arch, string][] = [
  [/^\[<[0-9a-f]{8}>\] \([\w.$]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?\) from \[<[0-9a-f]{8}>\]/, 'arm', '`[<addr>] (callee) from [<addr>] (caller)` frames'],
  [/^[\w.$]+ from [\w.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+/, 'arm', '`callee from caller+off/size` frames'],
  [/^Backtrace:/, 'arm', 'a `Backtrace:` line'],
  [/^\[[0-9a-f]{16}\] \[[0-9a-f]{16}\] \S/, 'ppc64', '`[sp] [ip] sym` frames'],
  [/^Process \S.* \(pid: \d+, task: [0-9a-f]+, ksp: [0-9a-f]+\)$/, 's390', 'the `Process … (pid: …, ksp: …)` line'],
  [/^\(\[<[0-9a-f]{16}>\] [\w.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+\)$/, 's390', 'a parenthesised first frame'],
  [/^\[<0000[0-3][0-9a-f]{11}>\] [\w.$]+\+0x/, 's390', 'low `[<0000…>]` frame addresses'],
  [/^Call trace:$/, 'arm64', 'a `Call trace:` line (lower-case t)'],
  [/^(?:RIP: 00\d\d:|<TASK>$|<IRQ>$)/, 'x86_64', 'x86 `<TASK>`/`<IRQ>`/`RIP:` lines'],
];

/** Entry and syscall symbols that only one architecture has. */
const SYMBOLS: [RegExp, Arch][] = [
  [/^(?:entry_SYSCALL_64\w*|do_syscall_64|__x64_sys_\w+|asm_\w+|__sysvec_\w+|sysvec_\w+|ret_from_fork_asm|apic_timer_interrupt|smp_apic_timer_interrupt)$/, 'x86_64'],
  [/^(?:el0_svc\w*|el0t_64_\w+|el1h_64_\w+|el1_\w+|__arm64_sys_\w+|invoke_syscall|do_el0_svc\w*|__primary_switched)$/, 'arm64'],
  [/^(?:__irq_svc|__irq_usr|ret_fast_syscall|vector_swi|__dabt_svc)$/, 'arm'],
  [/^(?:sysc_\w+|system_call|__s390x_sys_\w+|__do_syscall|pgm_check_handler|io_int_handler|ext_int_handler)$/, 's390'],
  [/^(?:system_call_exception|system_call_common|\.system_call_common|interrupt_return\w*|\.ret_from_except\w*|ret_from_kernel_thread)$/, 'ppc64'],
];

function allFrames(r: SplatReport): Frame[] {
  const out: Frame[] = [];
  for (const e of r.chain) out.push(...e.trace.frames);
  if (r.registered) out.push(...r.registered.frames);
  for (const b of [...r.blocks, ...(r.safeUnsafe?.backwards ?? []), ...(r.safeUnsafe?.forwards ?? [])]) {
    for (const u of b.usageTraces) out.push(...u.trace.frames);
    if (b.acquiredAt) out.push(...b.acquiredAt.frames);
  }
  for (const t of [r.safeUnsafe?.safeTrace, r.safeUnsafe?.unsafeTrace]) if (t) out.push(...t.frames);
  if (r.backtrace) out.push(...r.backtrace.frames);
  for (const l of [r.next, r.prev, ...(r.held ?? [])]) if (l?.at) out.push(l.at);
  if (r.release?.ip) out.push(r.release.ip);
  return out;
}

/**
 * The architecture of a report: the call-trace line shapes first (ARM32 `from` lines, ppc64
 * `[sp] [ip]`, s390 parentheses and low addresses, arm64 `Call trace:`, x86 markers), then the
 * symbols its stacks run through (ppc64's ELFv1 `.sym` descriptors among them). Undefined when
 * nothing tells (a report without stacks is imported as x86-64).
 */
export function detectArch(lines: readonly LogLine[], r: SplatReport): ArchGuess | undefined {
  if (r.backtrace) {
    const from = r.backtrace.line;
    for (const l of lines) {
      if (l.line < from || l.line > r.lastLine) continue;
      const t = l.text.trim();
      for (const [re, arch, what] of LINE_SHAPES) {
        if (re.test(t)) return { arch, evidence: `the call trace has ${what}` };
      }
    }
  }
  const frames = allFrames(r);
  if (frames.filter((f) => f.symbol.startsWith('.')).length >= 3) {
    return { arch: 'ppc64', evidence: 'its stacks and ips are `.sym` function descriptors (ppc64 ELFv1)' };
  }
  for (const f of frames) {
    const s = baseSymbol(f.symbol);
    for (const [re, arch] of SYMBOLS) if (re.test(s)) return { arch, evidence: `its stacks run through ${s}` };
  }
  return undefined;
}
