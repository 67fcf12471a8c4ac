/**
 * The JSON-lines event log (docs/events-jsonl.md), one line at a time: validation with line and
 * column, and translation into scenario data (class declarations, tasks, steps). Shared by the
 * whole-text parser (parse.ts → Scenario) and the streaming importer (stream.ts → ReplaySession).
 */
import { inputError } from '../../diag/error.js';
import { parseFrame, type Frame } from '../../model/frame.js';
import type { KernelConfig } from '../../model/kernel.js';
import { LOCK_KINDS, type LockKind, type WaitTypes } from '../../model/lock-kind.js';
import type { LockClassDecl, LockRef, Step, TaskDef } from '../../model/scenario.js';
import type { SourceSpan } from '../../model/span.js';

export const EVENTS_JSONL_VERSION = 1;

/** Scenario-level settings from the optional `meta` line. */
export interface EventsMeta {
  kernel?: string;
  description?: string;
  config?: Partial<KernelConfig>;
  taint?: string;
  hardware?: string;
  kernelFrames?: Record<string, Frame[]>;
}

/** What one line means. */
export type Decoded =
  | { kind: 'blank' }
  | { kind: 'meta'; meta: EventsMeta }
  | { kind: 'class'; decl: LockClassDecl }
  | { kind: 'task'; index: number; def: TaskDef }
  /** Steps for task `index` (an implicit task or class is announced first in `newTask`/`newClasses`). */
  | { kind: 'steps'; index: number; steps: Step[]; newTask?: TaskDef; newClasses: LockClassDecl[] };

const IRQ_CONTEXTS = ['process', 'softirq', 'hardirq', 'hardirq-in-softirq'] as const;
type IrqContextName = (typeof IRQ_CONTEXTS)[number];

const TASK_REF = ['task', 'pid', 'comm', 'cpu'];
const FRAMES = ['frames', 'path'];
const LOCK_OP = [...TASK_REF, ...FRAMES, 'lock', 'instance', 'ip', 'irq'];
const FIELDS: Record<string, readonly string[]> = {
  meta: ['kernel', 'description', 'config', 'taint', 'hardware', 'kernelFrames'],
  class: ['id', 'name', 'kind', 'version', 'novalidate', 'wait'],
  task: ['task', 'comm', 'pid', 'cpu'],
  acquire: [...LOCK_OP, 'read', 'try', 'subclass', 'nest', 'check', 'qrwlock', 'onFail'],
  release: LOCK_OP,
  downgrade: LOCK_OP,
  setsub: [...LOCK_OP, 'subclass'],
  free: [...TASK_REF, ...FRAMES, 'lock', 'instance', 'irq'],
  irqoff: [...TASK_REF, ...FRAMES, 'ip', 'irq'],
  irqon: [...TASK_REF, ...FRAMES, 'ip', 'irq'],
  bhoff: [...TASK_REF, ...FRAMES, 'ip', 'irq'],
  bhon: [...TASK_REF, ...FRAMES, 'ip', 'irq'],
  'irq-enter': [...TASK_REF, ...FRAMES, 'context'],
  'irq-exit': [...TASK_REF, ...FRAMES],
  sysexit: [...TASK_REF, ...FRAMES, 'irq'],
};
const CONFIG_KEYS = ['debugLockdep', 'lockStat', 'proveRawLockNesting'];
const HINT = 'one JSON object per line, e.g. {"v":1,"type":"acquire","task":"t1","lock":"A"}; see docs/events-jsonl.md';
const UNKNOWN_IP: Frame = { symbol: 'unknown', offset: 0, size: 0 };

type Obj = Record<string, unknown>;

interface TaskState {
  index: number;
  /** Interrupt contexts running on top of the task, innermost last. */
  ctx: ('hardirq' | 'softirq')[];
}

