/**
 * The lock-chain cache (lookup_chain_cache_add / add_chain_cache). The kernel hashes the id
 * sequence into a 64-bit key; here every chain key is a node of a trie over ids, which is
 * collision-free and costs one small-integer Map probe per acquisition (no allocation on a hit);
 * the child taken last from a node is remembered, so a repeated sequence costs a compare.
 */
export class ChainNode {
  readonly id: number;
  readonly parent: ChainNode | null;
  readonly depth: number;
  /** Serial number of the node (creation order, the root is 0). */
  readonly serial: number;
  /** The chain ending here has been validated (it is in the cache). */
  cached = false;
  /** irq_context of the chain (set when cached). */
  irqContext = 0;
  /** The child returned last by child() (most acquisitions repeat the previous sequence). */
  private lastKid: ChainNode | null = null;
  /** The first children: their ids (searched in order, one small array) and nodes. */
  private kidIds: number[] | null = null;
  private kidNodes: ChainNode[] | null = null;
  /** All children by lock id, once there are more than FEW_KIDS. */
  private kidMap: Map<number, ChainNode> | null = null;
  private readonly counter: { n: number };
  /** The root's children, by lock id (every chain head starts here): an array, not a map. */
  private readonly dense: (ChainNode | undefined)[] | null;

  constructor(id: number, parent: ChainNode | null, counter: { n: number }) {
    this.id = id;
    this.parent = parent;
    this.dense = parent === null ? [] : null;
    this.depth = parent ? parent.depth + 1 : 0;
    this.counter = counter;
    this.serial = counter.n++;
  }

  /** mirrors iterate_chain_key(): the key of this chain extended by one lock id. */
  child(id: number): ChainNode {
    const dense = this.dense;
    if (dense !== null) {
      if (id < dense.length) {
        const c = dense[id];
        if (c !== undefined) return c;
      } else while (dense.length <= id) dense.push(undefined); // no holes: a fast array
      return (dense[id] = new ChainNode(id, this, this.counter));
    }
    const last = this.lastKid;
    if (last !== null && last.id === id) return last;
    let c: ChainNode | undefined;
    if (this.kidMap !== null) c = this.kidMap.get(id);
    else if (this.kidIds !== null) {
      const ids = this.kidIds;
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] === id) {
          c = this.kidNodes![i];
          break;
        }
      }
    }
    if (c === undefined) {
      c = new ChainNode(id, this, this.counter);
      this.addKid(id, c);
    }
    this.lastKid = c;
    return c;
  }

  private addKid(id: number, c: ChainNode): void {
    if (this.kidMap !== null) {
      this.kidMap.set(id, c);
    } else if (this.kidIds === null) {
      this.kidIds = [id];
      this.kidNodes = [c];
    } else if (this.kidIds.length < FEW_KIDS) {
      this.kidIds.push(id);
      this.kidNodes!.push(c);
    } else {
      const m = new Map<number, ChainNode>();
      for (let i = 0; i < this.kidIds.length; i++) m.set(this.kidIds[i]!, this.kidNodes![i]!);
      m.set(id, c);
      this.kidMap = m;
      this.kidIds = null;
      this.kidNodes = null;
    }
  }
}

const FEW_KIDS = 16;

export class ChainCache {
  private readonly counter = { n: 0 };
  /** INITIAL_CHAIN_KEY */
  readonly root = new ChainNode(-1, null, this.counter);
  chains = 0;
  hits = 0;
  misses = 0;
  /** Cached chains in creation order (lock_chains[]). */
  readonly list: ChainNode[] = [];

  /** Chain keys formed so far (trie nodes, the root included). */
  get keys(): number {
    return this.counter.n;
  }

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
