/**
 * Lock-ordering policies (docs/policy.md, schema/policy.schema.json): ordered `levels` (outermost
 * first, several locks per level), explicit `rules` ("A before B"), `never-nested` pairs and
 * `exceptions` with a reason. parsePolicy() reads the YAML with positions; compilePolicy() builds
 * the declared order (levels chained, plus rules) and rejects a cyclic policy, printing the cycle.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { inputError, LockdepSimError } from '../diag/error.js';
import type { SourceSpan } from '../model/span.js';
import { formatSpan } from '../model/span.js';
import { matchesClass, parseClassName, specificity, type ClassName } from './names.js';
import { cmp } from './strong.js';

/** A lock name written in the policy, where it was written. */
export interface PolicyName {
  text: string;
  span: SourceSpan;
}

export interface PolicyRule {
  before: PolicyName;
  after: PolicyName;
  span: SourceSpan;
}

export interface PolicyException {
  from: PolicyName;
  to: PolicyName;
  reason: string;
  /** Rule ids it applies to (all when absent). */
  rules?: string[];
  span: SourceSpan;
}

/** A policy as written. */
export interface Policy {
  file: string;
  levels: { names: PolicyName[]; span: SourceSpan }[];
  rules: PolicyRule[];
  neverNested: { a: PolicyName; b: PolicyName; span: SourceSpan }[];
  exceptions: PolicyException[];
}

export const POLICY_KEYS = ['version', 'description', 'levels', 'rules', 'never-nested', 'exceptions'] as const;
export const EXCEPTION_KEYS = ['from', 'to', 'reason', 'rules'] as const;

// ---------------------------------------------------------------------------------------------
// Parsing

interface Src {
  file: string;
  lc: LineCounter;
}

function spanOf(src: Src, node: Node | null | undefined, fallback: SourceSpan): SourceSpan {
  if (!node?.range) return fallback;
  const p = src.lc.linePos(node.range[0]);
  return { file: src.file, line: p.line, col: p.col };
}

function name(src: Src, node: unknown, what: string, fallback: SourceSpan): PolicyName {
  const n = node as Node | null;
  if (!isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number') || String(n.value) === '') {
    throw inputError('schema', `${what} must be a lock class name`, spanOf(src, n, fallback), 'write the class name as lockdep prints it, e.g. `mem_sysfs_mutex` or `"kn->count#424"`');
  }
  return { text: String(n.value), span: spanOf(src, n, fallback) };
}

function list(src: Src, node: unknown, what: string, fallback: SourceSpan): Node[] {
  const n = node as Node | null;
  if (n === null || n === undefined) return [];
  if (!isSeq(n)) throw inputError('schema', `${what} must be a list`, spanOf(src, n, fallback), 'a list is `- item` lines or `[a, b]`');
  return n.items as Node[];
}

const RULE_RE = /^\s*(\S(?:.*?\S)?)\s+before\s+(\S(?:.*?\S)?)\s*$/;