/** Decodes lines in order; holds what earlier lines declared. */
export class EventsDecoder {
  readonly classes = new Map<string, LockClassDecl>();
  private readonly tasks = new Map<string, TaskState>();
  private readonly taskDefs: TaskDef[] = [];
  /** Per class: string instance labels → index, and whether numbers were used. */
  private readonly labels = new Map<string, { byLabel: Map<string, number>; numeric: boolean }>();
  private seenEvent = false;
  private line = 0;
  private raw = '';

  constructor(readonly file: string) {}

  get taskCount(): number {
    return this.taskDefs.length;
  }

  /** Decodes one line (without its newline); `line` is 1-based. */
  decode(raw: string, line: number): Decoded {
    this.line = line;
    this.raw = raw;
    if (!raw.trim()) return { kind: 'blank' };
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const col = m ? Number(m[1]) + 1 : 1;
      throw inputError('script-syntax', `not JSON: ${(e as Error).message.replace(/^Unexpected/, 'unexpected')}`, this.span(col), HINT);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw this.err('each line must be a JSON object');
    const o = data as Obj;
    if (o.v === undefined) throw this.err('missing "v": 1 (the format version)');
    if (o.v !== EVENTS_JSONL_VERSION) throw this.err(`unsupported version ${JSON.stringify(o.v)} (this lockdep-sim reads version 1)`, 'v');
    if (typeof o.type !== 'string') throw this.err('missing "type" (meta, class, task, acquire, release, ...)', o.type === undefined ? undefined : 'type');
    const allowed = FIELDS[o.type];
    if (!allowed) throw this.err(`unknown type "${o.type}"; expected one of ${Object.keys(FIELDS).join(', ')}`, 'type');
    for (const k of Object.keys(o)) {
      if (k !== 'v' && k !== 'type' && !allowed.includes(k)) throw this.err(`unknown field "${k}" in a ${o.type} line; allowed: ${allowed.join(', ')}`, k);
    }
    switch (o.type) {
      case 'meta':
        return this.meta(o);
      case 'class':
        return this.classLine(o);
      case 'task':
        return this.taskLine(o);
      default:
        this.seenEvent = true;
        return this.event(o, o.type);
    }
  }

  // -------------------------------------------------------------------------------------------------

  private span(col = 1): SourceSpan {
    return { file: this.file, line: this.line, col };
  }

  /** An error at the line, pointing at `"key"` when given. */
  private err(message: string, key?: string) {
    let col = 1;
    if (key !== undefined) {
      const at = this.raw.indexOf(`"${key}"`);
      if (at >= 0) col = at + 1;
    }
    return inputError('schema', message, this.span(col), HINT);
  }

  private str(o: Obj, k: string, required: true): string;
  private str(o: Obj, k: string, required?: false): string | undefined;
  private str(o: Obj, k: string, required = false): string | undefined {
    const v = o[k];
    if (v === undefined) {
      if (required) throw this.err(`missing "${k}"`);
      return undefined;
    }
    if (typeof v !== 'string' || !v) throw this.err(`"${k}" must be a non-empty string`, k);
    return v;
  }

  private int(o: Obj, k: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw this.err(`"${k}" must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`, k);
    return v;
  }

  private bool(o: Obj, k: string): boolean | undefined {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw this.err(`"${k}" must be true or false`, k);
    return v;
  }

  private frame(v: unknown, k: string): Frame {
    if (typeof v === 'string') {
      const f = parseFrame(v);
      if (!f) throw this.err(`"${k}": not a frame: ${JSON.stringify(v)} (write symbol+0xoff/0xsize [module])`, k);
      return f;
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const f = v as Obj;
      const ok =
        typeof f.symbol === 'string' &&
        f.symbol !== '' &&
        Number.isInteger(f.offset ?? 0) &&
        Number.isInteger(f.size ?? 0) &&
        (f.module === undefined || typeof f.module === 'string') &&
        Object.keys(f).every((x) => ['symbol', 'offset', 'size', 'module'].includes(x));
      if (!ok) throw this.err(`"${k}": a frame object is {"symbol": "...", "offset": n, "size": n, "module"?: "..."}`, k);
      const out: Frame = { symbol: f.symbol as string, offset: (f.offset as number | undefined) ?? 0, size: (f.size as number | undefined) ?? 0 };
      if (f.module !== undefined) out.module = f.module as string;
      return out;
    }
    throw this.err(`"${k}" must be a frame: "symbol+0xoff/0xsize [module]" or an object`, k);
  }

