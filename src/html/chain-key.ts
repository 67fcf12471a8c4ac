/**
 * The lock-chain key as the kernel computes it (iterate_chain_key(): one __jhash_mix() per held
 * lock of the chain), for display in the teaching page. The validator keys chains with a trie
 * instead (collision-free, same cache behaviour); the page shows the kernel's number so the idea
 * of "one 64-bit key per chain of classes" is concrete. Class ids are this replay's registration
 * order (1-based), so the numbers differ from a real kernel's, which registered thousands of
 * classes before.
 */

function rol32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Mirrors iterate_chain_key(): mixes one lock id into the 64-bit key [lo, hi]. */
function iterateChainKey(lo: number, hi: number, id: number): [number, number] {
  // __jhash_mix(a = id, b = k0, c = k1), from include/linux/jhash.h.
  let a = id >>> 0;
  let b = lo >>> 0;
  let c = hi >>> 0;
  a = (a - c) >>> 0; a = (a ^ rol32(c, 4)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rol32(a, 6)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rol32(b, 8)) >>> 0; b = (b + a) >>> 0;
  a = (a - c) >>> 0; a = (a ^ rol32(c, 16)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rol32(a, 19)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rol32(b, 4)) >>> 0; b = (b + a) >>> 0;
  return [b, c];
}

/**
 * The chain key of a sequence of lock ids (bottom of the irq segment first), as 16 hex digits.
 * `modern`: INITIAL_CHAIN_KEY is all ones (v5.1: 0); the caller folds the read state into the
 * ids where the kernel does (`class_idx | read << 13` from v5.10).
 */
export function chainKey(ids: readonly number[], modern: boolean): string {
  let lo = modern ? 0xffffffff : 0;
  let hi = modern ? 0xffffffff : 0;
  for (const id of ids) [lo, hi] = iterateChainKey(lo, hi, id);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
