/**
 * YAML scenario text → Scenario (src/model/scenario.ts). The format is described in
 * docs/scenario-format.md and schema/scenario.schema.json.
 *
 * Pure: text in, data out, no file system. Every element keeps its 1-based line:col, and every
 * problem with the input is a LockdepSimError with a span and a hint (never a raw exception).
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { inputError, LockdepSimError } from '../diag/error.js';
import type { Frame } from '../model/frame.js';
import { parseKernelVersion, type KernelConfig } from '../model/kernel.js';
import { LOCK_KINDS, type LockKind } from '../model/lock-kind.js';
import type { LockClassDecl, Scenario, ScheduleSlice, TaskDef } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import { closest, listNames } from './closest.js';
import { Expander, findRecursion, type Declarations, type FunctionDef, type ParamDef } from './expand.js';
import {
  ARCHES,
  CLASS_KEYS,
  CONFIG_KEYS,
  FUNCTION_KEYS,
  KERNEL_FRAME_KEYS,
  KERNEL_FRAME_KEY_RE,
  KERNEL_FRAME_LIMIT_RE,
  SLICE_KEYS,
  TASK_KEYS,
  TOP_KEYS,
  WAIT_KEYS,
} from './keys.js';
import { readFrames, readSteps } from './steps.js';
import {
  asInt,
  asMap,
  asSeq,
  asString,
  Fields,
  isNull,
  mapEntries,
  seqItems,
  spanAt,
  spanOf,
  type YamlSource,
} from './yaml-node.js';

const CLASS_ID_RE = /^[A-Za-z_][\w.-]*$/;
const FUNCTION_RE = /^[A-Za-z_.][\w.]*$/;
const PARAM_RE = /^([A-Za-z_]\w*)(\?)?$/;
const MODULE_RE = /^[\w-]+$/;

/**
 * Parses a YAML scenario. `file` is only used in spans (and copied to Scenario.file).
 * @throws LockdepSimError for any problem with the input (codes `yaml-syntax`, `schema`,
 *   `unknown-lock`, `unknown-function`).
 */
export function parseScenario(text: string, file: string): Scenario {
  try {
    return parse(text, file);
  } catch (e) {
    if (e instanceof LockdepSimError) throw e;
    // A bug of ours, not the user's: still a LockdepSimError so callers have one error type.
    throw inputError('internal', `internal error while reading the scenario: ${e instanceof Error ? e.message : String(e)}`, { file, line: 1, col: 1 }, 'please report this with the scenario file');
  }
}

/** Other names of the architectures, for the hint. */
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  aarch64: 'arm64',
  amd64: 'x86_64',
  'x86-64': 'x86_64',
  x86: 'x86_64',
  arm32: 'arm',
  armv7: 'arm',
  armhf: 'arm',
  s390x: 's390',
  ppc64le: 'ppc64',
  powerpc: 'ppc64',
  powerpc64: 'ppc64',
};

function isArch(a: string): a is (typeof ARCHES)[number] {
  return (ARCHES as readonly string[]).includes(a);
}

