import type { ChainEntryDesc } from '../model/findings.js';
import type { Frame } from '../model/frame.js';
import type { SourceSpan } from '../model/span.js';
import { bfs, bfsDiscover, pathTo, rootEntry } from './dep-graph.js';
import { chainEntry, classDesc, heldDesc } from './describe.js';
import type { HeldLock } from './held-lock.js';
import type { LockClass } from './lock-class.js';
import type { Lockdep } from './lockdep.js';
import type { TaskState } from './task-state.js';

/** Rotation-independent key of a cycle of class indexes (for deduplication). */
export function cycleKey(idxs: number[]): string {
  let best = '';
  for (let i = 0; i < idxs.length; i++) {
    const rot = [...idxs.slice(i), ...idxs.slice(0, i)].join(',');
    if (best === '' || rot < best) best = rot;
  }
  return best;
}

/**
 * mirrors check_noncircular(next, prev): BFS forwards from next's class for prev's class (modern:
 * through a strong path, matching hlock_conflict(); 5.1: plain reachability). A match is reported
 * as circular, or as recursive locking when both are the same class (with the roles swapped, as
 * print_deadlock_bug(curr, src, target) is called). Returns false after a report.
 */
export function checkNoncircular(ld: Lockdep, t: TaskState, next: HeldLock, prev: HeldLock, span: SourceSpan, stack: Frame[]): boolean {
  ld.counters.cyclicChecks++;
  // Fast path (not lockdep's): the topological order proves there is no path next → … → prev.
  // Skipped when a timeline is recorded, so teaching views show the kernel's search.
  if (!ld.obs && ld.graph.topo.provesNoPath(next.cls, prev.cls)) return true;
  const root = rootEntry(next.cls, next.read === 2);
  const visited = ld.obs ? ([] as LockClass[]) : undefined;
  const target = ld.modern
    ? bfs(ld.graph, root, 'forwards', true, (e) => e.cls === prev.cls && (prev.read === 0 || !e.onlyXr), undefined, visited)
    : bfsDiscover(ld.graph, root, 'forwards', (e) => e.cls === prev.cls, visited);
  if (visited) {
    ld.obs!({
      type: 'bfs',
      purpose: 'circular',
      root: next.cls.printedName,
      visited: visited.map((c) => c.printedName),
      ...(target ? { path: pathTo(target).map((e) => e.cls.printedName) } : {}),
    });
  }
  if (!target) return true;
  const base = ld.base(t, next.cls === prev.cls ? 'recursive' : 'circular', span, stack);
  if (next.cls === prev.cls) {
    ld.report({ ...base, kind: 'recursive', next: heldDesc(prev), prev: heldDesc(next) }, `recursive:${prev.cls.idx}:${next.cls.idx}`);
    return false;
  }
  const path = pathTo(target); // [root = next, P1, ..., Pd = prev]
  const chain: ChainEntryDesc[] = [];
  for (let k = path.length - 1; k >= 1; k--) chain.push(chainEntry(path[k]!));
  chain.push({ cls: classDesc(next.cls), trace: stack, current: true, recordedAt: span, recordedBy: t.label });
  const parent = path[path.length - 2]!.cls;
  ld.report(
    {
      ...base,
      kind: 'circular',
      next: heldDesc(next),
      prev: heldDesc(prev),
      chain,
      scenario: { source: next.cls.printedName, parent: parent.printedName, target: prev.cls.printedName },
    },
    `circular:${cycleKey(path.map((e) => e.cls.idx))}`,
  );
  return false;
}