/** Reads a policy file (YAML). Throws LockdepSimError (exit 2) with positions on any mistake. */
export function parsePolicy(text: string, file: string): Policy {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const src: Src = { file, lc };
  const top: SourceSpan = { file, line: 1, col: 1 };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const p = lc.linePos(e.pos[0]);
    throw inputError('yaml-syntax', e.message.split('\n')[0]!, { file, line: p.line, col: p.col });
  }
  const root = doc.contents as Node | null;
  if (root === null) throw inputError('schema', 'the policy is empty', top, 'a policy has `levels:`, `rules:`, `never-nested:` and/or `exceptions:`');
  if (!isMap(root)) throw inputError('schema', 'a policy must be a mapping', spanOf(src, root, top), 'start with `levels:` or `rules:`');
  const get = (m: YAMLMap, k: string) => m.items.find((p) => isScalar(p.key) && p.key.value === k);
  for (const p of root.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (!(POLICY_KEYS as readonly string[]).includes(k)) {
      throw inputError('schema', `unknown policy key \`${k}\``, spanOf(src, p.key as Node, top), `the keys are ${POLICY_KEYS.map((x) => `\`${x}\``).join(', ')}`);
    }
  }
  const version = get(root, 'version');
  if (version && !(isScalar(version.value) && version.value.value === 1)) {
    throw inputError('schema', 'unsupported policy version', spanOf(src, version.value as Node, top), 'this lockdep-sim reads `version: 1`');
  }

  const policy: Policy = { file, levels: [], rules: [], neverNested: [], exceptions: [] };
  for (const item of list(src, get(root, 'levels')?.value, '`levels`', top)) {
    const span = spanOf(src, item, top);
    const names = isSeq(item) ? (item.items as Node[]).map((n) => name(src, n, 'a level entry', span)) : [name(src, item, 'a level', span)];
    if (!names.length) throw inputError('schema', 'a level must name at least one lock', span);
    policy.levels.push({ names, span });
  }
  for (const item of list(src, get(root, 'rules')?.value, '`rules`', top)) {
    const span = spanOf(src, item, top);
    const text = isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
    const m = text !== undefined ? RULE_RE.exec(text) : null;
    if (!m) throw inputError('schema', 'a rule must read "A before B"', span, 'e.g. `- "mem_hotplug_lock.rw_sem before mem_sysfs_mutex"`');
    policy.rules.push({ before: { text: m[1]!, span }, after: { text: m[2]!, span }, span });
  }
  for (const item of list(src, get(root, 'never-nested')?.value, '`never-nested`', top)) {
    const span = spanOf(src, item, top);
    const pair = isSeq(item) ? (item.items as Node[]) : [];
    if (pair.length !== 2) throw inputError('schema', 'a never-nested entry must be a pair of locks', span, 'e.g. `- [rtnl_mutex, "&sb->s_type->i_mutex_key"]`');
    policy.neverNested.push({ a: name(src, pair[0], 'a never-nested lock', span), b: name(src, pair[1], 'a never-nested lock', span), span });
  }
  for (const item of list(src, get(root, 'exceptions')?.value, '`exceptions`', top)) {
    const span = spanOf(src, item, top);
    if (!isMap(item)) throw inputError('schema', 'an exception must be a mapping with `from`, `to` and `reason`', span);
    for (const p of item.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (!(EXCEPTION_KEYS as readonly string[]).includes(k)) {
        throw inputError('schema', `unknown exception key \`${k}\``, spanOf(src, p.key as Node, span), `the keys are ${EXCEPTION_KEYS.map((x) => `\`${x}\``).join(', ')}`);
      }
    }
    const from = get(item, 'from');
    const to = get(item, 'to');
    const reason = get(item, 'reason');
    if (!from || !to) throw inputError('schema', 'an exception needs `from` and `to` (the dependency it allows)', span);
    const r = reason?.value as Node | null | undefined;
    if (!r || !isScalar(r) || typeof r.value !== 'string' || !r.value.trim()) {
      throw inputError('schema', 'an exception needs a `reason`', spanOf(src, r, span), 'say why this dependency is fine, e.g. "trylock: cannot deadlock"');
    }
    const ex: PolicyException = { from: name(src, from.value, '`from`', span), to: name(src, to.value, '`to`', span), reason: r.value.trim(), span };
    const rules = get(item, 'rules');
    if (rules) ex.rules = list(src, rules.value, '`rules`', span).map((n) => name(src, n, 'a rule id', span).text);
    policy.exceptions.push(ex);
  }
  return policy;
}

// ---------------------------------------------------------------------------------------------
// The declared order

/** Why the policy puts one lock before another (one step of the declared order). */
export interface OrderReason {
  before: string;
  after: string;
  /** `levels N -> N+1` or `rule "A before B"`. */
  why: string;
  span: SourceSpan;
}

/** One lock of the policy: a name pattern, its level, and what follows it. */
export interface PolicyLock {
  pattern: string;
  parsed: ClassName;
  level?: number;
  /** Where it is first written. */
  span: SourceSpan;
  /** Declaration order (tie-break between equally specific patterns). */
  index: number;
}

export interface CompiledPolicy {
  policy: Policy;
  locks: PolicyLock[];
  /** Direct order steps, by `before` pattern. */
  steps: Map<string, OrderReason[]>;
  /** Transitive closure: pattern -> patterns declared after it. */
  after: Map<string, Set<string>>;
}

function describeCycle(cycle: OrderReason[]): string {
  return cycle.map((r) => `${r.before} before ${r.after} (${r.why}, ${formatSpan(r.span)})`).join(', ');
}

/**
 * Builds the declared order: every lock of level i before every lock of level i+1, plus the rules.
 * A lock in two levels or a cycle through the rules is an input error (exit 2) naming the cycle.
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const locks = new Map<string, PolicyLock>();
  const add = (n: PolicyName, level?: number) => {
    const have = locks.get(n.text);
    if (have) {
      if (level !== undefined && have.level !== undefined && have.level !== level) {
        throw inputError('schema', `\`${n.text}\` is in two levels (${have.level} and ${level})`, n.span, `it was first put in level ${have.level} at ${formatSpan(have.span)}; a lock has one level`);
      }
      if (level !== undefined && have.level === level) {
        throw inputError('schema', `\`${n.text}\` is listed twice in level ${level}`, n.span);
      }
      if (level !== undefined) have.level = level;
      return;
    }
    const l: PolicyLock = { pattern: n.text, parsed: parseClassName(n.text), span: n.span, index: locks.size };
    if (level !== undefined) l.level = level;
    locks.set(n.text, l);
  };
  policy.levels.forEach((lv, i) => lv.names.forEach((n) => add(n, i)));
  for (const r of policy.rules) {
    add(r.before);
    add(r.after);
  }
  for (const nn of policy.neverNested) {
    add(nn.a);
    add(nn.b);
  }

  const steps = new Map<string, OrderReason[]>();
  const step = (r: OrderReason) => {
    const l = steps.get(r.before);
    if (l) l.push(r);
    else steps.set(r.before, [r]);
  };
  for (let i = 0; i + 1 < policy.levels.length; i++) {
    for (const a of policy.levels[i]!.names) {
      for (const b of policy.levels[i + 1]!.names) step({ before: a.text, after: b.text, why: `levels ${i} -> ${i + 1}`, span: b.span });
    }
  }
  for (const r of policy.rules) {
    if (r.before.text === r.after.text) throw inputError('schema', `the policy is cyclic: \`${r.before.text}\` before itself`, r.span);
    step({ before: r.before.text, after: r.after.text, why: `rule "${r.before.text} before ${r.after.text}"`, span: r.span });
  }

  // Cycle check: DFS with colours; the back edge closes the reported cycle.
  const colour = new Map<string, 1 | 2>();
  const trail: OrderReason[] = [];
  const visit = (p: string): void => {
    colour.set(p, 1);
    for (const r of steps.get(p) ?? []) {
      const c = colour.get(r.after);
      if (c === 1) {
        const start = trail.findIndex((t) => t.before === r.after);
        const cycle = [...trail.slice(start < 0 ? trail.length : start), r];
        throw new LockdepSimError([
          {
            code: 'schema',
            message: `the policy is cyclic: ${cycle.map((x) => x.before).join(' -> ')} -> ${r.after}: ${describeCycle(cycle)}`,
            span: r.span,
            hint: 'drop one of these rules, or move a lock to another level',
          },
        ]);
      }
      if (c === 2) continue;
      trail.push(r);
      visit(r.after);
      trail.pop();
    }
    colour.set(p, 2);
  };
  for (const p of [...locks.keys()].sort(cmp)) if (!colour.has(p)) visit(p);

  const after = new Map<string, Set<string>>();
  const closure = (p: string): Set<string> => {
    const have = after.get(p);
    if (have) return have;
    const s = new Set<string>();
    after.set(p, s);
    for (const r of steps.get(p) ?? []) {
      s.add(r.after);
      for (const x of closure(r.after)) s.add(x);
    }
    return s;
  };
  for (const p of locks.keys()) closure(p);
  return { policy, locks: [...locks.values()], steps, after };
}

