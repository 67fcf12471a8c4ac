/**
 * Why a cycle cannot deadlock, in words. Each task's program is walked on its own along every
 * path (every trylock both succeeding and failing), which lists every *wait point*: a blocking
 * acquisition (or a retrying trylock) together with the locks held at that moment. A deadlock is
 * a circle of wait points of different tasks, each waiting for an object the next one holds (or
 * for a reader-blocking writer queued ahead of it). The circles of wait points that could ever
 * coexist are a superset of the real deadlocks, so when none exists, or each one needs two tasks
 * to hold the same exclusive lock at once (a *gate*), the cycle is refuted outright, whatever
 * the interleaving. Otherwise the search has the last word, and the reason (if any) comes from
 * what it saw: the tasks that could close the circle never overlap.
 *
 * Rules, tried in order, when no circle of wait points exists:
 *   one-task   every nested acquisition of the cycle's locks is in one task
 *   trylock    circles appear only if some trylocks could wait (they fail instead)
 *   readers    circles appear only if readers excluded each other (they share)
 *   instances  circles appear only if objects of one class were the same object
 * and when circles exist:
 *   gate       every circle has two tasks holding the same exclusive lock (named)
 */
import { conflicts, type Compiled, type Mode, type OnFail } from './program.js';

/** A held lock as the static walk sees it. */
interface HeldLock {
  inst: number;
  mode: Mode;
  depth: number;
}

/** A task at an acquisition, with what it holds. */
export interface WaitPoint {
  index: number;
  task: number;
  /** Index into TaskDef.steps. */
  step: number;
  inst: number;
  mode: Mode;
  trylock: boolean;
  onFail: OnFail;
  held: readonly HeldLock[];
}

/** Per task, at most this many (position, held locks) pairs are walked. */
const MAX_WALK = 200_000;

/**
 * Every (acquisition, held locks) pair a task can reach, along every path of its program.
 * `complete` is false when a task had more than MAX_WALK such pairs (then nothing is proved).
 */
export function waitPoints(c: Compiled): { points: WaitPoint[]; complete: boolean } {
  const out: WaitPoint[] = [];
  let complete = true;
  for (const p of c.programs) {
    const len = p.ops.length;
    const seen = new Set<string>();
    const todo: { idx: number; held: HeldLock[] }[] = [{ idx: 0, held: [] }];
    while (todo.length) {
      const { idx, held } = todo.pop()!;
      if (idx >= len) {
        if (p.repeat > 1) todo.push({ idx: 0, held });
        continue;
      }
      const key = `${idx}/${held.map((h) => `${h.inst}.${h.mode}.${h.depth}`).join(',')}`;
      if (seen.has(key)) continue;
      if (seen.size >= MAX_WALK) {
        complete = false;
        break;
      }
      seen.add(key);
      const op = p.ops[idx]!;
      switch (op.kind) {
        case 'acquire': {
          out.push({ index: out.length, task: p.task, step: idx, inst: op.inst, mode: op.mode, trylock: op.trylock, onFail: op.onFail, held });
          // Held by the task itself in a conflicting mode: it can never get it (a trylock fails,
          // anything else waits for ever).
          const selfBlocked = held.some((h) => h.inst === op.inst && conflicts(c.instances[op.inst]!, op.mode, h.mode));
          if (!selfBlocked) todo.push({ idx: idx + 1, held: [...held, { inst: op.inst, mode: op.mode, depth: p.depth[idx]! }] });
          if (op.trylock && op.onFail === 'give-up') todo.push({ idx: op.skipTo, held });
          if (op.trylock && op.onFail === 'restart') todo.push({ idx: 0, held: [] });
          break;
        }
        case 'release': {
          const i = held.map((h) => h.inst).lastIndexOf(op.inst);
          todo.push({ idx: idx + 1, held: i < 0 ? held : [...held.slice(0, i), ...held.slice(i + 1)] });
          break;
        }
        case 'downgrade':
          todo.push({ idx: idx + 1, held: held.map((h) => (h.inst === op.inst && h.mode === 0 ? { ...h, mode: 1 } : h)) });
          break;
        case 'irq-exit':
          todo.push({ idx: idx + 1, held: held.filter((h) => h.depth < p.depth[idx]!) });
          break;
        default:
          todo.push({ idx: idx + 1, held });
      }
    }
  }
  out.sort((a, b) => a.task - b.task || a.step - b.step || a.held.length - b.held.length);
  out.forEach((w, i) => (w.index = i));
  return { points: out, complete };
}

