/**
 * Trace text → compact batches of parsed events, so that parsing can run on another thread than
 * validation (the CLI parses in a worker and validates on the main thread; without a worker the
 * importer runs the same parser in place). A batch holds up to BATCH_EVENTS records of RECORD_SIZE
 * int32s, plus the names, comms and lock maps first seen in it (ids are dense and in first-seen order
 * on both sides) and the counts of the lines that are not events.
 *
 * Speed: the lines of /sys/kernel/tracing/trace have fixed columns (trace_print_context():
 * `%16s-%-7d [%03d] %5s %5lu.%06lu: `), so most lines are parsed by fixedLine() with a handful of
 * loads: the comm is looked up by pid (the 16-byte comm field compared as four words), the lock map
 * by its 16 hex digits (compared as four words) and its name (compared byte by byte). A lock map is
 * identified by (address, name): the map id in a record replaces both, so the importer compares one
 * number per held lock. Anything else goes through the general parser (line-parser.ts), which
 * accepts every layout the importer understands; both give the same record for a line.
 */
import { ByteInterner } from './intern.js';
import { LineKind, TraceEvent, parseTraceLine, traceTimestamp } from './line-parser.js';
import { joinRest } from './line-splitter.js';

/** int32s per record: kind|flags, line, pid, cpu, map, comm. */
export const RECORD_SIZE = 6;
export const BATCH_EVENTS = 1 << 15;

/** Record word 0: the kind in bits 0–3, then these flags, then the irq context (IrqCtx) from bit CTX_SHIFT. */
export const F_HAS_FLAGS = 1 << 4;
export const F_IRQS_OFF = 1 << 5;
export const F_BH_OFF = 1 << 6;
export const F_TRY = 1 << 7;
export const F_READ = 1 << 8;
export const CTX_SHIFT = 9;

export interface TraceBatch {
  records: Int32Array;
  /** Records in use. */
  count: number;
  /** Names and comms first seen in this batch, in id order. */
  names: string[];
  comms: string[];
  /** Lock maps first seen in this batch, in id order: (address high, address low, name id) triples, the halves as int32. */
  maps: number[];
  /** Lines of other events, and events the ring buffer lost. */
  otherEvents: number;
  lostEvents: number;
  /** Malformed lines (a Bad record holds [kind, line, column, 0, message index]). */
  errors: string[];
  /** Timestamps of the batch's first and last events (NaN without events). */
  firstTs: number;
  lastTs: number;
  /** Lines and bytes consumed so far. */
  lines: number;
  bytes: number;
}

// Bytes of the fixed layout.
const SP = 0x20;
const TAB = 0x09;
const DASH = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const HASH = 0x23;
const CR = 0x0d;

/** Hex digit values by byte, -1 for anything else. */
const HEX = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0; c < 10; c++) t[0x30 + c] = c;
  for (let c = 0; c < 6; c++) t[0x61 + c] = t[0x41 + c] = 10 + c;
  return t;
})();

/** "lock_acq", "uire: ", "lock_rel", "ease: " as little-endian words (the event name at column 51). */
const W_LOCK = 0x6b636f6c; // "lock"
const W_ACQ = 0x7163615f; // "_acq"
const W_UIRE = 0x65726975; // "uire"
const W_REL = 0x6c65725f; // "_rel"
const W_EASE = 0x65736165; // "ease"
const H_COLSP = 0x203a; // ": "

/** Column of the fixed layout (from the start of the line). */
const C_DASH = 16;
const C_LBR = 25;
const C_RBR = 29;
const C_FLAGS = 31;
const C_TSDOT = 42;
const C_COLON = 49;
const C_EVENT = 51;
const C_ADDR = 65;
const C_NAME = 82;

const MAP_CACHE = 1 << 16;
const COMM_CACHE = 1 << 12;

/**
 * Lock maps, interned: (address, name id) → dense id. A full open-addressing table, and in front of
 * it a direct-mapped cache keyed by the raw hex digits of the address (fixedLine()).
 */
