// W4: synthetic large graphs. 10,000 classes and 100,000 dependencies added in random order that agree
// with a hidden global order (acyclic), then dependencies that agree with the order the validator
// maintains, then cycles; deep held stacks (48). Prints the amortized cost of adding a dependency and
// checking it for a cycle. Deterministic (seeded LCG).
//
// A dependency costs four events (acquire a, acquire b, release b, release a), fed through the same
// streaming fast path as `import trace` (ReplaySession.acquire/release on resolved instances). Run
// with --expose-gc (the bench does), a full collection runs before each timed phase, so that the
// garbage of one phase (or of choosing the next phase's pairs) is not billed to the next.
//
//   node bench/w4-graph.mjs [--classes 10000] [--deps 100000] [--cycles 100] [--json]
import { ReplaySession, profileOf } from '../dist/validator/replay.js';

export function runW4({ classes = 10000, deps = 100000, agree = 50000, cycles = 100, deep = 200, seed = 1, phase = () => {} } = {}) {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const span = { file: 'w4', line: 1, col: 1 };
  const f = { symbol: 'w4_fn', offset: 0x10, size: 0x100 };
  const stack = [f];
  const decls = Array.from({ length: classes }, (_, i) => ({ id: `C${i}`, name: `C${i}`, kind: 'spinlock', novalidate: false, span }));
  const session = new ReplaySession('w4', profileOf('6.1.192 #2'), decls, { stopAfterFirst: false });
  const task = session.addTask({ name: 'w4', pid: 1, cpu: 0, steps: [], span });
  const inst = new Array(classes);
  const lock = (i) => (inst[i] ??= session.instance({ lock: `C${i}`, instance: 0 }));
  const acq = (i) => session.acquire(task, lock(i), 0, false, 0, true, false, f, stack, span);
  const rel = (i) => session.release(task, lock(i), f, stack, span);
  const pair = (a, b) => {
    acq(a);
    acq(b);
    rel(b);
    rel(a);
  };
  // hidden order: a random permutation
  const perm = Array.from({ length: classes }, (_, i) => i);
  for (let i = classes - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const engine = session.engine;
  const settle = () => globalThis.gc?.();
  settle();
  const t0 = process.hrtime.bigint();
  let added = 0;
  for (let k = 0; k < deps; k++) {
    let a = Math.floor(rnd() * classes);
    let b = Math.floor(rnd() * classes);
    if (a === b) continue;
    if (perm[a] > perm[b]) [a, b] = [b, a];
    pair(a, b);
    added++;
  }
  const t1a = process.hrtime.bigint();
  // Dependencies that agree with the order the validator maintains (the common case in real code):
  // new ones (not in the graph yet), chosen before timing.
  const byId = new Map(engine.classes.map((c) => [c.decl.id, c]));
  const cls = (i) => byId.get(`C${i}`);
  const agreeing = [];
  const chosen = new Set();
  while (agreeing.length < 2 * agree) {
    let a = Math.floor(rnd() * classes);
    let b = Math.floor(rnd() * classes);
    if (a === b || !cls(a) || !cls(b)) continue;
    if (cls(a).ord > cls(b).ord) [a, b] = [b, a];
    if (engine.graph.find(cls(a), cls(b)) || chosen.has(a * classes + b)) continue;
    chosen.add(a * classes + b);
    agreeing.push(a, b);
  }
  const depsBefore = engine.graph.size;
  settle();
  phase('agreeing');
  const t1b = process.hrtime.bigint();
  for (let k = 0; k < agreeing.length; k += 2) pair(agreeing[k], agreeing[k + 1]);
  const t1 = process.hrtime.bigint();
  phase('repeat');
  const agreedAdded = engine.graph.size - depsBefore;
  // The same pairs again: every chain is cached now (the cost of the four events alone).
  settle();
  const t1c = process.hrtime.bigint();
  for (let k = 0; k < agreeing.length; k += 2) pair(agreeing[k], agreeing[k + 1]);
  const t1d = process.hrtime.bigint();
  phase('repeat-end');
  const findingsBefore = engine.findings.length;
  settle();
  const t1e = process.hrtime.bigint();
  for (let k = 0; k < cycles; k++) {
    let a = Math.floor(rnd() * classes);
    let b = Math.floor(rnd() * classes);
    if (a === b) continue;
    if (perm[a] < perm[b]) [a, b] = [b, a];
    pair(a, b);
  }
  const t2 = process.hrtime.bigint();
  const cycleFindings = engine.findings.length - findingsBefore;
  // deep held stacks: 47 nested locks along the hidden order, repeatedly
  const sorted = [...perm.keys()].sort((x, y) => perm[x] - perm[y]);
  for (let r = 0; r < deep; r++) {
    const start = Math.floor(rnd() * (classes - 48));
    for (let i = 0; i < 47; i++) acq(sorted[start + i]);
    for (let i = 46; i >= 0; i--) rel(sorted[start + i]);
  }
  const t3 = process.hrtime.bigint();
  const r = session.finish(undefined, { countDeps: false });
  const us = (a, b, n) => Number(b - a) / 1e3 / n;
  return {
    classes,
    dependencies: r.stats.dependencies,
    acyclicUsPerDep: us(t0, t1a, added),
    agreeingUsPerDep: us(t1b, t1, agreeing.length / 2),
    agreeingDeps: agreeing.length / 2,
    agreeingAdded: agreedAdded,
    repeatUsPerPair: us(t1c, t1d, agreeing.length / 2),
    cycleChecks: cycles,
    cycleUsPerDep: us(t1e, t2, cycles),
    cycleFindings,
    deepStacks: deep,
    deepStackMsEach: Number(t3 - t2) / 1e6 / deep,
    circularFindings: r.findings.filter((x) => x.kind === 'circular').length,
    chainHitRate: r.stats.chainHits / (r.stats.chainHits + r.stats.chainMisses),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : def;
  };
  const r = runW4({ classes: arg('--classes', 10000), deps: arg('--deps', 100000), cycles: arg('--cycles', 100) });
  console.log(process.argv.includes('--json') ? JSON.stringify(r) : r);
}
