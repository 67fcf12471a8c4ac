/**
 * The teaching page's data model: a replay's timeline (Report.timeline) cut into one frame per
 * scenario step, with everything the page shows precomputed: step labels and call paths, held-lock
 * stacks (each entry knowing the step that took it), chain keys and cache hits, dependencies,
 * cycle searches, usage bits, the laid-out dependency graph, and each report's splat text with
 * its parts linked to the steps they come from. Pure: Scenario + Report → plain data (embedded
 * in the page as JSON; the client only reads it).
 */
import type { ExploreResult } from '../explore/explore.js';
import type { ChainEntryDesc, DepKind, Finding, HeldLockDesc, Report } from '../model/findings.js';
import { formatFrame } from '../model/frame.js';
import type { Scenario, Step } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import { renderFinding, type TextContext } from '../reporters/text/index.js';
import { chainKey } from './chain-key.js';
import { layoutGraph } from './graph-layout.js';
import { exploreInfo, pageVerdict, type PageExploreInfo, type PageVerdict } from './page-explore.js';
import { classNames, stepAt, stepLabel, stepPath } from './step-label.js';

export interface PageStep {
  op: Step['op'];
  /** e.g. `read cpu_hotplug_lock.rw_sem`, `local_irq_disable()`. */
  label: string;
  /** Call path, outermost first. */
  path: string[];
  /** `sym+0x1a/0x80` of the acquire/release ip, when the step has one. */
  at?: string;
  /** Scenario line of the step. */
  line: number;
  /** Global frame index where the step ran (-1: it never ran). */
  frame: number;
}

export interface PageTask {
  /** comm, or comm/pid when two tasks share a comm. */
  label: string;
  name: string;
  pid: number;
  cpu: number;
  steps: PageStep[];
}

export interface PageClass {
  name: string;
  /** Frame where the class is first seen (registered). */
  first: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageEdge {
  from: number;
  to: number;
  /** Frame that recorded the dependency (-1: never recorded, only attempted). */
  added: number;
  /** Frame of the first report that tried (and refused) to add it (-1: none). */
  attempted: number;
  /** `task#step` of the recording step, for the edge label. */
  by: string;
  /** `task#step` of the step whose report refused it ('' when never refused). */
  refusedBy: string;
  points: [number, number][];
  labelX: number;
  labelY: number;
  /** A self-dependency (recursive locking): drawn as a loop from points[0] to points[1]. */
  self?: boolean;
}

export interface PageHeld {
  cls: number;
  read: 0 | 1 | 2;
  /** `at:` of the acquisition. */
  at: string;
  instance: string;
  /** Frame where this entry was pushed. */
  since: number;
}

export interface PageBfs {
  purpose: 'circular' | 'irq' | 'redundant';
  root: number;
  visited: number[];
  /** Root first, when a target was found. */
  path?: number[];
}

export interface PageNote {
  tone: 'info' | 'hit' | 'miss' | 'dep' | 'seen' | 'bfs' | 'cycle' | 'usage' | 'report';
  text: string;
}

export interface PageFrame {
  task: number;
  step: number;
  /** The task's held-lock stack after the step (bottom first). */
  held: PageHeld[];
  /** The task's execution context after the step, e.g. `process · hardirqs off`, `in hardirq handler · hardirqs off`. */
  ctx: string;
  chain?: { classes: number[]; hit: boolean; key: string };
  deps: { edge: number; kinds: DepKind[]; added: boolean }[];
  bfs: PageBfs[];
  usage: { cls: number; bit: string; usage: string }[];
  findings: number[];
  /** What happened, in sentences (also read out by screen readers). */
  notes: PageNote[];
}

export interface SplatLink {
  frame: number;
  /** Edge to highlight (the dependency this part of the splat is about). */
  edge?: number;
  /** What the link shows, for its accessible name. */
  what: string;
}

export interface PageFinding {
  kind: Finding['kind'];
  /** The splat's headline, e.g. `possible circular locking dependency detected`. */
  title: string;
  frame: number;
  lines: { text: string; link?: SplatLink }[];
  /** Classes and edges of the cycle (circular / recursive reports). */
  cycle?: { classes: number[]; edges: number[] };
  /** The interleaving explorer's verdict on the cycle (when it ran). */
  explore?: PageVerdict;
}

export interface PageData {
  version: 1;
  title: string;
  /** One line on what the scenario shows (shown before the first step). */
  description?: string;
  file: string;
  kernel: string;
  era: 'v5.1' | 'modern';
  tasks: PageTask[];
  classes: PageClass[];
  edges: PageEdge[];
  graph: { width: number; height: number };
  frames: PageFrame[];
  findings: PageFinding[];
  /** Present when the interleaving explorer ran for the page (its search figures). */
  explore?: PageExploreInfo;
}

export interface PageDataOptions {
  /** Text-report context (kernel profile, taint, frames) for the splats. */
  text: TextContext;
  /** Page title (default: the scenario's file name). */
  title?: string;
  /** One line on what the scenario shows. */
  description?: string;
  /**
   * The interleaving explorer's results for this scenario and report (exploreReport(); one per
   * circular or recursive finding): each report shows its verdict, and a confirmed one its
   * schedule. Absent: the explorer did not run (the page says so next to a cycle).
   */
  explore?: readonly ExploreResult[];
}

const sameSpan = (a: SourceSpan | undefined, b: SourceSpan) => !!a && a.file === b.file && a.line === b.line && a.col === b.col;

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** IRQ context of a task as its steps run (local_irq_*, local_bh_*, handlers). */
class IrqContext {
  private hardOff = false;
  private bhDepth = 0;
  private handlers: ('hardirq' | 'softirq')[] = [];

