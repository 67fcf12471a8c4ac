import type { Frame } from '../model/frame.js';
import type { LockClassDecl } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import type { ChainNode } from './chain-cache.js';
import type { LockClass } from './lock-class.js';

/** One lock object (a lockdep_map): instance `index` of a declared class. */
export interface LockInstance {
  decl: LockClassDecl;
  index: number;
  /** Address of the map, 16 hex digits (page-aligned, so `free` can name its page). */
  addr: string;
  /** lockdep_map.class_cache: the registered class per subclass (filled on first use). */
  classCache: (LockClass | undefined)[];
}

/** struct held_lock */
export interface HeldLock {
  cls: LockClass;
  inst: LockInstance;
  /** acquire_ip */
  ip: Frame;
  read: 0 | 1 | 2;
  trylock: boolean;
  check: boolean;
  nest: LockInstance | undefined;
  /** bit0: in a softirq handler, bit1: in a hardirq handler. */
  irqContext: number;
  hardirqsOff: boolean;
  /** Chain key before this lock (prev_chain_key). */
  prevChain: ChainNode;
  /** nest-lock merge count (0 = not merged). */
  references: number;
  /** Stack and step of the acquisition (kept for re-acquisition after out-of-order release). */
  stack: Frame[];
  span: SourceSpan;
}