function parse(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const src: YamlSource = { file, lc, doc };
  const top: SourceSpan = { file, line: 1, col: 1 };

  const err = doc.errors[0];
  if (err) {
    const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw inputError('yaml-syntax', `YAML syntax error: ${message}`, spanAt(src, err.pos[0]), yamlHint(err.code));
  }
  const root = doc.contents as Node | null;
  if (isNull(root)) {
    throw inputError('schema', 'the scenario is empty', top, 'a scenario needs at least `kernel:` and `tasks:`; see docs/scenario-format.md');
  }
  const f = new Fields(src, asMap(src, root, 'the scenario', top, 'the top level is a mapping with `kernel:`, `classes:`, `functions:`, `tasks:`'), 'the scenario', TOP_KEYS, top);

  // kernel, taint, hardware
  const kernel = f.requiredString('kernel', 'e.g. `kernel: "5.1.0-rc7+ #13"` (release and build tag, as in the splat header)');
  if (!parseKernelVersion(kernel.value)) {
    throw inputError('schema', `\`kernel\` "${kernel.value}" is not a kernel version`, kernel.span, 'write it as the splat header prints it, e.g. `"5.1.0-rc7+ #13"` or `"6.1.192"`');
  }
  const scenario: Scenario = { file, kernel: kernel.value.trim(), classes: [], tasks: [], span: f.span };
  const taint = f.string('taint', 'print_tainted() text, e.g. "Not tainted" or "Tainted: G           O     "');
  if (taint) scenario.taint = taint.value;
  const hardware = f.string('hardware', "dump_stack()'s Hardware name line, without `Hardware name: `");
  if (hardware) scenario.hardware = hardware.value;
  const arch = f.string('arch', `one of ${ARCHES.map((a) => `\`${a}\``).join(', ')}`);
  if (arch) {
    const a = arch.value.trim();
    if (!isArch(a)) {
      const guess = ARCH_ALIASES[a.toLowerCase()] ?? closest(a, ARCHES);
      throw inputError(
        'schema',
        `unknown \`arch\` "${a}"`,
        arch.span,
        `${guess ? `did you mean \`${guess}\`? ` : ''}known: ${ARCHES.map((x) => `\`${x}\``).join(', ')} (x86_64 when absent)`,
      );
    }
    scenario.arch = a;
  }
  f.string('description');

  const config = f.entry('config');
  if (config && !isNull(config.value)) scenario.config = readConfig(src, config.value, config.valueSpan);
  const kf = f.entry('kernel_frames');
  if (kf && !isNull(kf.value)) scenario.kernelFrames = readKernelFrames(src, kf.value, kf.valueSpan);

  // classes and functions (declarations first: steps refer to them)
  const classes = new Map<string, LockClassDecl>();
  const ce = f.entry('classes');
  if (ce && !isNull(ce.value)) {
    for (const c of readClasses(src, ce.value, ce.valueSpan)) classes.set(c.id, c);
  }
  scenario.classes = [...classes.values()];
  const functions = new Map<string, FunctionDef>();
  const fe = f.entry('functions');
  if (fe && !isNull(fe.value)) {
    for (const fn of readFunctions(src, fe.value, fe.valueSpan)) functions.set(fn.name, fn);
  }
  const decl: Declarations = { classes, functions };
  const expander = new Expander(decl);
  for (const fn of functions.values()) expander.checkFunction(fn);
  const rec = findRecursion(functions);
  if (rec) {
    throw inputError(
      'schema',
      `recursive call: ${rec.cycle.map((n) => `\`${n}\``).join(' → ')}`,
      rec.span,
      'functions describe call paths and are expanded inline, so recursion would never end',
    );
  }

  // tasks
  const te = f.required('tasks', 'e.g. `tasks: [{ name: t1, steps: [{ lock: A }, { unlock: A }] }]`');
  const taskSeq = asSeq(src, te.value, '`tasks`', te.valueSpan, 'a list of tasks: `- name: comm`');
  scenario.tasks = seqItems(src, taskSeq).map((node, i) => readTask(src, node, i, expander, te.valueSpan));

  // schedule
  const se = f.entry('schedule');
  if (se && !isNull(se.value)) scenario.schedule = readSchedule(src, se.value, se.valueSpan, scenario.tasks);
  return scenario;
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once per mapping; for repeated steps use a list (`- lock: A`)';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the closing `]` / `}` of flow collections';
    case 'TAB_AS_INDENT':
      return 'YAML indentation must use spaces, not tabs';
    case 'MULTIPLE_DOCS':
      return 'a scenario file holds one YAML document; remove the extra `---`';
    case 'BAD_ALIAS':
      return 'an alias `*name` needs an anchor `&name` earlier in the file';
    default:
      return `YAML error ${code}; strings with special characters (: # { } [ ] , & * ! | > ' " % @) may need quotes`;
  }
}