class MapTable {
  /** Address halves (as int32) and name id, by map id. */
  hi: Int32Array<ArrayBuffer> = new Int32Array(1024);
  lo: Int32Array<ArrayBuffer> = new Int32Array(1024);
  name: Int32Array<ArrayBuffer> = new Int32Array(1024);
  size = 0;
  private slots = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;

  intern(hi: number, lo: number, name: number): number {
    hi |= 0;
    lo |= 0;
    const h = hash3(hi, lo, name);
    let s = h & this.mask;
    for (;;) {
      const v = this.slots[s]!;
      if (v === 0) break;
      const id = v - 1;
      if (this.lo[id] === lo && this.hi[id] === hi && this.name[id] === name) return id;
      s = (s + 1) & this.mask;
    }
    const id = this.size++;
    if (id === this.name.length) {
      this.hi = grown(this.hi);
      this.lo = grown(this.lo);
      this.name = grown(this.name);
    }
    this.hi[id] = hi;
    this.lo[id] = lo;
    this.name[id] = name;
    this.slots[s] = id + 1;
    if (this.size * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.size; id++) {
      let s = hash3(this.hi[id]!, this.lo[id]!, this.name[id]!) & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = id + 1;
    }
  }
}

function grown(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ c, 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Splits chunks into lines and parses them into batches; `onBatch` gets each full batch (and the last at end()). */
export class TraceRecordParser {
  private readonly names = new ByteInterner();
  private readonly comms = new ByteInterner();
  private readonly maps = new MapTable();
  private readonly ev = new TraceEvent();
  private batch: TraceBatch;
  private sentNames = 0;
  private sentComms = 0;
  private sentMaps = 0;
  private lastBuf: Uint8Array | undefined;
  private lastTsEnd = 0;
  /** The timestamp of the last event of the current batch, once its buffer is let go (NaN: none). */
  private lastTs = NaN;
  private final = false;
  /** Records buffers handed back (recycle()), reused for new batches. */
  private readonly spare: Int32Array[] = [];
  /** The rest of the last chunk after its last newline. */
  private rest: Uint8Array | undefined;
  /** Lines seen so far (the 1-based number of the last one). */
  line = 0;
  /** Bytes consumed so far. */
  bytes = 0;

  // fixedLine() caches: lock maps by the words of their hex address, pid and comm by the pid field.
  private readonly mapW0 = new Int32Array(MAP_CACHE);
  private readonly mapW1 = new Int32Array(MAP_CACHE);
  private readonly mapW2 = new Int32Array(MAP_CACHE);
  private readonly mapW3 = new Int32Array(MAP_CACHE);
  /** Map id + 1 (0: empty). */
  private readonly mapId = new Int32Array(MAP_CACHE);
  /** Name bytes (as a DataView, for word compares) and lengths by name id. */
  private readonly nameWords: DataView[] = [];
  private readonly nameLen: number[] = [];
  /** Columns 37..40 (the whole seconds but the last digit) of the last timestamp checked: they rarely change. */
  private lastSecs = 0x20202020;
  private readonly pidW0 = new Int32Array(COMM_CACHE);
  private readonly pidW1 = new Int32Array(COMM_CACHE);
  private readonly commPid = new Int32Array(COMM_CACHE);
  private readonly commW0 = new Int32Array(COMM_CACHE);
  private readonly commW1 = new Int32Array(COMM_CACHE);
  private readonly commW2 = new Int32Array(COMM_CACHE);
  private readonly commW3 = new Int32Array(COMM_CACHE);
  /** Comm id + 1 (0: empty). */
  private readonly commId = new Int32Array(COMM_CACHE);

  /** Records per batch (BATCH_EVENTS unless a test asks for small batches). */
  private readonly batchEvents: number;
  /**
   * Records in the batch being filled: the first batches are small, so that validation starts
   * early (on another thread), then the size doubles up to batchEvents.
   */
  private target: number;

  constructor(
    private readonly onBatch: (b: TraceBatch) => void,
    batchEvents = BATCH_EVENTS,
  ) {
    this.batchEvents = batchEvents;
    this.target = Math.min(1024, batchEvents);
    this.batch = this.fresh();
  }

  /**
   * Feeds the next chunk of text. Nothing of the chunk is kept once this returns (the caller may
   * reuse its buffer): an unfinished last line is copied.
   */
  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let pos = 0;
    if (this.rest) {
      const j = joinRest(this.rest, buf);
      if ('rest' in j) {
        this.rest = j.rest;
        return;
      }
      this.rest = undefined;
      const line = j.line;
      this.lines(line, new DataView(line.buffer, line.byteOffset, line.length), 0, line.length, true);
      pos = j.next;
    }
    const n = buf.length;
    pos = this.lines(buf, new DataView(buf.buffer, buf.byteOffset, n), pos, n, false);
    if (pos < n) this.rest = Uint8Array.prototype.slice.call(buf, pos) as Uint8Array;
    this.keepLastTs();
  }

  /** The last event's timestamp, read now (its line's buffer is not kept). */
  private keepLastTs(): void {
    if (this.lastBuf) {
      this.lastTs = traceTimestamp(this.lastBuf, this.lastTsEnd);
      this.lastBuf = undefined;
    }
  }

  /**
   * Flushes the last line (without a newline: a malformed one is marked as truncated) and the last
   * batch. `dropRest`: the input was cut short; an unfinished last line is dropped.
   */
  end(dropRest = false): void {
    this.final = true;
    const r = this.rest;
    this.rest = undefined;
    if (r && r.length && !dropRest) this.lines(r, new DataView(r.buffer, r.byteOffset, r.length), 0, r.length, true);
    this.flush();
  }

  /** Hands out the records parsed so far (a partial batch), if any. */
  drain(): void {
    if (this.batch.count || this.batch.otherEvents || this.batch.lostEvents) this.flush();
  }

  /** Gives a batch's records buffer back for reuse (after the batch has been consumed). */
  recycle(records: Int32Array): void {
    if (records.length === this.batchEvents * RECORD_SIZE && this.spare.length < 8) this.spare.push(records);
  }

  private fresh(): TraceBatch {
    const records = this.spare.pop() ?? new Int32Array(this.batchEvents * RECORD_SIZE);
    return { records, count: 0, names: [], comms: [], maps: [], otherEvents: 0, lostEvents: 0, errors: [], firstTs: NaN, lastTs: NaN, lines: 0, bytes: 0 };
  }

  private flush(): void {
    const b = this.batch;
    for (; this.sentNames < this.names.size; this.sentNames++) b.names.push(this.names.str(this.sentNames));
    for (; this.sentComms < this.comms.size; this.sentComms++) b.comms.push(this.comms.str(this.sentComms));
    const m = this.maps;
    for (; this.sentMaps < m.size; this.sentMaps++) b.maps.push(m.hi[this.sentMaps]!, m.lo[this.sentMaps]!, m.name[this.sentMaps]!);
    this.keepLastTs();
    b.lastTs = this.lastTs;
    this.lastTs = NaN;
    b.lines = this.line;
    b.bytes = this.bytes;
    if (this.target < this.batchEvents) this.target = Math.min(this.target * 2, this.batchEvents);
    this.batch = this.fresh();
    this.onBatch(b);
  }

  /**
   * Parses the lines of buf[pos, n): all of it when `whole` (one line), else up to the last
   * newline. Returns where the unparsed rest starts.
   */
  private lines(buf: Uint8Array, dv: DataView, pos: number, n: number, whole: boolean): number {
    for (;;) {
      const b = this.batch;
      const o = b.count * RECORD_SIZE;
      // A fixed-layout line gives its own end (the newline right after its name); anything else
      // is found with indexOf() and read by the general parser.
      const e = pos + C_NAME < n ? this.fixedLine(buf, dv, pos, n, whole, b.records, o) : -1;
      if (e >= 0) {
        b.records[o + 1] = ++this.line;
        if (Number.isNaN(b.firstTs)) b.firstTs = traceTimestamp(buf, pos + C_COLON);
        this.lastBuf = buf;
        this.lastTsEnd = pos + C_COLON;
        if (++b.count === this.target) this.flush();
        if (e >= n) return n;
        pos = e + 1;
        continue;
      }
      let end = n;
      if (!whole) {
        end = (buf as Buffer).indexOf(10, pos);
        if (end < 0) return pos;
      }
      this.generalLine(buf, pos, end, ++this.line);
      if (end >= n) return n;
      pos = end + 1;
    }
  }

  /**
   * A line at buf[s] in the exact layout of /sys/kernel/tracing/trace with a lock_acquire or
   * lock_release event: writes its record at records[o] (all but the line number) and returns where
   * the line ends (its newline; n for the last line when `whole`); -1 when the line is anything
   * else, which the general parser then reads. Every byte before the name is checked (so none is a
   * newline): the line is known to reach its name without finding its end first.
   */
  private fixedLine(buf: Uint8Array, dv: DataView, s: number, n: number, whole: boolean, r: Int32Array, o: number): number {
    // Separators, the event name, the timestamp's digits.
    if (buf[s + C_COLON] !== COLON || buf[s + C_COLON + 1] !== SP || buf[s + C_TSDOT] !== DOT || buf[s + C_DASH] !== DASH) return -1;
    if ((dv.getInt32(s + 24, true) & 0xffff) !== 0x5b20 /* " [" */ || (dv.getInt32(s + 28, true) & 0xffff00) !== 0x205d00 /* "] " */) return -1;
    if (buf[s + 36] !== SP || buf[s + C_ADDR + 16] !== SP) return -1;
    if (dv.getInt32(s + C_EVENT, true) !== W_LOCK || dv.getUint16(s + C_EVENT + 12, true) !== H_COLSP) return -1;
    const w1 = dv.getInt32(s + C_EVENT + 4, true);
    const w2 = dv.getInt32(s + C_EVENT + 8, true);
    let kind: number;
    if (w1 === W_ACQ && w2 === W_UIRE) kind = LineKind.Acquire;
    else if (w1 === W_REL && w2 === W_EASE) kind = LineKind.Release;
    else return -1;
    // "%5lu.%06lu": six digits, then right-justified digits (checked when they change).
    if (!digits4(dv.getInt32(s + C_TSDOT + 1, true)) || !digits4(dv.getInt32(s + C_TSDOT + 3, true))) return -1;
    if (!isDigit(buf[s + C_TSDOT - 1]!)) return -1;
    const secs = dv.getInt32(s + 37, true);
    if (secs !== this.lastSecs) {
      for (let k = s + 40, digits = true; k > s + 36; k--) {
        const c = buf[k]!;
        if (c === SP) digits = false;
        else if (!digits || !isDigit(c)) return -1;
      }
      this.lastSecs = secs;
    }
    // Flags: five characters above space, the first not a digit (else it would read as
    // trace-cmd's "<cpu><flags>"), the last not "]" (else "[cpu]" without flags).
    const fw = dv.getInt32(s + C_FLAGS, true);
    const f4 = buf[s + C_FLAGS + 4]!;
    if (((fw - 0x21212121) & ~fw & 0x80808080) !== 0 || f4 <= SP || f4 === RBRACKET) return -1;
    const f0 = fw & 0xff;
    if (isDigit(f0)) return -1;
    // CPU: three digits.
    const c0 = buf[s + 26]! - 0x30;
    const c1 = buf[s + 27]! - 0x30;
    const c2 = buf[s + 28]! - 0x30;
    if (c0 < 0 || c0 > 9 || c1 < 0 || c1 > 9 || c2 < 0 || c2 > 9) return -1;
    // pid and comm, cached by the pid field (columns 17..23) and checked against the comm field.
    const pw0 = dv.getInt32(s + 17, true);
    const pw1 = dv.getInt32(s + 20, true);
    const cw0 = dv.getInt32(s, true);
    const cw1 = dv.getInt32(s + 4, true);
    const cw2 = dv.getInt32(s + 8, true);
    const cw3 = dv.getInt32(s + 12, true);
    const cs = (Math.imul(pw0 ^ Math.imul(pw1, 0x2c1b3c6d), 0x9e3779b1) >>> 17) & (COMM_CACHE - 1);
    let pid: number;
    let comm: number;
    if (
      this.commId[cs]! > 0 &&
      this.pidW0[cs] === pw0 &&
      this.pidW1[cs] === pw1 &&
      this.commW0[cs] === cw0 &&
      this.commW1[cs] === cw1 &&
      this.commW2[cs] === cw2 &&
      this.commW3[cs] === cw3
    ) {
      pid = this.commPid[cs]!;
      comm = this.commId[cs]! - 1;
    } else {
      // pid: digits from column 17, then spaces up to column 24
      let k = s + C_DASH + 1;
      pid = 0;
      while (isDigit(buf[k]!)) pid = pid * 10 + (buf[k++]! - 0x30);
      if (k === s + C_DASH + 1) return -1;
      while (k < s + 24) if (buf[k++] !== SP) return -1;
      let i = s;
      while (i < s + C_DASH && (buf[i] === SP || buf[i] === TAB)) i++;
      if (buf[i] === HASH) return -1; // a header line, for the general parser
      for (let j = i; j < s + C_DASH; j++) if (buf[j] === 10) return -1;
      comm = this.comms.intern(buf, i, s + C_DASH);
      this.pidW0[cs] = pw0;
      this.pidW1[cs] = pw1;
      this.commW0[cs] = cw0;
      this.commW1[cs] = cw1;
      this.commW2[cs] = cw2;
      this.commW3[cs] = cw3;
      this.commPid[cs] = pid;
      this.commId[cs] = comm + 1;
    }
    // try / read
    let p = s + C_NAME;
    let w0 = kind;
    if (kind === LineKind.Acquire) {
      if (buf[p] === 0x74 /* t */ && buf[p + 1] === 0x72 && buf[p + 2] === 0x79 && buf[p + 3] === SP && p + 4 < n && buf[p + 4] !== 10) {
        w0 |= F_TRY;
        p += 4;
      }
      if (buf[p] === 0x72 /* r */ && buf[p + 1] === 0x65 && buf[p + 2] === 0x61 && buf[p + 3] === 0x64 && buf[p + 4] === SP && p + 5 < n && buf[p + 5] !== 10) {
        w0 |= F_READ;
        p += 5;
      }
    }
    // The map: cached by the hex digits of its address; a hit when the name follows, then the newline.
    const a0 = dv.getInt32(s + C_ADDR, true);
    const a1 = dv.getInt32(s + C_ADDR + 4, true);
    const a2 = dv.getInt32(s + C_ADDR + 8, true);
    const a3 = dv.getInt32(s + C_ADDR + 12, true);
    const ms = (Math.imul(a3 ^ Math.imul(a2, 0x2c1b3c6d) ^ (a1 >>> 3), 0x9e3779b1) >>> 16) & (MAP_CACHE - 1);
    let map = this.mapId[ms]! - 1;
    let e = -1;
    if (map >= 0 && this.mapW3[ms] === a3 && this.mapW2[ms] === a2 && this.mapW1[ms] === a1 && this.mapW0[ms] === a0) {
      const name = this.maps.name[map]!;
      const len = this.nameLen[name]!;
      const end = p + len;
      if (whole ? end === n : end < n && buf[end] === 10) {
        const nw = this.nameWords[name]!;
        let j = 0;
        for (; j + 4 <= len; j += 4) if (dv.getInt32(p + j, true) !== nw.getInt32(j, true)) break;
        if (j + 4 > len) {
          for (; j < len; j++) if (buf[p + j] !== nw.getUint8(j)) break;
          if (j === len) e = end;
        }
      }
    }
    if (e < 0) {
      // The line end, the name (blanks trimmed; a CR goes to the general parser), the map.
      if (whole) e = n;
      else {
        e = p;
        while (e < n && buf[e] !== 10) e++;
        if (e === n) return -1;
      }
      let ne = e;
      let last = buf[ne - 1]!;
      if (last === CR) return -1;
      while (ne > p && (last === SP || last === TAB)) last = buf[--ne - 1]!;
      if (ne === p) return -1;
      let hi = 0;
      let lo = 0;
      for (let j = s + C_ADDR; j < s + C_ADDR + 16; j++) {
        const v = HEX[buf[j]!]!;
        if (v < 0) return -1;
        hi = (hi << 4) | (lo >>> 28);
        lo = (lo << 4) | v;
      }
      map = this.maps.intern(hi >>> 0, lo >>> 0, this.nameId(buf, p, ne));
      this.mapW0[ms] = a0;
      this.mapW1[ms] = a1;
      this.mapW2[ms] = a2;
      this.mapW3[ms] = a3;
      this.mapId[ms] = map + 1;
    }
    // Flags column: irqs-off/BH-disabled, then hardirq/softirq.
    if (f0 === 0x64 /* d */) w0 |= F_IRQS_OFF;
    else if (f0 === 0x62 /* b */) w0 |= F_BH_OFF;
    else if (f0 === 0x44 /* D */) w0 |= F_IRQS_OFF | F_BH_OFF;
    const hs = (fw >>> 16) & 0xff;
    const ctx = hs === 0x68 /* h */ ? 2 : hs === 0x48 /* H */ ? 3 : hs === 0x73 /* s */ ? 1 : hs === 0x7a /* z */ || hs === 0x5a /* Z */ ? 4 : 0;
    r[o] = w0 | F_HAS_FLAGS | (ctx << CTX_SHIFT);
    r[o + 2] = pid;
    r[o + 3] = c0 * 100 + c1 * 10 + c2;
    r[o + 4] = map;
    r[o + 5] = comm;
    return e;
  }

  /** The id of name buf[p, e), its bytes kept for fixedLine()'s comparison (a name without a newline). */
  private nameId(buf: Uint8Array, p: number, e: number): number {
    const id = this.names.intern(buf, p, e);
    while (this.nameWords.length <= id) {
      const bytes = this.names.bytesOf(this.nameWords.length);
      this.nameWords.push(new DataView(bytes.buffer, bytes.byteOffset, bytes.length));
      this.nameLen.push(bytes.indexOf(10) >= 0 ? -1 : bytes.length);
    }
    return id;
  }

  /** Any other line, through the general parser. */
  private generalLine(buf: Uint8Array, start: number, end: number, line: number): void {
    const ev = this.ev;
    const kind = parseTraceLine(buf, start, end, ev, this.names, this.comms);
    const b = this.batch;
    switch (kind) {
      case LineKind.Acquire:
      case LineKind.Release: {
        const r = b.records;
        const o = b.count * RECORD_SIZE;
        r[o] =
          kind | (ev.hasFlags ? F_HAS_FLAGS : 0) | (ev.irqsOff ? F_IRQS_OFF : 0) | (ev.bhOff ? F_BH_OFF : 0) | (ev.trylock ? F_TRY : 0) | (ev.read ? F_READ : 0) | (ev.ctx << CTX_SHIFT);
        r[o + 1] = line;
        r[o + 2] = ev.pid;
        r[o + 3] = ev.cpu;
        r[o + 4] = this.maps.intern(ev.addrHi, ev.addrLo, ev.name);
        r[o + 5] = ev.comm;
        if (Number.isNaN(b.firstTs)) b.firstTs = traceTimestamp(buf, ev.tsEnd);
        this.lastBuf = buf;
        this.lastTsEnd = ev.tsEnd;
        if (++b.count === this.target) this.flush();
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
        r[o + 3] = 0;
        r[o + 4] = b.errors.length;
        r[o + 5] = 0;
        b.errors.push(ev.error);
        if (++b.count === this.target) this.flush();
        return;
      }
    }
  }
}

/** Are the four bytes of w (little-endian) all ASCII digits? */
function digits4(w: number): boolean {
  return (w & 0xf0f0f0f0) === 0x30303030 && ((w + 0x06060606) & 0xf0f0f0f0) === 0x30303030;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

