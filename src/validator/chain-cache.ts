/**
 * The lock-chain cache (lookup_chain_cache_add / add_chain_cache). The kernel hashes the id
 * sequence into a 64-bit key; here every chain key is a node of a trie over ids, which is
 * collision-free and costs one Map probe per acquisition (no allocation on a hit).
 */
export class ChainNode {
  readonly id: number;
  readonly parent: ChainNode | null;
  readonly depth: number;
  /** The chain ending here has been validated (it is in the cache). */
  cached = false;
  /** irq_context of the chain (set when cached). */
  irqContext = 0;
  private children: Map<number, ChainNode> | undefined;

  constructor(id: number, parent: ChainNode | null) {
    this.id = id;
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : 0;
  }

  /** mirrors iterate_chain_key(): the key of this chain extended by one lock id. */
  child(id: number): ChainNode {
    let m = this.children;
    if (!m) m = this.children = new Map();
    let c = m.get(id);
    if (!c) {
      c = new ChainNode(id, this);
      m.set(id, c);
    }
    return c;
  }
}

export class ChainCache {
  /** INITIAL_CHAIN_KEY */
  readonly root = new ChainNode(-1, null);
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