/** Relaxations used to tell *which* rule keeps circles from forming. */
interface Relax {
  trylocksWait?: boolean;
  readersExclusive?: boolean;
  byClass?: boolean;
}

/** A circle of wait points of distinct tasks (indices into the wait-point list). */
export type Circle = number[];

const MAX_CIRCLES = 5000;

/**
 * Circles of wait points on objects of the classes `decls`: wait point a -> b when b's task
 * holds a's object in a conflicting mode, or (a reads in mode 1) b is a writer that queues on it.
 */
export function circles(c: Compiled, points: readonly WaitPoint[], decls: ReadonlySet<string>, relax: Relax = {}): { circles: Circle[]; truncated: boolean } {
  const inK = (inst: number) => decls.has(c.instances[inst]!.decl.id);
  const same = (a: number, b: number) => (relax.byClass ? c.instances[a]!.decl.id === c.instances[b]!.decl.id : a === b);
  const mode = (m: Mode): Mode => (relax.readersExclusive ? 0 : m);
  const nodes = points.filter((w) => inK(w.inst) && (!w.trylock || w.onFail === 'retry' || relax.trylocksWait));
  const blocks = (a: WaitPoint, b: WaitPoint): boolean => {
    if (b.held.some((h) => same(h.inst, a.inst) && conflicts(c.instances[a.inst]!, mode(a.mode), mode(h.mode)))) return true;
    return a.task !== b.task && mode(a.mode) === 1 && b.mode === 0 && !b.trylock && same(b.inst, a.inst) && c.instances[b.inst]!.queues;
  };
  const next = new Map<number, WaitPoint[]>();
  for (const a of nodes) next.set(a.index, nodes.filter((b) => (b.task !== a.task || b.index === a.index) && blocks(a, b)));
  const out: Circle[] = [];
  let truncated = false;
  const path: WaitPoint[] = [];
  const used = new Set<number>();
  const dfs = (start: WaitPoint, u: WaitPoint): void => {
    for (const v of next.get(u.index)!) {
      if (out.length >= MAX_CIRCLES) {
        truncated = true;
        return;
      }
      if (v.index === start.index) out.push(path.map((w) => w.index));
      else if (v.index > start.index && !used.has(v.task)) {
        path.push(v);
        used.add(v.task);
        dfs(start, v);
        used.delete(v.task);
        path.pop();
      }
    }
  };
  for (const s of nodes) {
    path.push(s);
    used.add(s.task);
    dfs(s, s);
    used.delete(s.task);
    path.pop();
  }
  return { circles: out, truncated };
}

/** Why a cycle is refuted. `lock`/`tasks` name what the text talks about. */
export type ReasonKind = 'gate' | 'one-task' | 'trylock' | 'readers' | 'instances' | 'no-wait-circle' | 'no-overlap' | 'no-schedule';

export interface Reason {
  kind: ReasonKind;
  /** One or two sentences. */
  text: string;
  /** The gate lock (kind `gate`), as printed; `locks` when one lock does not cover every way round. */
  lock?: string;
  locks?: string[];
  /** Tasks the reason is about (`comm/pid`). */
  tasks?: string[];
  /** true: holds for every interleaving by the argument above (no search needed). */
  proof: boolean;
}

/** What the static analysis concluded for one cycle. */
export interface StaticVerdict {
  reason?: Reason;
  /** Circles of wait points that could close the cycle (when no static reason applies). */
  circles: Circle[];
  points: readonly WaitPoint[];
}

export interface Naming {
  task(t: number): string;
  inst(i: number): string;
  cls(declId: string): string;
}

function list(xs: readonly string[]): string {
  const u = [...new Set(xs)];
  return u.length <= 1 ? (u[0] ?? '') : `${u.slice(0, -1).join(', ')} and ${u[u.length - 1]}`;
}

function modeWord(m: Mode): string {
  return m === 0 ? 'lock' : m === 1 ? 'read' : 'recursive read';
}

/**
 * The static argument for a cycle over classes `decls` (see the rules in the header).
 * `kind` is the finding's kind: a recursive finding is a cycle of one class.
 */