  private frames(o: Obj): Frame[] {
    const v = o.frames;
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw this.err('"frames" must be a list of frames, innermost first', 'frames');
    return v.map((f) => this.frame(f, 'frames'));
  }

  // -------------------------------------------------------------------------------------------------

  private meta(o: Obj): Decoded {
    if (this.seenEvent || this.classes.size || this.taskDefs.length) throw this.err('the meta line must come first');
    const meta: EventsMeta = {};
    const kernel = this.str(o, 'kernel');
    if (kernel !== undefined) meta.kernel = kernel;
    if (o.description !== undefined) {
      if (typeof o.description !== 'string') throw this.err('"description" must be a string', 'description');
      meta.description = o.description;
    }
    if (o.config !== undefined) {
      if (typeof o.config !== 'object' || o.config === null || Array.isArray(o.config)) throw this.err('"config" must be an object', 'config');
      const c = o.config as Obj;
      const config: Partial<KernelConfig> = {};
      for (const k of Object.keys(c)) {
        if (!CONFIG_KEYS.includes(k)) throw this.err(`unknown config "${k}"; allowed: ${CONFIG_KEYS.join(', ')}`, k);
        if (typeof c[k] !== 'boolean') throw this.err(`config "${k}" must be true or false`, k);
        config[k as keyof KernelConfig] = c[k] as boolean;
      }
      meta.config = config;
    }
    if (o.taint !== undefined) {
      if (typeof o.taint !== 'string') throw this.err('"taint" must be a string', 'taint');
      meta.taint = o.taint;
    }
    const hw = this.str(o, 'hardware');
    if (hw !== undefined) meta.hardware = hw;
    if (o.kernelFrames !== undefined) {
      if (typeof o.kernelFrames !== 'object' || o.kernelFrames === null || Array.isArray(o.kernelFrames)) throw this.err('"kernelFrames" must be an object of frame lists', 'kernelFrames');
      const kf: Record<string, Frame[]> = {};
      for (const [k, v] of Object.entries(o.kernelFrames as Obj)) {
        if (!Array.isArray(v)) throw this.err(`kernelFrames "${k}" must be a list of frames`, k);
        kf[k] = v.map((f) => this.frame(f, k));
      }
      meta.kernelFrames = kf;
    }
    return { kind: 'meta', meta };
  }

  private classLine(o: Obj): Decoded {
    const id = this.str(o, 'id', true);
    if (this.classes.has(id)) throw this.err(`class "${id}" is declared twice (or used before this line: declare classes before their first use)`, 'id');
    return { kind: 'class', decl: this.declare(id, o) };
  }

  private declare(id: string, o: Obj): LockClassDecl {
    const kind = (this.str(o, 'kind') ?? 'mutex') as LockKind;
    if (!LOCK_KINDS.includes(kind)) throw this.err(`unknown kind "${kind}"; one of ${LOCK_KINDS.join(', ')}`, 'kind');
    const decl: LockClassDecl = { id, name: this.str(o, 'name') ?? id, kind, novalidate: this.bool(o, 'novalidate') ?? false, span: this.span() };
    const version = this.int(o, 'version', 1);
    if (version !== undefined) decl.version = version;
    if (o.wait !== undefined) {
      const w = o.wait as Obj;
      if (typeof w !== 'object' || w === null || !Number.isInteger(w.inner) || !Number.isInteger(w.outer ?? 0) || Object.keys(w).some((k) => k !== 'inner' && k !== 'outer')) {
        throw this.err('"wait" must be {"outer": n, "inner": n}', 'wait');
      }
      decl.wait = { outer: (w.outer as number | undefined) ?? 0, inner: w.inner as number } satisfies WaitTypes;
    }
    this.classes.set(id, decl);
    return decl;
  }