// ------------------------------------------------------------------ config and kernel frames

function readConfig(src: YamlSource, node: Node | null, span: SourceSpan): Partial<KernelConfig> {
  const f = new Fields(src, asMap(src, node, '`config`', span), '`config`', CONFIG_KEYS, span);
  const out: Partial<KernelConfig> = {};
  const d = f.bool('debug_lockdep');
  if (d) out.debugLockdep = d.value;
  const l = f.bool('lock_stat');
  if (l) out.lockStat = l.value;
  const p = f.bool('prove_raw_lock_nesting');
  if (p) out.proveRawLockNesting = p.value;
  return out;
}

function readKernelFrames(src: YamlSource, node: Node | null, span: SourceSpan): Record<string, Frame[]> {
  const map = asMap(src, node, '`kernel_frames`', span, 'e.g. `kernel_frames: { lock_acquire: [lock_acquire+0x9e/0x180] }`');
  const out: Record<string, Frame[]> = {};
  for (const e of mapEntries(src, map, '`kernel_frames`', span)) {
    if (!(KERNEL_FRAME_KEYS as readonly string[]).includes(e.key) && !KERNEL_FRAME_LIMIT_RE.test(e.key) && !KERNEL_FRAME_KEY_RE.test(e.key)) {
      const guess = closest(e.key, KERNEL_FRAME_KEYS);
      throw inputError(
        'schema',
        `unknown key \`${e.key}\` in \`kernel_frames\``,
        e.keySpan,
        `${guess ? `did you mean \`${guess}\`? ` : ''}keys: ${listNames(KERNEL_FRAME_KEYS, 30)}, or \`limit:<NAME>\` (e.g. \`limit:MAX_LOCK_DEPTH\`)`,
      );
    }
    out[e.key] = readFrames(src, e.value, `\`kernel_frames.${e.key}\``, e.valueSpan);
  }
  return out;
}

// ------------------------------------------------------------------ classes

function readClasses(src: YamlSource, node: Node | null, span: SourceSpan): LockClassDecl[] {
  const map = asMap(src, node, '`classes`', span, 'a mapping from class id to kind or details, e.g. `classes: { A: mutex, B: { kind: spinlock } }`');
  return mapEntries(src, map, '`classes`', span).map((e) => {
    if (!CLASS_ID_RE.test(e.key)) {
      throw inputError(
        'schema',
        `class id \`${e.key}\` is not a plain identifier`,
        e.keySpan,
        'ids are what steps write (letters, digits, `_`, `.`, `-`); put the printed name in `name:`, e.g. `of_mutex: { name: "&of->mutex" }`',
      );
    }
    const decl: LockClassDecl = { id: e.key, name: e.key, kind: 'mutex', novalidate: false, span: e.keySpan };
    if (isNull(e.value)) return decl;
    if (!isMap(e.value)) {
      // Shorthand `A: mutex`.
      decl.kind = readKind(src, e.value, e.valueSpan);
      return decl;
    }
    const f = new Fields(src, asMap(src, e.value, `class \`${e.key}\``, e.valueSpan, 'a kind (`A: mutex`) or a mapping (`A: { kind: mutex, name: "&a->lock" }`)'), `class \`${e.key}\``, CLASS_KEYS, e.valueSpan);
    const name = f.string('name', 'the name lockdep prints, e.g. "&of->mutex"');
    if (name) decl.name = name.value;
    const kind = f.entry('kind');
    if (kind) decl.kind = readKind(src, kind.value, kind.valueSpan);
    const version = f.int('version', 'the pinned `#N` name version, e.g. `version: 424` prints `kn->count#424`');
    if (version) {
      if (version.value < 1) throw inputError('schema', '`version` starts at 1', version.span, 'the name version is printed as `name#N` when N > 1; leave it out for `name`');
      decl.version = version.value;
    }
    const nv = f.bool('novalidate');
    if (nv) decl.novalidate = nv.value;
    const w = f.entry('wait');
    if (w) {
      const wf = new Fields(src, asMap(src, w.value, '`wait`', w.valueSpan, 'e.g. `wait: { outer: 0, inner: 3 }`'), '`wait`', WAIT_KEYS, w.valueSpan);
      wf.required('inner', 'the inner wait type, e.g. 3 (LD_WAIT_SLEEP without raw-lock nesting); `outer` defaults to 0');
      decl.wait = { outer: wf.int('outer')?.value ?? 0, inner: wf.int('inner')!.value };
    }
    return decl;
  });
}

