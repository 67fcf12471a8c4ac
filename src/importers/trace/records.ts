/**
 * Parsed trace lines as compact batches of numbers, so that parsing can run on another thread than
 * validation (the CLI parses in a worker and validates on the main thread). A batch holds up to
 * BATCH_EVENTS events of RECORD_SIZE int32s each, plus the names and comms first seen in it (ids are
 * dense and in first-seen order on both sides) and the counts of the lines that are not events.
 */
import { ByteInterner } from './intern.js';
import { LineKind, TraceEvent, parseTraceLine, traceTimestamp } from './line-parser.js';
import { LineSplitter } from './line-splitter.js';

/** int32s per record: kind|flags, line, pid, cpu, addrHi, addrLo, name, comm. */
export const RECORD_SIZE = 8;
export const BATCH_EVENTS = 1 << 15;

/** Record flag bits (above the 4-bit kind). */
const F_HAS_FLAGS = 1 << 4;
const F_IRQS_OFF = 1 << 5;
const F_BH_OFF = 1 << 6;
const F_TRY = 1 << 7;
const F_READ = 1 << 8;
const CTX_SHIFT = 9;

export interface TraceBatch {
  records: Int32Array;
  /** Records in use. */
  count: number;
  /** Names and comms first seen in this batch, in id order. */
  names: string[];
  comms: string[];
  /** Lines of other events, and events the ring buffer lost. */
  otherEvents: number;
  lostEvents: number;
  /** Malformed lines (kind Bad records point here: [line, col] in the record, message by index). */
  errors: string[];
  /** Timestamps of the batch's first and last events (NaN without events). */
  firstTs: number;
  lastTs: number;
  /** Lines and bytes consumed so far. */
  lines: number;
  bytes: number;
}

/** Splits and parses chunks into batches; `onBatch` gets each full batch (and the last at end()). */
export class TraceRecordParser {
  private readonly names = new ByteInterner();
  private readonly comms = new ByteInterner();
  private readonly ev = new TraceEvent();
  private readonly splitter: LineSplitter;
  private batch: TraceBatch;
  private sentNames = 0;
  private sentComms = 0;
  private lastBuf: Uint8Array | undefined;
  private lastTsEnd = 0;
  private final = false;

  constructor(private readonly onBatch: (b: TraceBatch) => void) {
    this.splitter = new LineSplitter((buf, s, e, line) => this.onLine(buf, s, e, line));
    this.batch = this.fresh();
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  /** Flushes the last line and the last batch. A malformed last line is marked as truncated. */
  end(): void {
    this.final = true;
    this.splitter.end();
    this.flush();
  }

  private fresh(): TraceBatch {
    return { records: new Int32Array(BATCH_EVENTS * RECORD_SIZE), count: 0, names: [], comms: [], otherEvents: 0, lostEvents: 0, errors: [], firstTs: NaN, lastTs: NaN, lines: 0, bytes: 0 };
  }

  private flush(): void {
    const b = this.batch;
    for (; this.sentNames < this.names.size; this.sentNames++) b.names.push(this.names.str(this.sentNames));
    for (; this.sentComms < this.comms.size; this.sentComms++) b.comms.push(this.comms.str(this.sentComms));
    if (this.lastBuf) b.lastTs = traceTimestamp(this.lastBuf, this.lastTsEnd);
    this.lastBuf = undefined;
    b.lines = this.splitter.line;
    b.bytes = this.splitter.bytes;
    this.batch = this.fresh();
    this.onBatch(b);
  }

  private onLine(buf: Uint8Array, start: number, end: number, line: number): void {
    const ev = this.ev;
    const kind = parseTraceLine(buf, start, end, ev, this.names, this.comms);
    const b = this.batch;
    switch (kind) {
      case LineKind.Acquire:
      case LineKind.Release: {
        const r = b.records;
        const o = b.count * RECORD_SIZE;
        r[o] = kind | (ev.hasFlags ? F_HAS_FLAGS : 0) | (ev.irqsOff ? F_IRQS_OFF : 0) | (ev.bhOff ? F_BH_OFF : 0) | (ev.trylock ? F_TRY : 0) | (ev.read ? F_READ : 0) | (ev.ctx << CTX_SHIFT);
        r[o + 1] = line;
        r[o + 2] = ev.pid;
        r[o + 3] = ev.cpu;
        r[o + 4] = ev.addrHi;
        r[o + 5] = ev.addrLo;
        r[o + 6] = ev.name;
        r[o + 7] = ev.comm;
        if (b.count === 0) b.firstTs = traceTimestamp(buf, ev.tsEnd);
        this.lastBuf = buf;
        this.lastTsEnd = ev.tsEnd;
        if (++b.count === BATCH_EVENTS) this.flush();
        return;
      }
      case LineKind.OtherEvent:
        b.otherEvents++;
        return;
      case LineKind.Lost:
        b.lostEvents += ev.lost;
        return;
      case LineKind.Header:
        return;
      case LineKind.Bad: {
        const r = b.records;
        const o = b.count * RECORD_SIZE;
        r[o] = LineKind.Bad | (this.final ? F_TRY : 0); // F_TRY on a bad record: the truncated last line
        r[o + 1] = line;
        r[o + 2] = ev.errorCol;
        r[o + 6] = b.errors.length;
        b.errors.push(ev.error);
        if (++b.count === BATCH_EVENTS) this.flush();
        return;
      }
    }
  }
}

/**
 * Decodes record `i` of a batch into `ev` (with `ev.line`); returns its kind. For a Bad record,
 * ev.error/errorCol are set and `ev.trylock` tells whether it was the last line of the input.
 */
export function decodeRecord(b: TraceBatch, i: number, ev: TraceEvent): LineKind {
  const r = b.records;
  const o = i * RECORD_SIZE;
  const w = r[o]!;
  const kind = (w & 15) as LineKind;
  ev.line = r[o + 1]!;
  if (kind === LineKind.Bad) {
    ev.errorCol = r[o + 2]!;
    ev.error = b.errors[r[o + 6]!]!;
    ev.trylock = (w & F_TRY) !== 0;
    return kind;
  }
  ev.hasFlags = (w & F_HAS_FLAGS) !== 0;
  ev.irqsOff = (w & F_IRQS_OFF) !== 0;
  ev.bhOff = (w & F_BH_OFF) !== 0;
  ev.trylock = (w & F_TRY) !== 0;
  ev.read = (w & F_READ) !== 0;
  ev.ctx = ((w >>> CTX_SHIFT) & 7) as TraceEvent['ctx'];
  ev.pid = r[o + 2]!;
  ev.cpu = r[o + 3]!;
  ev.addrHi = r[o + 4]! >>> 0;
  ev.addrLo = r[o + 5]! >>> 0;
  ev.name = r[o + 6]!;
  ev.comm = r[o + 7]!;
  return kind;
}