  private taskLine(o: Obj): Decoded {
    const key = this.taskKey(o);
    if (this.tasks.has(key)) throw this.err('this task is declared twice (or used before this line: declare tasks before their first event)', 'task');
    const { index, def } = this.newTask(key, o);
    return { kind: 'task', index, def };
  }

  private taskKey(o: Obj): string {
    const t = o.task;
    if (t !== undefined) {
      if ((typeof t !== 'string' || !t) && !(typeof t === 'number' && Number.isInteger(t))) throw this.err('"task" must be a name or a number', 'task');
      return `t:${String(t)}`;
    }
    const pid = this.int(o, 'pid');
    if (pid === undefined) throw this.err('each event names its task: "task" (or "pid")');
    return `p:${pid}`;
  }

  private newTask(key: string, o: Obj): { index: number; def: TaskDef } {
    const pid = this.int(o, 'pid');
    const cpu = this.int(o, 'cpu') ?? 0;
    const comm = this.str(o, 'comm') ?? (o.task !== undefined ? String(o.task) : `task-${pid}`);
    const index = this.taskDefs.length;
    const def: TaskDef = { name: comm, pid: pid ?? 100 + index, cpu, steps: [], span: this.span() };
    this.taskDefs.push(def);
    this.tasks.set(key, { index, ctx: [] });
    return { index, def };
  }

  private lockRef(o: Obj, newClasses: LockClassDecl[], lockKey = 'lock', instKey = 'instance'): LockRef {
    const src = lockKey === 'lock' ? o : (o[lockKey] as Obj);
    const id = this.str(src, 'lock', true);
    if (!this.classes.has(id)) newClasses.push(this.declare(id, {}));
    const inst = src[instKey];
    let l = this.labels.get(id);
    if (!l) this.labels.set(id, (l = { byLabel: new Map(), numeric: false }));
    if (inst === undefined) return { lock: id, instance: 0 };
    if (typeof inst === 'number') {
      if (!Number.isInteger(inst) || inst < 0) throw this.err('"instance" must be an integer from 0, or a label such as an address', lockKey === 'lock' ? 'instance' : lockKey);
      if (l.byLabel.size) throw this.err(`class "${id}": use numbers or labels for its instances, not both`, 'instance');
      l.numeric = true;
      return { lock: id, instance: inst };
    }
    if (typeof inst !== 'string' || !inst) throw this.err('"instance" must be an integer from 0, or a label such as an address', 'instance');
    if (l.numeric) throw this.err(`class "${id}": use numbers or labels for its instances, not both`, 'instance');
    let n = l.byLabel.get(inst);
    if (n === undefined) l.byLabel.set(inst, (n = l.byLabel.size));
    return { lock: id, instance: n };
  }

