/**
 * The lock-chain cache (lookup_chain_cache_add / add_chain_cache). The kernel hashes the id
 * sequence into a 64-bit key; here every chain key is a node of a trie over ids, which is
 * collision-free and costs one Map probe per acquisition (no allocation on a hit).
 */
export class ChainNode {
  readonly id: number;
  readonly parent: ChainNode | null;
  readonly depth: number;
  /** Serial number of the node (part of its children's keys). */
  readonly serial: number;
  /** The chain ending here has been validated (it is in the cache). */
  cached = false;
  /** irq_context of the chain (set when cached). */
  irqContext = 0;
  private readonly trie: Map<number, ChainNode>;

  constructor(id: number, parent: ChainNode | null, trie: Map<number, ChainNode>, serial: number) {
    this.id = id;
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : 0;
    this.trie = trie;
    this.serial = serial;
  }

  /** mirrors iterate_chain_key(): the key of this chain extended by one lock id (< 2^20). */
  child(id: number): ChainNode {
    const k = this.serial * 0x100000 + id;
    let c = this.trie.get(k);
    if (!c) {
      c = new ChainNode(id, this, this.trie, this.trie.size + 1);
      this.trie.set(k, c);
    }
    return c;
  }
}

export class ChainCache {
  /** Every chain key ever formed, by (parent serial, lock id): one flat table for the whole trie. */
  private readonly trie = new Map<number, ChainNode>();
  /** INITIAL_CHAIN_KEY */
  readonly root = new ChainNode(-1, null, this.trie, 0);
  chains = 0;
  hits = 0;
  misses = 0;
  /** Cached chains in creation order (lock_chains[]). */
  readonly list: ChainNode[] = [];

  /** Returns true when the chain was already cached (a hit: nothing is re-validated). */
  lookupAdd(node: ChainNode, irqContext: number): boolean {
    if (node.cached) {
      this.hits++;
      return true;
    }
    node.cached = true;
    node.irqContext = irqContext;
    this.list.push(node);
    this.chains++;
    this.misses++;
    return false;
  }
}