  apply(s: Step): void {
    switch (s.op) {
      case 'irqoff':
        this.hardOff = true;
        break;
      case 'irqon':
        this.hardOff = false;
        break;
      case 'bhoff':
        this.bhDepth++;
        break;
      case 'bhon':
        this.bhDepth = Math.max(0, this.bhDepth - 1);
        break;
      case 'irq-enter':
        this.handlers.push(s.context);
        break;
      case 'irq-exit':
        this.handlers.pop();
        break;
      default:
    }
  }

  describe(): string {
    const top = this.handlers[this.handlers.length - 1];
    const parts = [top ? `in ${top} handler` : 'process'];
    if (this.hardOff || top === 'hardirq') parts.push('hardirqs off');
    else if (this.bhDepth > 0 || top === 'softirq') parts.push('softirqs off');
    else parts.push('irqs on');
    return parts.join(' · ');
  }
}

function findingTitle(splat: string, kind: string): string {
  for (const line of splat.split('\n')) {
    const m = /^(?:WARNING|BUG|INFO): (.*?)\s*$/.exec(line);
    if (m) return m[1]!;
  }
  return kind;
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : w.endsWith('s') ? 'es' : 's'}`;
}

/** Builds the page model. The report must carry a timeline (replay with `timeline: true`). */
export function buildPageData(scenario: Scenario, report: Report, opts: PageDataOptions): PageData {
  const timeline = report.timeline;
  if (!timeline) throw new Error('buildPageData: the report has no timeline (replay with { timeline: true })');
  const profile = opts.text.profile;
  const modern = profile.era === 'modern';
  const names = classNames(scenario);
  const novalidate = new Set(scenario.classes.filter((c) => c.novalidate).map((c) => c.id));

  // ---- Tasks and their steps.
  const comms = new Map<string, number>();
  for (const t of scenario.tasks) comms.set(t.name, (comms.get(t.name) ?? 0) + 1);
  const tasks: PageTask[] = scenario.tasks.map((t) => ({
    label: (comms.get(t.name) ?? 0) > 1 ? `${t.name}/${t.pid}` : t.name,
    name: t.name,
    pid: t.pid,
    cpu: t.cpu,
    steps: t.steps.map((s) => {
      const at = stepAt(s);
      return { op: s.op, label: stepLabel(s, names), path: stepPath(s), ...(at ? { at } : {}), line: s.span.line, frame: -1 };
    }),
  }));

  // ---- Classes, in registration order (plus any name only the timeline knows).
  const classIdx = new Map<string, number>();
  const classList: { name: string; first: number }[] = [];
  const cls = (name: string, frame: number): number => {
    let i = classIdx.get(name);
    if (i === undefined) {
      i = classList.length;
      classIdx.set(name, i);
      classList.push({ name, first: frame });
    } else if (classList[i]!.first < 0 || classList[i]!.first > frame) classList[i]!.first = frame;
    return i;
  };
  for (const c of report.classes) {
    classIdx.set(c.name, classList.length);
    classList.push({ name: c.name, first: -1 });
  }

  // ---- Edges (recorded dependencies, and the ones reports refused).
  const edgeIdx = new Map<string, number>();
  const edgeList: PageEdgeDraft[] = [];
  const edge = (from: number, to: number): number => {
    const key = `${from}>${to}`;
    let i = edgeIdx.get(key);
    if (i === undefined) {
      i = edgeList.length;
      edgeIdx.set(key, i);
      edgeList.push({ from, to, added: -1, attempted: -1, by: '', refusedBy: '', kinds: new Set() });
    }
    return i;
  };

  // ---- Frames: one per `step` event.
  const frames: PageFrame[] = [];
  const ctxOf = scenario.tasks.map(() => new IrqContext());
  const heldOf: PageHeld[][] = scenario.tasks.map(() => []);
  const findingFrame = new Map<number, number>();
  /** Held stack of the frame's task before the frame ran. */
  const heldBefore: PageHeld[][] = [];
  let f: PageFrame | undefined;
  let curStep: Step | undefined;
  /** Per frame, its events in the order the validator ran them (for the notes). */
  const orderOf: NoteSource[][] = [];
  for (const e of timeline) {
    if (e.type === 'step') {
      const fi = frames.length;
      const s = scenario.tasks[e.task]?.steps[e.step];
      curStep = s;
      if (s) ctxOf[e.task]!.apply(s);
      const ts = tasks[e.task]?.steps[e.step];
      if (ts && ts.frame < 0) ts.frame = fi;
      heldBefore.push(heldOf[e.task] ?? []);
      f = { task: e.task, step: e.step, held: heldOf[e.task] ?? [], ctx: ctxOf[e.task]?.describe() ?? '', deps: [], bfs: [], usage: [], findings: [], notes: [] };
      frames.push(f);
      orderOf.push([]);
      continue;
    }
    if (!f) continue;
    const fi = frames.length - 1;
    switch (e.type) {
      case 'held': {
        const prev = heldOf[e.task] ?? [];
        const next = e.held.map((h: HeldLockDesc): PageHeld => {
          const c = cls(h.cls.name, fi);
          const old = prev.find((p) => p.instance === h.instance && p.cls === c && p.read === h.read);
          return { cls: c, read: h.read, at: formatFrame(h.ip), instance: h.instance, since: old ? old.since : fi };
        });
        heldOf[e.task] = next;
        f.held = next;
        break;
      }
      case 'chain': {
        const ids = e.chain.map((n) => cls(n, fi));
        // The chain is the top of the held stack before the step plus the lock being taken;
        // from v5.10 each lock's read state is part of its id in the key.
        const before = heldOf[e.task] ?? [];
        const keyIds = ids.map((c, k) => {
          let read = 0;
          if (profile.readInChainKey) {
            const h = k < ids.length - 1 ? before[before.length - (ids.length - 1) + k] : undefined;
            if (h && h.cls === c) read = h.read;
            else if (k === ids.length - 1 && curStep?.op === 'acquire') read = curStep.read;
          }
          return (c + 1) | (read << 13);
        });
        f.chain = { classes: ids, hit: e.hit, key: chainKey(keyIds, modern) };
        orderOf[fi]!.push({ kind: 'chain', i: 0 });
        break;
      }
      case 'dependency': {
        const from = cls(e.from, fi);
        const to = cls(e.to, fi);
        const ei = edge(from, to);
        const ed = edgeList[ei]!;
        if (ed.added < 0) {
          ed.added = fi;
          const t = tasks[f.task];
          ed.by = `${t?.label ?? '?'}#${f.step + 1}`;
        }
        for (const k of e.kinds) ed.kinds.add(k);
        orderOf[fi]!.push({ kind: 'dep', i: f.deps.length });
        f.deps.push({ edge: ei, kinds: [...e.kinds], added: e.added });
        break;
      }
      case 'bfs':
        orderOf[fi]!.push({ kind: 'bfs', i: f.bfs.length });
        f.bfs.push({
          purpose: e.purpose,
          root: cls(e.root, fi),
          visited: e.visited.map((n) => cls(n, fi)),
          ...(e.path ? { path: e.path.map((n) => cls(n, fi)) } : {}),
        });
        break;
      case 'usage':
        orderOf[fi]!.push({ kind: 'usage', i: f.usage.length });
        f.usage.push({ cls: cls(e.cls, fi), bit: e.bit, usage: e.usage });
        break;
      case 'finding':
        orderOf[fi]!.push({ kind: 'finding', i: f.findings.length });
        f.findings.push(e.index);
        findingFrame.set(e.index, fi);
        break;
    }
  }

  // ---- Findings: attempted edges, splats with links.
  const findings: PageFinding[] = [];
  const refuse = (ei: number, fi: number) => {
    const ed = edgeList[ei]!;
    if (ed.attempted >= 0) return;
    ed.attempted = fi;
    const fr = frames[fi];
    ed.refusedBy = fr ? `${tasks[fr.task]?.label ?? '?'}#${fr.step + 1}` : '';
  };
  report.findings.forEach((finding, index) => {
    const fi = findingFrame.get(index) ?? frames.length - 1;
    const splat = renderFinding(finding, opts.text);
    const pf: PageFinding = { kind: finding.kind, title: findingTitle(splat, finding.kind), frame: fi, lines: [] };
    let chainEdges: (number | undefined)[] = [];
    if (finding.kind === 'circular') {
      const prev = cls(finding.prev.cls.name, fi);
      const next = cls(finding.next.cls.name, fi);
      refuse(edge(prev, next), fi);
      chainEdges = finding.chain.map((entry, j) => {
        const fromEntry = finding.chain[(j + 1) % finding.chain.length]!;
        const key = `${cls(fromEntry.cls.name, fi)}>${cls(entry.cls.name, fi)}`;
        return edgeIdx.get(key);
      });
      pf.cycle = {
        classes: finding.chain.map((c) => cls(c.cls.name, fi)).reverse(),
        edges: chainEdges.filter((x): x is number => x !== undefined),
      };
    } else if (finding.kind === 'recursive') {
      const c = cls(finding.next.cls.name, fi);
      const self = edge(c, c);
      refuse(self, fi);
      pf.cycle = { classes: [c], edges: [self] };
    }
    pf.lines = linkSplat(splat, finding, fi, frames, heldBefore[fi] ?? [], chainEdges, edgeList, classIdx, scenario);
    findings.push(pf);
  });

  // ---- The explorer's verdicts, each schedule step mapped to the frame of its scenario step.
  for (const r of opts.explore ?? []) {
    const pf = findings[r.finding];
    if (pf) pf.explore = pageVerdict(scenario, { frames, tasks }, r);
  }

  // ---- Notes (the story of each frame).
  frames.forEach((fr, fi) => (fr.notes = frameNotes(fr, orderOf[fi]!, scenario.tasks[fr.task]?.steps[fr.step], classList, edgeList, findings, novalidate)));

  // ---- Layout (every class that appears, every edge), once.
  const kindsText = (k: Set<DepKind>) => (k.size ? [...k].join('/') : 'new');
  const layout = layoutGraph(
    classList.map((c) => ({ text: `${c.name} {....}` })),
    edgeList.map((e) => ({ from: e.from, to: e.to, label: [e.added >= 0 ? `${kindsText(e.kinds)} · ${e.by}` : '', e.attempted >= 0 ? `refused · ${e.refusedBy}` : ''].reduce((a, b) => (b.length > a.length ? b : a)) })),
  );
  return {
    version: 1,
    title: opts.title ?? baseName(scenario.file),
    ...(opts.description ? { description: opts.description } : {}),
    file: scenario.file,
    kernel: report.kernel,
    era: profile.era,
    tasks,
    classes: classList.map((c, i) => ({ name: c.name, first: c.first, ...layout.nodes[i]! })),
    edges: edgeList.map((e, i) => ({
      from: e.from,
      to: e.to,
      added: e.added,
      attempted: e.attempted,
      by: e.by,
      refusedBy: e.refusedBy,
      points: layout.edges[i]!.points,
      labelX: layout.edges[i]!.labelX,
      labelY: layout.edges[i]!.labelY,
      ...(layout.edges[i]!.self ? { self: true } : {}),
    })),
    graph: { width: layout.width, height: layout.height },
    frames,
    findings,
    ...(opts.explore ? { explore: exploreInfo(opts.explore) } : {}),
  };
}