export function staticVerdict(c: Compiled, points: readonly WaitPoint[], decls: ReadonlySet<string>, kind: 'circular' | 'recursive', n: Naming): StaticVerdict {
  const inK = (inst: number) => decls.has(c.instances[inst]!.decl.id);
  const found = circles(c, points, decls);
  const classes = list([...decls].map((d) => n.cls(d)));
  if (found.truncated) return { circles: found.circles, points };
  if (found.circles.length === 0) {
    const nested = points.filter((w) => inK(w.inst) && w.held.some((h) => inK(h.inst)));
    const nestedTasks = [...new Set(nested.map((w) => w.task))];
    if (kind === 'recursive' && nested.length > 0 && nested.every((w) => !w.held.some((h) => h.inst === w.inst))) {
      const w = nested[0]!;
      const h = w.held.find((x) => inK(x.inst))!;
      const text =
        `${n.task(w.task)} takes ${n.inst(w.inst)} while holding ${n.inst(h.inst)}: two different objects of one class, ` +
        `and no other task can wait for them in the opposite order (lockdep only sees the class).`;
      return { reason: { kind: 'instances', text, tasks: [n.task(w.task)], proof: true }, circles: [], points };
    }
    if (nestedTasks.length <= 1) {
      const who = nestedTasks.length ? n.task(nestedTasks[0]!) : undefined;
      const text = who
        ? `All edges of the cycle come from one task, ${who}: it never waits for itself, and no other task holds one of ${classes} while waiting for another.`
        : `No task holds one of ${classes} while waiting for another.`;
      return { reason: { kind: 'one-task', text, ...(who ? { tasks: [who] } : {}), proof: true }, circles: [], points };
    }
    const viaTry = circles(c, points, decls, { trylocksWait: true });
    if (viaTry.circles.length) {
      const tries = [...new Set(viaTry.circles.flat())].map((i) => points[i]!).filter((w) => w.trylock);
      const text =
        `${list(tries.map((w) => `${n.task(w.task)} takes ${n.inst(w.inst)} with a trylock (on_fail: ${w.onFail})`))}: ` +
        `a trylock that fails does not wait, so it can never close the cycle.`;
      return { reason: { kind: 'trylock', text, tasks: [...new Set(tries.map((w) => n.task(w.task)))], proof: true }, circles: [], points };
    }
    const viaRead = circles(c, points, decls, { readersExclusive: true });
    if (viaRead.circles.length) {
      const reads = [...new Set(viaRead.circles.flat())].map((i) => points[i]!).filter((w) => w.mode !== 0);
      const seq = [...new Set(viaRead.circles.flat())].map((i) => points[i]!).filter((w) => c.instances[w.inst]!.writerIgnoresReaders);
      const text =
        `The cycle only closes through read acquisitions (${list(reads.map((w) => `${n.task(w.task)}: ${n.inst(w.inst)}`))}), ` +
        `and readers share the lock: no writer can hold or queue on it in a way that makes them wait for each other` +
        (seq.length ? ` (and a seqcount writer, ${list(seq.map((w) => `${n.task(w.task)}: ${n.inst(w.inst)}`))}, never waits for readers: they retry).` : '.');
      return { reason: { kind: 'readers', text, tasks: [...new Set(reads.map((w) => n.task(w.task)))], proof: true }, circles: [], points };
    }
    const viaClass = circles(c, points, decls, { byClass: true });
    if (viaClass.circles.length) {
      const per = [...decls].map((d) => {
        const uses = new Map<string, Set<string>>();
        for (const w of points) {
          if (c.instances[w.inst]!.decl.id !== d) continue;
          const k = n.task(w.task);
          if (!uses.has(k)) uses.set(k, new Set());
          uses.get(k)!.add(n.inst(w.inst));
        }
        return uses;
      });
      const detail = per
        .filter((u) => new Set([...u.values()].map((s) => [...s].sort().join())).size > 1)
        .flatMap((u) => [...u].map(([t, s]) => `${t} uses ${list([...s].sort())}`));
      const text =
        `The tasks use different objects of the same class${detail.length ? ` (${detail.join('; ')})` : ''}: ` +
        `lockdep merges them into one class, but no task waits for an object another task holds.`;
      return { reason: { kind: 'instances', text, tasks: [...new Set(viaClass.circles.flat().map((i) => n.task(points[i]!.task)))], proof: true }, circles: [], points };
    }
    const text = `No two tasks can wait for each other on ${classes}.`;
    return { reason: { kind: 'no-wait-circle', text, proof: true }, circles: [], points };
  }

  // Circles exist: does each one need two of its tasks to hold the same lock in conflicting
  // modes (at least one exclusively) at the same time? Then none can ever close.
  const holdOf = (i: number, g: number) => points[i]!.held.find((h) => h.inst === g);
  const gatesOf = (cir: Circle): number[] => {
    const out: number[] = [];
    const insts = new Set(cir.flatMap((i) => points[i]!.held.map((h) => h.inst)));
    for (const g of insts) {
      const modes = cir.map((i) => holdOf(i, g)?.mode).filter((m): m is Mode => m !== undefined);
      // Two holds that cannot coexist: whichever came second would have had to wait.
      const inst = c.instances[g]!;
      const exclusive = modes.some((a, i) => modes.some((b, j) => j > i && conflicts(inst, a, b) && conflicts(inst, b, a)));
      if (exclusive) out.push(g);
    }
    // Gates outside the cycle first (that is the explanation people look for), then by object.
    return out.sort((a, b) => Number(inK(a)) - Number(inK(b)) || a - b);
  };
  const perCircle = found.circles.map(gatesOf);
  if (perCircle.every((g) => g.length > 0)) {
    // A small set of gates that covers every circle (greedy), one lock when one does.
    const chosen: number[] = [];
    let open = perCircle.map((_, i) => i);
    while (open.length) {
      const count = new Map<number, number>();
      for (const i of open) for (const g of perCircle[i]!) count.set(g, (count.get(g) ?? 0) + 1);
      const g = [...count].sort((a, b) => b[1] - a[1] || Number(inK(a[0])) - Number(inK(b[0])) || a[0] - b[0])[0]![0];
      chosen.push(g);
      open = open.filter((i) => !perCircle[i]!.includes(g));
    }
    const holders = (g: number) => [...new Set(found.circles.flatMap((cir) => cir.filter((i) => holdOf(i, g)).map((i) => points[i]!.task)))];
    const how = (g: number) =>
      holders(g).map((t) => {
        const acq = points.find((w) => w.task === t && w.inst === g);
        const by = acq?.trylock ? `trylock, on_fail: ${acq.onFail}` : acq && acq.mode !== 0 ? modeWord(acq.mode) : 'lock';
        return `${n.task(t)} (${by})`;
      });
    const tasks = [...new Set(chosen.flatMap(holders))].map((t) => n.task(t));
    const text =
      chosen.length === 1
        ? `${n.inst(chosen[0]!)} is held on every edge that could close the cycle, by ${list(how(chosen[0]!))}: ` +
          `only one of them can hold it at a time, so they never wait for each other.`
        : `Every way to close the cycle needs two tasks to hold one of ${list(chosen.map((g) => n.inst(g)))} at the same time ` +
          `(${chosen.map((g) => `${n.inst(g)}: ${list(how(g))}`).join('; ')}), which they cannot.`;
    const reason: Reason = { kind: 'gate', text, lock: n.inst(chosen[0]!), tasks, proof: true };
    if (chosen.length > 1) reason.locks = chosen.map((g) => n.inst(g));
    return { reason, circles: found.circles, points };
  }
  return { circles: found.circles, points };
}