function readKind(src: YamlSource, node: Node | null, span: SourceSpan): LockKind {
  const text = asString(src, node, 'a lock kind', span, `one of ${listNames(LOCK_KINDS)}`);
  if ((LOCK_KINDS as readonly string[]).includes(text)) return text as LockKind;
  const guess = closest(text, LOCK_KINDS);
  throw inputError('schema', `unknown lock kind \`${text}\``, spanOf(src, node, span), `${guess ? `did you mean \`${guess}\`? ` : ''}kinds: ${listNames(LOCK_KINDS)}`);
}

// ------------------------------------------------------------------ functions

function readFunctions(src: YamlSource, node: Node | null, span: SourceSpan): FunctionDef[] {
  const map = asMap(src, node, '`functions`', span, 'a mapping from function name to `{ size: 0x.., steps: [...] }`');
  return mapEntries(src, map, '`functions`', span).map((e) => {
    if (!FUNCTION_RE.test(e.key)) {
      throw inputError('schema', `function name \`${e.key}\` is not a symbol`, e.keySpan, 'function names are printed in frames as `name+0xOFF/0xSIZE`: letters, digits, `_` and `.` (e.g. `remove_files.isra.1`)');
    }
    const f = new Fields(src, asMap(src, e.value, `function \`${e.key}\``, e.valueSpan, '`{ size: 0x1c0, steps: [...] }`'), `function \`${e.key}\``, FUNCTION_KEYS, e.valueSpan);
    f.required('size', 'the function size %pS prints after the slash, e.g. `size: 0x1c0` for `vfs_write+0xba/0x1c0`');
    const size = f.int('size')!;
    if (size.value === 0) throw inputError('schema', '`size` must be positive', size.span, 'the size %pS prints after the slash, e.g. `0x1c0` for `vfs_write+0xba/0x1c0`');
    const fn: FunctionDef = { name: e.key, size: size.value, params: [], steps: [], span: e.keySpan };
    const mod = f.string('module', 'the module name printed in brackets, e.g. `module: kmem`');
    if (mod) {
      if (!MODULE_RE.test(mod.value)) throw inputError('schema', `module name "${mod.value}" is not a plain name`, mod.span, 'write it without brackets, e.g. `module: kmem`');
      fn.module = mod.value;
    }
    const pe = f.entry('params');
    if (pe) fn.params = readParams(src, pe.value, pe.valueSpan, e.key);
    const se = f.required('steps', 'the lock operations and calls of this function, in order');
    fn.steps = readSteps(src, se.value, `steps of \`${e.key}\``, se.valueSpan);
    return fn;
  });
}

function readParams(src: YamlSource, node: Node | null, span: SourceSpan, fn: string): ParamDef[] {
  const seq = asSeq(src, node, `\`params\` of \`${fn}\``, span, 'e.g. `params: [dev, remove?]` (`?` marks an optional parameter)');
  const out: ParamDef[] = [];
  for (const item of seqItems(src, seq)) {
    const pspan = spanOf(src, item, span);
    const text = asString(src, item, `a parameter of \`${fn}\``, pspan);
    const m = PARAM_RE.exec(text.trim());
    if (!m) throw inputError('schema', `parameter name \`${text}\` is not an identifier`, pspan, 'write `name`, or `name?` for an optional parameter (steps refer to it as `$name`)');
    if (out.some((p) => p.name === m[1])) throw inputError('schema', `parameter \`${m[1]}\` is declared twice`, pspan, 'give each parameter a distinct name');
    out.push({ name: m[1]!, optional: m[2] === '?', span: pspan });
  }
  return out;
}

