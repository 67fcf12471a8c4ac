/**
 * Observed dependencies against a compiled policy. Rules (docs/policy.md):
 *  1. A dependency prev -> next breaks the order when the policy declares next's lock before
 *     prev's (directly or transitively): `policy-order`.
 *  2. Two different locks of one level must not be nested unless a rule orders them that way:
 *     `policy-order` too (reason `same-level`).
 *  3. An ordering that no single dependency breaks but a path does (A -> X -> B through locks the
 *     policy leaves out, with B declared before A): `policy-order` with the path as witness.
 *  4. Two classes of a `never-nested` pair held at once by one task (either order): `never-nested`.
 * Classes the policy does not mention are unconstrained; a class governed by the same policy lock
 * as the other end (e.g. `X` covering `X` and `X/1`) is not constrained against it either.
 */
import type { SourceSpan } from '../model/span.js';
import type { HeldPair, ObservedEdge, ObservedGraph } from './observe.js';
import { declaredBefore, nameMatches, orderReasons, policyLockOf, type CompiledPolicy, type OrderReason, type PolicyLock } from './policy.js';
import { cmp, GraphView } from './strong.js';

export interface OrderViolation {
  kind: 'reverse' | 'same-level' | 'path';
  /** The offending dependencies: one edge, or the path of rule 3. */
  edges: ObservedEdge[];
  /** Policy locks of the first and last class. */
  prev: PolicyLock;
  next: PolicyLock;
  /** The declarations that put `next`'s lock before `prev`'s (empty for same-level). */
  declared: OrderReason[];
}

export interface NestViolation {
  pair: HeldPair;
  rule: { a: string; b: string; span: SourceSpan };
}

/** Cap on rule-3 (path) violations, which can grow with the square of the graph. */
export const MAX_PATH_VIOLATIONS = 100;

export function checkOrder(cp: CompiledPolicy, graph: ObservedGraph): OrderViolation[] {
  const out: OrderViolation[] = [];
  const lockOf = new Map<string, PolicyLock | undefined>();
  const lock = (c: string) => {
    if (!lockOf.has(c)) lockOf.set(c, policyLockOf(cp, c));
    return lockOf.get(c);
  };
  const bad = new Set<ObservedEdge>();
  for (const e of [...graph.edges].sort((a, b) => a.order - b.order)) {
    const p = lock(e.from);
    const n = lock(e.to);
    if (!p || !n || p === n) continue;
    if (declaredBefore(cp, n.pattern, p.pattern)) {
      out.push({ kind: 'reverse', edges: [e], prev: p, next: n, declared: orderReasons(cp, n.pattern, p.pattern) });
      bad.add(e);
    } else if (p.level !== undefined && p.level === n.level && !declaredBefore(cp, p.pattern, n.pattern)) {
      out.push({ kind: 'same-level', edges: [e], prev: p, next: n, declared: [] });
      bad.add(e);
    }
  }
  // Rule 3: paths through the graph without the edges already reported (one BFS per policy class).
  const view = new GraphView(graph.edges.filter((e) => !bad.has(e)));
  let paths = 0;
  for (const u of view.nodes) {
    const pu = lock(u);
    if (!pu) continue;
    const via = new Map<string, ObservedEdge>();
    const queue = [u];
    for (let i = 0; i < queue.length; i++) {
      for (const e of view.succ(queue[i]!)) {
        if (e.to === u || via.has(e.to)) continue;
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
    for (const v of queue.slice(1).sort(cmp)) {
      const pv = lock(v);
      if (!pv || pv === pu || !declaredBefore(cp, pv.pattern, pu.pattern)) continue;
      const edges: ObservedEdge[] = [];
      for (let x = v; x !== u; x = via.get(x)!.from) edges.push(via.get(x)!);
      edges.reverse();
      out.push({ kind: 'path', edges, prev: pu, next: pv, declared: orderReasons(cp, pv.pattern, pu.pattern) });
      if (++paths >= MAX_PATH_VIOLATIONS) return out;
    }
  }
  return out;
}

export function checkNeverNested(cp: CompiledPolicy, graph: ObservedGraph): NestViolation[] {
  const out: NestViolation[] = [];
  const pairs = [...graph.heldPairs].sort((a, b) => cmp(a.held, b.held) || cmp(a.next, b.next));
  for (const p of pairs) {
    for (const nn of cp.policy.neverNested) {
      const fwd = nameMatches(nn.a.text, p.held) && nameMatches(nn.b.text, p.next);
      const bwd = nameMatches(nn.b.text, p.held) && nameMatches(nn.a.text, p.next);
      if (fwd || bwd) {
        out.push({ pair: p, rule: { a: nn.a.text, b: nn.b.text, span: nn.span } });
        break;
      }
    }
  }
  return out;
}

/** Policy names that match none of the observed classes (typos, or locks no input takes). */
export function unknownNames(cp: CompiledPolicy, classes: readonly string[]): PolicyLock[] {
  return cp.locks.filter((l) => !classes.some((c) => nameMatches(l.pattern, c)));
}

/** The first exception that allows `from -> to` for a rule id. */
export function exceptionFor(cp: CompiledPolicy, ruleId: string, from: string, to: string) {
  return cp.policy.exceptions.find((x) => (!x.rules || x.rules.includes(ruleId)) && nameMatches(x.from.text, from) && nameMatches(x.to.text, to));
}