/**
 * The tasks of a circle that must hold a lock of the cycle at the same time for it to close (a
 * queued writer that holds none of them is not counted), as a bit mask.
 */
export function circleMask(c: Compiled, points: readonly WaitPoint[], decls: ReadonlySet<string>, circle: Circle): number {
  let m = 0;
  for (const i of circle) {
    const w = points[i]!;
    if (w.held.some((h) => decls.has(c.instances[h.inst]!.decl.id)) && w.task < 31) m |= 1 << w.task;
  }
  return m;
}

/** The reason when the search saw every state and no deadlock (no static rule applied). */
export function dynamicReason(c: Compiled, sv: StaticVerdict, decls: ReadonlySet<string>, seen: ReadonlySet<number>, states: number, n: Naming): Reason {
  const masks = sv.circles.map((cir) => circleMask(c, sv.points, decls, cir));
  const overlaps = masks.some((m) => [...seen].some((s) => (s & m) === m));
  const multi = sv.circles.every((cir) => new Set(cir.map((i) => sv.points[i]!.task)).size > 1);
  if (!overlaps && masks.length && multi) {
    const tasks = [...new Set(sv.circles.flatMap((cir) => cir.map((i) => sv.points[i]!.task)))].sort((a, b) => a - b).map((t) => n.task(t));
    return {
      kind: 'no-overlap',
      text: `The tasks that could close it (${list(tasks)}) never hold locks of the cycle at the same time, in any interleaving: their order keeps them apart.`,
      tasks,
      proof: false,
    };
  }
  return { kind: 'no-schedule', text: `No interleaving closes it (all ${states} states of the scenario searched).`, proof: false };
}