// ------------------------------------------------------------------ tasks and schedule

function readTask(src: YamlSource, node: Node | null, index: number, expander: Expander, fallback: SourceSpan): TaskDef {
  const span = spanOf(src, node, fallback);
  const f = new Fields(src, asMap(src, node, `task #${index}`, span, 'a task is `{ name: comm, steps: [...] }`'), `task #${index}`, TASK_KEYS, span);
  const name = f.requiredString('name', 'the task comm printed in reports, e.g. `name: daxctl`');
  const pid = f.int('pid')?.value ?? 1000 + index;
  const cpu = f.int('cpu')?.value ?? 0;
  const st = f.entry('stack');
  const base = st && !isNull(st.value) ? readFrames(src, st.value, `\`stack\` of task \`${name.value}\``, st.valueSpan) : [];
  const se = f.required('steps', 'what the task does, in order');
  const raw = readSteps(src, se.value, `steps of task \`${name.value}\``, se.valueSpan);
  const task: TaskDef = { name: name.value, pid, cpu, steps: expander.expandTask(raw, base), span };
  const repeat = f.int('repeat', 'how many times the task runs its steps, e.g. `repeat: 2` (default 1)');
  if (repeat) {
    if (repeat.value < 1) throw inputError('schema', '`repeat` must be at least 1', repeat.span, 'the task runs its steps this many times, one after another (default 1)');
    task.repeat = repeat.value;
  }
  return task;
}

function readSchedule(src: YamlSource, node: Node | null, span: SourceSpan, tasks: TaskDef[]): ScheduleSlice[] {
  const seq = asSeq(src, node, '`schedule`', span, 'a list of slices: `- { task: t1, steps: 2 }`');
  return seqItems(src, seq).map((item) => {
    const sspan = spanOf(src, item, span);
    const f = new Fields(src, asMap(src, item, 'a schedule slice', sspan, '`{ task: name, steps: N }`'), 'a schedule slice', SLICE_KEYS, sspan);
    const te = f.required('task', 'the task name (or its 0-based index in `tasks:`)');
    f.required('steps', 'how many (expanded) steps of the task to run in this slice');
    const steps = f.int('steps')!;
    if (steps.value === 0) throw inputError('schema', '`steps` of a slice must be at least 1', steps.span, 'a slice runs this many (expanded) steps of the task before the next slice');
    return { task: taskIndex(src, te.value, te.valueSpan, tasks), steps: steps.value, span: sspan };
  });
}

function taskIndex(src: YamlSource, node: Node | null, span: SourceSpan, tasks: TaskDef[]): number {
  const names = tasks.map((t) => t.name);
  if (isScalar(node) && typeof node.value === 'number') {
    const i = asInt(src, node, '`task`', span);
    if (i >= tasks.length) throw inputError('schema', `task index ${i} is out of range (there are ${tasks.length} tasks)`, span, `tasks: ${listNames(names)}`);
    return i;
  }
  const name = asString(src, node, '`task`', span, 'a task name or index');
  const hits = tasks.flatMap((t, i) => (t.name === name ? [i] : []));
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) {
    throw inputError('schema', `task name \`${name}\` is ambiguous (tasks ${hits.join(', ')})`, span, 'several tasks share this comm; refer to the task by its 0-based index instead');
  }
  const guess = closest(name, names);
  throw inputError('schema', `no task named \`${name}\``, span, `${guess ? `did you mean \`${guess}\`? ` : ''}tasks: ${listNames(names)}`);
}