  private nest(o: Obj, newClasses: LockClassDecl[]): LockRef | undefined {
    const v = o.nest;
    if (v === undefined) return undefined;
    if (typeof v === 'string') return this.lockRef({ lock: v }, newClasses);
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).every((k) => k === 'lock' || k === 'instance')) {
      return this.lockRef(v as Obj, newClasses);
    }
    throw this.err('"nest" must be a lock id or {"lock": id, "instance": n}', 'nest');
  }

  private event(o: Obj, type: string): Decoded {
    const key = this.taskKey(o);
    let t = this.tasks.get(key);
    let newTask: TaskDef | undefined;
    if (!t) {
      const created = this.newTask(key, o);
      newTask = created.def;
      t = this.tasks.get(key)!;
    }
    const span = this.span();
    const stack = this.frames(o);
    const base = { span, stack } as { span: SourceSpan; stack: Frame[]; path?: string[] };
    if (o.path !== undefined) {
      if (!Array.isArray(o.path) || !o.path.every((p) => typeof p === 'string')) throw this.err('"path" must be a list of strings', 'path');
      base.path = o.path as string[];
    }
    const ip = (): Frame => (o.ip !== undefined ? this.frame(o.ip, 'ip') : (stack[0] ?? UNKNOWN_IP));
    const steps: Step[] = [];
    const newClasses: LockClassDecl[] = [];
    if (o.irq !== undefined) this.syncContext(t, o.irq, steps, span);
    switch (type) {
      case 'acquire': {
        const ref = this.lockRef(o, newClasses);
        const read = o.read ?? 0;
        if (read !== 0 && read !== 1 && read !== 2) throw this.err('"read" must be 0 (exclusive), 1 (shared) or 2 (recursive read)', 'read');
        const s: Step = {
          op: 'acquire',
          ref,
          read,
          trylock: this.bool(o, 'try') ?? false,
          subclass: this.int(o, 'subclass', 0, 255) ?? 0,
          check: this.bool(o, 'check') ?? true,
          ip: ip(),
          ...base,
        };
        const nest = this.nest(o, newClasses);
        if (nest) s.nest = nest;
        if (this.bool(o, 'qrwlock')) s.qrwlockRead = true;
        if (o.onFail !== undefined) {
          if (o.onFail !== 'give-up' && o.onFail !== 'restart' && o.onFail !== 'retry') throw this.err('"onFail" must be "give-up", "restart" or "retry"', 'onFail');
          s.onFail = o.onFail;
        }
        steps.push(s);
        break;
      }
      case 'release':
      case 'downgrade':
        steps.push({ op: type, ref: this.lockRef(o, newClasses), ip: ip(), ...base });
        break;
      case 'setsub': {
        const sub = this.int(o, 'subclass', 0, 255);
        if (sub === undefined) throw this.err('missing "subclass"');
        steps.push({ op: 'setsub', ref: this.lockRef(o, newClasses), subclass: sub, ip: ip(), ...base });
        break;
      }
      case 'free':
        steps.push({ op: 'free', ref: this.lockRef(o, newClasses), ...base });
        break;
      case 'irqoff':
      case 'irqon':
      case 'bhoff':
      case 'bhon':
        steps.push({ op: type, ip: ip(), ...base });
        break;
      case 'irq-enter': {
        const c = o.context;
        if (c !== 'hardirq' && c !== 'softirq') throw this.err('"context" must be "hardirq" or "softirq"', c === undefined ? undefined : 'context');
        t.ctx.push(c);
        steps.push({ op: 'irq-enter', context: c, ...base });
        break;
      }
      case 'irq-exit':
        if (!t.ctx.length) throw this.err('irq-exit without a matching irq-enter for this task');
        t.ctx.pop();
        steps.push({ op: 'irq-exit', ...base });
        break;
      case 'sysexit':
        steps.push({ op: 'sysexit', ...base });
        break;
    }
    const out: Decoded = { kind: 'steps', index: t.index, steps, newClasses };
    if (newTask) out.newTask = newTask;
    return out;
  }

  /** `"irq": "hardirq"` on an event: enter or leave interrupt handlers until the task runs there. */
  private syncContext(t: TaskState, v: unknown, steps: Step[], span: SourceSpan): void {
    if (typeof v !== 'string' || !IRQ_CONTEXTS.includes(v as IrqContextName)) throw this.err(`"irq" must be one of ${IRQ_CONTEXTS.join(', ')}`, 'irq');
    const want: ('hardirq' | 'softirq')[] = v === 'process' ? [] : v === 'softirq' ? ['softirq'] : v === 'hardirq' ? ['hardirq'] : ['softirq', 'hardirq'];
    let common = 0;
    while (common < t.ctx.length && common < want.length && t.ctx[common] === want[common]) common++;
    while (t.ctx.length > common) {
      t.ctx.pop();
      steps.push({ op: 'irq-exit', span, stack: [] });
    }
    for (let i = common; i < want.length; i++) {
      t.ctx.push(want[i]!);
      steps.push({ op: 'irq-enter', context: want[i]!, span, stack: [] });
    }
  }
}
