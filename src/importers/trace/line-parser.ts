/**
 * One line of ftrace text → a lock event, parsed straight from the bytes (no per-line strings: the
 * importer reads millions of lines). Understands `/sys/kernel/tracing/trace` (trace_print_context():
 * `<comm>-<pid> [<cpu>] <flags> <secs>.<usecs>: <event>: <text>`) and `trace-cmd report` output with
 * or without the latency flags (`<comm>-<pid> [<cpu>] <secs>: ...`, `<comm>-<pid> <cpu><flags> <secs>: ...`).
 * The lock events are TP_printk of include/trace/events/lock.h (reference §5.1):
 * `lock_acquire: <addr> [try ][read ]<name>` and `lock_release: <addr> <name>`.
 */
import type { ByteInterner } from './intern.js';

/** What a line was. */
export const LineKind = {
  /** lock_acquire / lock_release: the event record is filled in. */
  Acquire: 1,
  Release: 2,
  /** Another trace event (lock_contended, sched_switch, ...): ignored. */
  OtherEvent: 3,
  /** `#` header, blank line, `cpus=N` and similar trace-cmd preambles. */
  Header: 4,
  /** `CPU:N [LOST M EVENTS]`: the ring buffer overflowed; `lost` holds M. */
  Lost: 5,
  /** Not a trace line: `error` and `errorCol` say why. */
  Bad: 6,
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

/** Interrupt context from the hardirq/softirq flag character. */
export const IrqCtx = {
  Process: 0,
  Softirq: 1,
  Hardirq: 2,
  /** `H`: a hardirq that interrupted a softirq. */
  HardirqInSoftirq: 3,
  /** `z` / `Z`: NMI. */
  Nmi: 4,
} as const;
export type IrqCtx = (typeof IrqCtx)[keyof typeof IrqCtx];

/** The parsed fields of the current line (one reusable record). */
export class TraceEvent {
  pid = 0;
  /** CPU number, -1 when the format does not show it. */
  cpu = -1;
  /** The line had a flags column (irq state and context are known). */
  hasFlags = false;
  /** irqs-off column `d` or `D`. */
  irqsOff = false;
  /** BH disabled: irqs-off column `b` or `D`. */
  bhOff = false;
  ctx: IrqCtx = IrqCtx.Process;
  /** End of the timestamp (its colon) in `buf`: traceTimestamp(ev.buf, ev.tsEnd) reads it. */
  tsEnd = 0;
  /** Map address: high and low 32 bits. */
  addrHi = 0;
  addrLo = 0;
  trylock = false;
  read = false;
  /** Interned map name. */
  name = 0;
  /** Interned comm (task name). */
  comm = 0;
  /** Line number (set when decoding records; the line splitter passes it otherwise). */
  line = 0;
  /** The line's buffer (for traceTimestamp(buf, tsEnd)); empty for events decoded from records. */
  buf: Uint8Array = new Uint8Array(0);
  /** LineKind.Lost: number of lost events. */
  lost = 0;
  /** LineKind.Bad: what is wrong, and the 0-based byte column. */
  error = '';
  errorCol = 0;
}

const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const DOT = 0x2e;
const DASH = 0x2d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const HASH = 0x23;

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** Hex digit values by byte, -1 for anything else. */
const HEX = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0; c < 10; c++) t[0x30 + c] = c;
  for (let c = 0; c < 6; c++) t[0x61 + c] = t[0x41 + c] = 10 + c;
  return t;
})();

function hexVal(b: number): number {
  return HEX[b]!;
}

const ACQUIRE = new Uint8Array([0x61, 0x63, 0x71, 0x75, 0x69, 0x72, 0x65]); // "acquire"
const RELEASE = new Uint8Array([0x72, 0x65, 0x6c, 0x65, 0x61, 0x73, 0x65]); // "release"

function bytesAt(buf: Uint8Array, i: number, want: Uint8Array): boolean {
  for (let k = 0; k < want.length; k++) if (buf[i + k] !== want[k]) return false;
  return true;
}

/** Does buf[i..] start with the ASCII string s (s has no multi-byte characters)? */
function startsWith(buf: Uint8Array, i: number, end: number, s: string): boolean {
  if (end - i < s.length) return false;
  for (let k = 0; k < s.length; k++) if (buf[i + k] !== s.charCodeAt(k)) return false;
  return true;
}

function bad(ev: TraceEvent, error: string, col: number): LineKind {
  ev.error = error;
  ev.errorCol = col;
  return LineKind.Bad;
}

/**
 * Finds the `: ` that ends the timestamp: the first `: ` preceded by `<digits>.<digits>` (a comm
 * may contain `: `, but not right after a number with a decimal point). Returns -1 when there is none.
 */
