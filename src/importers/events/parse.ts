/**
 * JSON-lines event log ⇄ Scenario (docs/events-jsonl.md). parseEventsJsonl() is the pure parser
 * behind `run events.jsonl`; the order of the lines is the interleaving, kept as the scenario's
 * schedule. scenarioToEventsJsonl() writes any scenario as an event log that parses back to the
 * same scenario (spans aside; `repeat` written out), so YAML scenarios and case scripts convert
 * without loss and replay to the same reports.
 */
import { formatFrame, type Frame } from '../../model/frame.js';
import type { LockClassDecl, LockRef, Scenario, ScheduleSlice, Step, TaskDef } from '../../model/scenario.js';
import { EVENTS_JSONL_VERSION, EventsDecoder, type EventsMeta } from './decode.js';

export const DEFAULT_EVENTS_KERNEL = '6.1.192';

/** Parses a whole event log into a Scenario. Errors are LockdepSimErrors at file:line:col. */
export function parseEventsJsonl(text: string, file: string): Scenario {
  const dec = new EventsDecoder(file);
  let meta: EventsMeta = {};
  const classes: LockClassDecl[] = [];
  const tasks: TaskDef[] = [];
  const schedule: ScheduleSlice[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const d = dec.decode(raw, i + 1);
    switch (d.kind) {
      case 'blank':
        break;
      case 'meta':
        meta = d.meta;
        break;
      case 'class':
        classes.push(d.decl);
        break;
      case 'task':
        tasks.push(d.def);
        break;
      case 'steps': {
        classes.push(...d.newClasses);
        if (d.newTask) tasks.push(d.newTask);
        if (!d.steps.length) break;
        tasks[d.index]!.steps.push(...d.steps);
        const last = schedule[schedule.length - 1];
        if (last && last.task === d.index) last.steps += d.steps.length;
        else schedule.push({ task: d.index, steps: d.steps.length, span: d.steps[0]!.span });
        break;
      }
    }
  }
  const s: Scenario = { file, kernel: meta.kernel ?? DEFAULT_EVENTS_KERNEL, classes, tasks, span: { file, line: 1, col: 1 } };
  if (meta.description !== undefined) s.description = meta.description;
  if (meta.config) s.config = meta.config;
  if (meta.taint !== undefined) s.taint = meta.taint;
  if (meta.hardware !== undefined) s.hardware = meta.hardware;
  if (meta.kernelFrames) s.kernelFrames = meta.kernelFrames;
  if (schedule.length > 1) s.schedule = schedule;
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Scenario → event log

/**
 * The order in which replay() runs the steps: the schedule's slices while they progress, then task by
 * task; a task with `repeat` runs its steps that many times. Pairs of (task, step index).
 */
export function replayOrder(s: Scenario): [number, number][] {
  const pc = s.tasks.map(() => 0);
  const out: [number, number][] = [];
  const run = (task: number, n: number): number => {
    let ran = 0;
    const t = s.tasks[task];
    if (!t || !t.steps.length) return 0;
    const total = t.steps.length * (t.repeat ?? 1);
    while (ran < n && pc[task]! < total) {
      out.push([task, pc[task]! % t.steps.length]);
      pc[task]!++;
      ran++;
    }
    return ran;
  };
  const slices = s.schedule ?? [];
  let progress = slices.length > 0;
  while (progress) {
    progress = false;
    for (const sl of slices) if (run(sl.task, sl.steps) > 0) progress = true;
  }
  for (let i = 0; i < s.tasks.length; i++) run(i, Infinity);
  return out;
}

type Line = Record<string, unknown>;

function frames(fs: readonly Frame[]): string[] {
  return fs.map(formatFrame);
}

function ref(r: LockRef, o: Line): void {
  o.lock = r.lock;
  if (r.instance) o.instance = r.instance;
}

function stepLine(task: number, st: Step): Line {
  const o: Line = { v: EVENTS_JSONL_VERSION, type: st.op, task };
  switch (st.op) {
    case 'acquire':
      ref(st.ref, o);
      if (st.read) o.read = st.read;
      if (st.trylock) o.try = true;
      if (st.subclass) o.subclass = st.subclass;
      if (!st.check) o.check = false;
      if (st.qrwlockRead) o.qrwlock = true;
      if (st.onFail) o.onFail = st.onFail;
      if (st.nest) o.nest = st.nest.instance ? { lock: st.nest.lock, instance: st.nest.instance } : st.nest.lock;
      o.ip = formatFrame(st.ip);
      break;
    case 'release':
    case 'downgrade':
      ref(st.ref, o);
      o.ip = formatFrame(st.ip);
      break;
    case 'setsub':
      ref(st.ref, o);
      o.subclass = st.subclass;
      o.ip = formatFrame(st.ip);
      break;
    case 'free':
      ref(st.ref, o);
      break;
    case 'irqoff':
    case 'irqon':
    case 'bhoff':
    case 'bhon':
      o.ip = formatFrame(st.ip);
      break;
    case 'irq-enter':
      o.context = st.context;
      break;
    case 'irq-exit':
    case 'sysexit':
      break;
  }
  if (st.stack.length) o.frames = frames(st.stack);
  if (st.path) o.path = [...st.path];
  return o;
}

/**
 * Writes a scenario as an event log (tasks are named by their index). The log is a record of events
 * in time order, so a task's `repeat` is written out: it reads back as the steps repeated.
 */
export function scenarioToEventsJsonl(s: Scenario): string {
  const out: Line[] = [];
  const meta: Line = { v: EVENTS_JSONL_VERSION, type: 'meta', kernel: s.kernel };
  if (s.description !== undefined) meta.description = s.description;
  if (s.config && Object.keys(s.config).length) meta.config = { ...s.config };
  if (s.taint !== undefined) meta.taint = s.taint;
  if (s.hardware !== undefined) meta.hardware = s.hardware;
  if (s.kernelFrames) meta.kernelFrames = Object.fromEntries(Object.entries(s.kernelFrames).map(([k, v]) => [k, frames(v)]));
  out.push(meta);
  for (const c of s.classes) {
    const o: Line = { v: EVENTS_JSONL_VERSION, type: 'class', id: c.id };
    if (c.name !== c.id) o.name = c.name;
    o.kind = c.kind;
    if (c.version !== undefined) o.version = c.version;
    if (c.novalidate) o.novalidate = true;
    if (c.wait) o.wait = { outer: c.wait.outer, inner: c.wait.inner };
    out.push(o);
  }
  s.tasks.forEach((t, i) => out.push({ v: EVENTS_JSONL_VERSION, type: 'task', task: i, comm: t.name, pid: t.pid, cpu: t.cpu }));
  for (const [ti, si] of replayOrder(s)) out.push(stepLine(ti, s.tasks[ti]!.steps[si]!));
  return out.map((o) => JSON.stringify(o)).join('\n') + '\n';
}
