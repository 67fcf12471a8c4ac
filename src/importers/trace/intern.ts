/**
 * Interning of byte strings (lock names, comms) without creating a string per lookup: an
 * open-addressing table keyed by the FNV-1a hash of the bytes, compared byte by byte. A string is
 * decoded once, when a name is first seen.
 */
const decoder = new TextDecoder('utf-8');

export class ByteInterner {
  private slots = new Int32Array(1024);
  private mask = 1023;
  private readonly bytes: Uint8Array[] = [];
  private readonly hashes: number[] = [];
  private readonly strings: string[] = [];

  /** Number of distinct strings. */
  get size(): number {
    return this.strings.length;
  }

  /** The id of buf[start, end), adding it when new. Ids are dense, from 0, in first-seen order. */
  intern(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    h >>>= 0;
    const len = end - start;
    let s = h & this.mask;
    for (;;) {
      const v = this.slots[s]!;
      if (v === 0) break;
      const id = v - 1;
      if (this.hashes[id] === h) {
        const b = this.bytes[id]!;
        if (b.length === len) {
          let k = 0;
          while (k < len && b[k] === buf[start + k]) k++;
          if (k === len) return id;
        }
      }
      s = (s + 1) & this.mask;
    }
    const id = this.strings.length;
    this.bytes.push(Uint8Array.prototype.slice.call(buf, start, end)); // a copy (Buffer#slice would keep the chunk alive)
    this.hashes.push(h);
    this.strings.push(decoder.decode(buf.subarray(start, end)));
    this.slots[s] = id + 1;
    if (this.strings.length * 2 > this.mask) this.grow();
    return id;
  }

  private readonly cacheLo = new Int32Array(4096);
  private readonly cacheHi = new Int32Array(4096);
  private readonly cacheId = new Int32Array(4096);

  /**
   * intern(), with a direct-mapped cache keyed by the lock's address: the same map almost always
   * carries the same name, so a byte comparison replaces hashing. (The bytes are still compared: an
   * address can be reused by another lock.)
   */
  internAt(hi: number, lo: number, buf: Uint8Array, start: number, end: number): number {
    const slot = (lo ^ (lo >>> 12) ^ hi) & 4095;
    const cached = this.cacheId[slot]! - 1;
    if (cached >= 0 && this.cacheLo[slot] === (lo | 0) && this.cacheHi[slot] === (hi | 0)) {
      const b = this.bytes[cached]!;
      const len = end - start;
      if (b.length === len) {
        let k = 0;
        while (k < len && b[k] === buf[start + k]) k++;
        if (k === len) return cached;
      }
    }
    const id = this.intern(buf, start, end);
    this.cacheLo[slot] = lo | 0;
    this.cacheHi[slot] = hi | 0;
    this.cacheId[slot] = id + 1;
    return id;
  }

  /** The id of a string (interning it). */
  internString(s: string): number {
    const b = new TextEncoder().encode(s);
    return this.intern(b, 0, b.length);
  }

  str(id: number): string {
    return this.strings[id]!;
  }

  /** The bytes of an interned string (not to be modified). */
  bytesOf(id: number): Uint8Array {
    return this.bytes[id]!;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.hashes.length; id++) {
      let s = this.hashes[id]! & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = id + 1;
    }
  }
}