function findTimestampEnd(buf: Uint8Array, from: number, end: number): number {
  for (let j = from + 1; j < end - 1; j++) {
    if (buf[j] !== COLON || buf[j + 1] !== SP || !isDigit(buf[j - 1]!)) continue;
    let k = j - 1;
    while (k > from && isDigit(buf[k]!)) k--;
    if (buf[k] !== DOT || k === from || !isDigit(buf[k - 1]!)) continue;
    return j;
  }
  return -1;
}

/** The timestamp (seconds) that ends at buf[end] (`<secs>.<fraction>`). */
export function traceTimestamp(buf: Uint8Array, end: number): number {
  let k = end - 1;
  let frac = 0;
  let scale = 1;
  while (k >= 0 && isDigit(buf[k]!)) {
    frac += (buf[k]! - 0x30) * scale;
    scale *= 10;
    k--;
  }
  k--; // the dot
  let secs = 0;
  let mul = 1;
  while (k >= 0 && isDigit(buf[k]!)) {
    secs += (buf[k]! - 0x30) * mul;
    mul *= 10;
    k--;
  }
  return secs + frac / scale;
}

/**
 * Parses one line buf[start, end) (without the newline). Fills `ev` and returns what the line was.
 * Never throws: a malformed line returns LineKind.Bad with a message and a column.
 */