/** Is `a` declared before `b` (directly or transitively)? */
export function declaredBefore(cp: CompiledPolicy, a: string, b: string): boolean {
  return cp.after.get(a)?.has(b) ?? false;
}

/** The chain of declarations that puts `a` before `b` (shortest), for messages. */
export function orderReasons(cp: CompiledPolicy, a: string, b: string): OrderReason[] {
  const prev = new Map<string, OrderReason>();
  const queue = [a];
  const seen = new Set([a]);
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    for (const r of cp.steps.get(p) ?? []) {
      if (seen.has(r.after)) continue;
      seen.add(r.after);
      prev.set(r.after, r);
      if (r.after === b) {
        const out: OrderReason[] = [];
        for (let x: string = b; x !== a; ) {
          const st = prev.get(x)!;
          out.push(st);
          x = st.before;
        }
        return out.reverse();
      }
      queue.push(r.after);
    }
  }
  return [];
}

/**
 * The policy lock that governs a class: the most specific matching pattern (exact `name#N/S` first),
 * the first declared among equally specific ones. Undefined when the policy does not mention it.
 */
export function policyLockOf(cp: CompiledPolicy, cls: string): PolicyLock | undefined {
  const c = parseClassName(cls);
  let best: PolicyLock | undefined;
  for (const l of cp.locks) {
    if (!matchesClass(l.parsed, c)) continue;
    if (!best || specificity(l.parsed) > specificity(best.parsed)) best = l;
  }
  return best;
}

/** Does a written name match a class? */
export function nameMatches(pattern: string, cls: string): boolean {
  return matchesClass(parseClassName(pattern), parseClassName(cls));
}