/** The frame that recorded a chain entry's dependency: by edge, else by span and task. */
function recordingFrame(entry: ChainEntryDesc, edgeI: number | undefined, edges: { added: number }[], frames: PageFrame[], scenario: Scenario): number {
  if (edgeI !== undefined && edges[edgeI]!.added >= 0) return edges[edgeI]!.added;
  if (!entry.recordedAt) return -1;
  return frames.findIndex((fr) => {
    const t = scenario.tasks[fr.task];
    const s = t?.steps[fr.step];
    return sameSpan(s?.span, entry.recordedAt!) && (!entry.recordedBy || entry.recordedBy === `${t!.name}/${t!.pid}`);
  });
}

/** Splits a splat into lines and links its parts to steps: the lock being acquired, the held locks, the `-> #N` entries. */
function linkSplat(
  splat: string,
  finding: Finding,
  fi: number,
  frames: PageFrame[],
  heldBefore: PageHeld[],
  chainEdges: (number | undefined)[],
  edges: PageEdgeDraft[],
  classIdx: Map<string, number>,
  scenario: Scenario,
): { text: string; link?: SplatLink }[] {
  const lines = splat.replace(/\n$/, '').split('\n');
  const out: { text: string; link?: SplatLink }[] = [];
  const sinceOf = (h: HeldLockDesc | undefined): number => {
    if (!h) return -1;
    const c = classIdx.get(h.cls.name);
    // Held before the step, or (reports listing the lock just pushed, like MAX_LOCK_DEPTH) after it.
    const after = frames[fi]?.held ?? [];
    const m =
      heldBefore.find((p) => p.instance === h.instance && p.cls === c) ??
      after.find((p) => p.instance === h.instance && p.cls === c) ??
      heldBefore.find((p) => p.cls === c);
    return m ? m.since : -1;
  };
  let pending: SplatLink | undefined;
  let inHeldList = false;
  for (const text of lines) {
    let link: SplatLink | undefined;
    if (pending && text.trim()) {
      link = pending;
      pending = undefined;
    } else if (/ is trying to (?:acquire|release) lock:$/.test(text) || /^but task is already holding lock:$/.test(text)) {
      const acquiring = /trying/.test(text);
      const held = 'prev' in finding && !acquiring ? finding.prev : undefined;
      const frame = acquiring ? fi : sinceOf(held);
      if (frame >= 0) pending = { frame, what: acquiring ? 'the step that triggered the report' : 'the step that took the held lock' };
    } else if (/^-> #(\d+) /.test(text) && finding.kind === 'circular') {
      const n = Number(/^-> #(\d+) /.exec(text)![1]);
      const j = finding.chain.length - 1 - n;
      const entry = finding.chain[j];
      if (entry) {
        const e = chainEdges[j];
        const frame = entry.current ? fi : recordingFrame(entry, e, edges, frames, scenario);
        if (frame >= 0) link = { frame, ...(e !== undefined ? { edge: e } : {}), what: `the step that recorded dependency #${n}` };
      }
    } else if (/ locks? held by /.test(text) || /^no locks held by /.test(text)) {
      inHeldList = true;
    } else if (inHeldList) {
      const m = /^ #(\d+): /.exec(text);
      if (m) {
        const frame = sinceOf(finding.held[Number(m[1])]);
        if (frame >= 0) link = { frame, what: `the step that took held lock #${m[1]}` };
      } else inHeldList = false;
    }
    out.push(link ? { text, link } : { text });
  }
  return out;
}

type PageEdgeDraft = { from: number; to: number; added: number; attempted: number; by: string; refusedBy: string; kinds: Set<DepKind> };

type NoteSource = { kind: 'chain' | 'dep' | 'bfs' | 'usage' | 'finding'; i: number };

/** The story of one frame, in the order lockdep did things (usage marks, chain lookup, checks, report). */
function frameNotes(
  fr: PageFrame,
  order: NoteSource[],
  s: Step | undefined,
  classes: { name: string }[],
  edges: PageEdgeDraft[],
  findings: PageFinding[],
  novalidate: Set<string>,
): PageNote[] {
  const notes: PageNote[] = [];
  const name = (c: number) => classes[c]?.name ?? '?';
  if (s?.op === 'release') {
    notes.push({ tone: 'info', text: 'Released: the lock leaves the held-lock stack; the dependencies it took part in stay in the graph.' });
  } else if (s && ['irqoff', 'irqon', 'bhoff', 'bhon', 'irq-enter', 'irq-exit'].includes(s.op)) {
    notes.push({ tone: 'info', text: `Context now: ${fr.ctx}.` });
  }
  let lastUsage: { cls: number; note: PageNote; bits: string[] } | undefined;
  for (const o of order) {
    if (o.kind !== 'usage') lastUsage = undefined;
    switch (o.kind) {
      case 'usage': {
        const u = fr.usage[o.i]!;
        if (lastUsage && lastUsage.cls === u.cls) {
          lastUsage.bits.push(u.bit);
        } else {
          lastUsage = { cls: u.cls, note: { tone: 'usage', text: '' }, bits: [u.bit] };
          notes.push(lastUsage.note);
        }
        lastUsage.note.text = `Usage of ${name(u.cls)}: ${lastUsage.bits.join(', ')} set, now {${u.usage}}.`;
        break;
      }
      case 'chain': {
        const c = fr.chain!;
        const n = c.classes.length;
        notes.push(
          c.hit
            ? { tone: 'hit', text: `Chain cache hit: this chain of ${plural(n, 'lock')} was validated before, so nothing is checked again.` }
            : { tone: 'miss', text: `Chain cache miss: a new chain of ${plural(n, 'lock')}, so lockdep validates it and caches its key.` },
        );
        break;
      }
      case 'bfs': {
        const b = fr.bfs[o.i]!;
        const what = b.purpose === 'circular' ? 'Cycle check' : b.purpose === 'irq' ? 'IRQ-usage check' : 'Redundancy check';
        notes.push(
          b.path
            ? { tone: 'cycle', text: `${what}: breadth-first search from ${name(b.root)} visited ${plural(b.visited.length, 'class')} and found a path ${b.path.map(name).join(' → ')}.` }
            : { tone: 'bfs', text: `${what}: breadth-first search from ${name(b.root)} visited ${plural(b.visited.length, 'class')}; no path back, so no cycle.` },
        );
        break;
      }
      case 'dep': {
        const d = fr.deps[o.i]!;
        const e = edges[d.edge]!;
        const arrow = `${name(e.from)} → ${name(e.to)} (${d.kinds.join('/')})`;
        notes.push(
          d.added
            ? { tone: 'dep', text: `New dependency ${arrow}: recorded with this step's stack trace.` }
            : { tone: 'seen', text: `Dependency ${arrow} was already recorded: nothing new (the first trace is kept).` },
        );
        break;
      }
      case 'finding': {
        const pf = findings[fr.findings[o.i]!];
        const v = pf?.explore;
        const deadlocked = v?.schedule?.tasks.filter((t) => t.deadlocked).length ?? 0;
        const why = !v ? '' : v.verdict === 'refuted' ? ` (${v.summary})` : v.verdict === 'confirmed' ? ` (${deadlocked === 1 ? 'a task waits for itself' : `${deadlocked} tasks deadlock`})` : '';
        const verdict = v ? ` The explorer: ${v.verdict}${why}.` : '';
        notes.push({ tone: 'report', text: `Report: ${pf?.title ?? 'lockdep report'}.${verdict}` });
        break;
      }
    }
  }
  if (s?.op === 'acquire' && !fr.chain) {
    if (!s.check || novalidate.has(s.ref.lock)) {
      notes.push({ tone: 'info', text: 'Not validated (check = 0): lockdep keeps it on the held-lock stack but never checks it or records dependencies for it.' });
    } else if (s.trylock) {
      notes.push({ tone: 'info', text: 'A trylock cannot wait, so it is never validated: no chain lookup, no dependency towards it. Locks taken while it is held still depend on it.' });
    }
  }
  return notes;
}