export function parseTraceLine(buf: Uint8Array, start: number, end: number, ev: TraceEvent, names: ByteInterner, comms: ByteInterner): LineKind {
  if (end > start && buf[end - 1] === 0x0d) end--;
  let i = start;
  while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
  if (i === end || buf[i] === HASH) return LineKind.Header;

  // The exact layout of /sys/kernel/tracing/trace ("%16s-%-7d [%03d] %5s %5lu.%06lu: ") puts the
  // timestamp's colon at column 49; check there before scanning.
  const m =
    end - start > 51 && buf[start + 49] === COLON && buf[start + 50] === SP && buf[start + 42] === DOT && isDigit(buf[start + 48]!) && start + 42 > i
      ? start + 49
      : findTimestampEnd(buf, i, end);
  if (m < 0) {
    if (startsWith(buf, i, end, 'CPU:')) {
      // `CPU:1 [LOST 123 EVENTS]`
      let k = i + 4;
      while (k < end && buf[k] !== LBRACKET) k++;
      if (startsWith(buf, k, end, '[LOST ')) {
        let n = 0;
        for (k += 6; k < end && isDigit(buf[k]!); k++) n = n * 10 + (buf[k]! - 0x30);
        ev.lost = n;
        return LineKind.Lost;
      }
    }
    if (startsWith(buf, i, end, 'cpus=') || startsWith(buf, i, end, 'version') || startsWith(buf, i, end, 'CPU ')) return LineKind.Header;
    for (let k = i; k < end; k++) if (buf[k] === 0) return bad(ev, 'binary data (a NUL byte) in a text trace', k - start);
    return bad(ev, 'not an ftrace event line (no "<secs>.<usecs>: <event>:" part)', i - start);
  }

  // The event name, after "<timestamp>: ".
  let p = m + 2;
  while (p < end && buf[p] === SP) p++;
  // "lock_acquire:" / "lock_release:" (byte by byte: this runs for every line)
  let kind: LineKind;
  if (
    p + 13 <= end &&
    buf[p] === 0x6c /* l */ &&
    buf[p + 1] === 0x6f /* o */ &&
    buf[p + 2] === 0x63 /* c */ &&
    buf[p + 3] === 0x6b /* k */ &&
    buf[p + 4] === 0x5f /* _ */ &&
    buf[p + 12] === COLON
  ) {
    const c5 = buf[p + 5];
    if (c5 === 0x61 /* a */ && bytesAt(buf, p + 5, ACQUIRE)) kind = LineKind.Acquire;
    else if (c5 === 0x72 /* r */ && bytesAt(buf, p + 5, RELEASE)) kind = LineKind.Release;
    else return LineKind.OtherEvent;
    p += 13;
  } else {
    return LineKind.OtherEvent;
  }

  // Timestamp, backwards from the colon (its value is read on demand: traceTimestamp()).
  ev.tsEnd = m;
  let k = m - 1;
  while (isDigit(buf[k]!)) k--;
  k--; // the dot
  while (k >= i && isDigit(buf[k]!)) k--;

  // Flags and CPU: "[cpu] flags", "[cpu]", or "<cpu><flags>" (trace-cmd report -l).
  while (k >= i && buf[k] === SP) k--;
  let tokEnd = k + 1;
  while (k >= i && buf[k] !== SP) k--;
  let tokStart = k + 1;
  let flagsStart = -1;
  let flagsEnd = -1;
  ev.cpu = -1;
  if (tokEnd > tokStart && buf[tokEnd - 1] === RBRACKET) {
    // "[cpu]" without flags
  } else if (tokEnd > tokStart && isDigit(buf[tokStart]!)) {
    let c = tokStart;
    let cpu = 0;
    while (c < tokEnd && isDigit(buf[c]!)) cpu = cpu * 10 + (buf[c++]! - 0x30);
    ev.cpu = cpu;
    flagsStart = c;
    flagsEnd = tokEnd; // no bracketed CPU token follows; k is before this token already
  } else {
    flagsStart = tokStart;
    flagsEnd = tokEnd;
    while (k >= i && buf[k] === SP) k--;
    tokEnd = k + 1;
    while (k >= i && buf[k] !== SP) k--;
    tokStart = k + 1;
  }
  if (ev.cpu < 0) {
    if (tokEnd - tokStart < 3 || buf[tokStart] !== LBRACKET || buf[tokEnd - 1] !== RBRACKET) {
      return bad(ev, 'expected the CPU column "[NNN]" before the flags and the timestamp', Math.max(tokStart, i) - start);
    }
    let cpu = 0;
    for (let c = tokStart + 1; c < tokEnd - 1; c++) {
      if (!isDigit(buf[c]!)) return bad(ev, 'the CPU column must be a number in brackets', c - start);
      cpu = cpu * 10 + (buf[c]! - 0x30);
    }
    ev.cpu = cpu;
  }
  ev.hasFlags = flagsStart >= 0;
  ev.irqsOff = false;
  ev.bhOff = false;
  ev.ctx = IrqCtx.Process;
  if (flagsStart >= 0) {
    if (flagsEnd - flagsStart < 3) return bad(ev, 'the flags column is too short (expected e.g. "d.h2.")', flagsStart - start);
    const irq = buf[flagsStart]!;
    ev.irqsOff = irq === 0x64 /* d */ || irq === 0x44; /* D */
    ev.bhOff = irq === 0x62 /* b */ || irq === 0x44;
    const hs = buf[flagsStart + 2]!;
    ev.ctx =
      hs === 0x68 /* h */ ? IrqCtx.Hardirq
      : hs === 0x48 /* H */ ? IrqCtx.HardirqInSoftirq
      : hs === 0x73 /* s */ ? IrqCtx.Softirq
      : hs === 0x7a /* z */ || hs === 0x5a /* Z */ ? IrqCtx.Nmi
      : IrqCtx.Process;
  }

  // "<comm>-<pid>": pid digits backwards, then the dash; the comm is everything before it.
  while (k >= i && buf[k] === SP) k--;
  let pid = 0;
  let pmul = 1;
  const pidEnd = k;
  while (k >= i && isDigit(buf[k]!)) {
    pid += (buf[k]! - 0x30) * pmul;
    pmul *= 10;
    k--;
  }
  if (k === pidEnd || k < i || buf[k] !== DASH) return bad(ev, 'expected "<comm>-<pid>" at the start of the line', i - start);
  ev.pid = pid;
  ev.buf = buf;
  ev.comm = comms.internAt(0, pid, buf, i, k);

  // The event text: "<addr> [try ][read ]<name>".
  while (p < end && buf[p] === SP) p++;
  if (p + 1 < end && buf[p] === 0x30 && (buf[p + 1]! | 0x20) === 0x78) p += 2; // 0x
  const addrStart = p;
  // 64 bits in two int32 halves: shift the top nibble of lo into hi.
  let hi = 0;
  let lo = 0;
  for (; p < end; p++) {
    const v = hexVal(buf[p]!);
    if (v < 0) break;
    hi = (hi << 4) | (lo >>> 28);
    lo = (lo << 4) | v;
  }
  const digits = p - addrStart;
  if (digits === 0 || digits > 16) return bad(ev, 'expected the lockdep_map address (up to 16 hex digits)', addrStart - start);
  if (p === end || buf[p] !== SP) return bad(ev, 'expected a space and the lock name after the address', p - start);
  ev.addrHi = hi >>> 0;
  ev.addrLo = lo >>> 0;
  p++;
  ev.trylock = false;
  ev.read = false;
  if (kind === LineKind.Acquire) {
    if (buf[p] === 0x74 /* t */ && buf[p + 1] === 0x72 && buf[p + 2] === 0x79 && buf[p + 3] === SP && p + 4 < end) {
      ev.trylock = true;
      p += 4;
    }
    if (buf[p] === 0x72 /* r */ && buf[p + 1] === 0x65 && buf[p + 2] === 0x61 && buf[p + 3] === 0x64 && buf[p + 4] === SP && p + 5 < end) {
      ev.read = true;
      p += 5;
    }
  }
  let nameEnd = end;
  while (nameEnd > p && (buf[nameEnd - 1] === SP || buf[nameEnd - 1] === TAB)) nameEnd--;
  if (nameEnd === p) return bad(ev, 'the lock name is missing', p - start);
  ev.name = names.internAt(ev.addrHi, ev.addrLo, buf, p, nameEnd);
  return kind;
}
