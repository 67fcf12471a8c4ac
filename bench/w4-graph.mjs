// W4: synthetic large graphs. 10,000 classes and 100,000 dependencies added in random order that agree
// with a hidden global order (acyclic), then cycles added; deep held stacks (48). Prints the amortized
// cost of adding a dependency and checking it for a cycle. Deterministic (seeded LCG).
import { ReplaySession, profileOf } from '../dist/validator/replay.js';

export function runW4({ classes = 10000, deps = 100000, cycles = 100, seed = 1 } = {}) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const span = { file: 'w4', line: 1, col: 1 };
  const f = { symbol: 'w4_fn', offset: 0x10, size: 0x100 };
  const decls = Array.from({ length: classes }, (_, i) => ({ id: `C${i}`, name: `C${i}`, kind: 'spinlock', novalidate: false, span }));
  const session = new ReplaySession('w4', profileOf('6.1.192 #2'), decls, { stopAfterFirst: false });
  const task = session.addTask({ name: 'w4', pid: 1, cpu: 0, steps: [], span });
  const acq = decls.map((d) => ({ op: 'acquire', ref: { lock: d.id, instance: 0 }, read: 0, trylock: false, subclass: 0, check: true, ip: f, stack: [f], span }));
  const rel = decls.map((d) => ({ op: 'release', ref: { lock: d.id, instance: 0 }, ip: f, stack: [f], span }));
  // hidden order: a random permutation
  const perm = Array.from({ length: classes }, (_, i) => i);
  for (let i = classes - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const t0 = process.hrtime.bigint();
  let added = 0;
  for (let k = 0; k < deps; k++) {
    let a = Math.floor(rnd() * classes);
    let b = Math.floor(rnd() * classes);
    if (a === b) continue;
    if (perm[a] > perm[b]) [a, b] = [b, a];
    session.step(task, acq[a]);
    session.step(task, acq[b]);
    session.step(task, rel[b]);
    session.step(task, rel[a]);
    added++;
  }
  const t1a = process.hrtime.bigint();
  // Dependencies that agree with the order the validator maintains (the common case in real code).
  const engine = session.engine;
  const clsOf = (i) => engine.classes.find((c) => c.decl.id === `C${i}`);
  const byId = decls.map((_, i) => clsOf(i));
  const agreeing = [];
  while (agreeing.length < Math.min(50000, deps / 2)) {
    let a = Math.floor(rnd() * classes);
    let b = Math.floor(rnd() * classes);
    if (a === b || !byId[a] || !byId[b]) continue;
    if (byId[a].ord > byId[b].ord) [a, b] = [b, a];
    if (engine.graph.find(byId[a], byId[b])) continue;
    agreeing.push([a, b]);
  }
  const t1b = process.hrtime.bigint();
  for (const [a, b] of agreeing) {
    session.step(task, acq[a]);
    session.step(task, acq[b]);
    session.step(task, rel[b]);
    session.step(task, rel[a]);
  }
  const t1 = process.hrtime.bigint();
  if (process.env.W4_DEBUG) console.error("acyclic after phase 1:", session.engine.graph.topo.acyclic, "findings", session.engine.findings.length);
  for (let k = 0; k < cycles; k++) {
    let a = Math.floor(rnd() * classes);
    let b = Math.floor(rnd() * classes);
    if (a === b) continue;
    if (perm[a] < perm[b]) [a, b] = [b, a];
    session.step(task, acq[a]);
    session.step(task, acq[b]);
    session.step(task, rel[b]);
    session.step(task, rel[a]);
  }
  const t2 = process.hrtime.bigint();
  if (process.env.W4_DEBUG) console.error("acyclic after phase 2:", session.engine.graph.topo.acyclic, "findings", session.engine.findings.length);
  // deep held stacks: 48 nested locks along the hidden order, repeatedly
  const sorted = [...perm.keys()].sort((x, y) => perm[x] - perm[y]);
  for (let r = 0; r < 200; r++) {
    const start = Math.floor(rnd() * (classes - 48));
    for (let i = 0; i < 47; i++) session.step(task, acq[sorted[start + i]]);
    for (let i = 46; i >= 0; i--) session.step(task, rel[sorted[start + i]]);
  }
  const t3 = process.hrtime.bigint();
  const r = session.finish(undefined, { countDeps: false });
  return {
    classes,
    dependencies: r.stats.dependencies,
    acyclicUsPerDep: Number(t1a - t0) / 1e3 / added,
    agreeingUsPerDep: Number(t1 - t1b) / 1e3 / agreeing.length,
    agreeingDeps: agreeing.length,
    cycleChecks: cycles,
    cycleMsTotal: Number(t2 - t1) / 1e6,
    circularFindings: r.findings.filter((x) => x.kind === 'circular').length,
    deepStacksMs: Number(t3 - t2) / 1e6,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(runW4());
