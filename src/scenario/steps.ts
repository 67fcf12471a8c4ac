/**
 * Steps as written in YAML (inside `functions:` and `tasks:`), before function calls are expanded:
 * one mapping per step with exactly one operation key plus its modifiers. This module only checks
 * shapes; names (locks, functions, parameters) are resolved by expand.ts.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { inputError } from '../diag/error.js';
import { parseFrame, type Frame } from '../model/frame.js';
import type { SourceSpan } from '../model/span.js';
import { listNames } from './closest.js';
import { LOCK_OPS, ON_FAIL, STEP_KEYS, STEP_OPS, modifiersOf, type LockOp, type OnFail, type StepOp } from './keys.js';
import { asSeq, asString, deref, describe, Fields, isNull, mapEntries, seqItems, spanOf, type Located, type YamlSource } from './yaml-node.js';

/** A name as written: a lock reference (`X`, `X@2`, `$param`) or a function name (`f`, `$param`). */
export type NameText = Located<string>;

/** How the `at:` ip of a lock operation is chosen. */
export type IpSpec = { kind: 'self' } | { kind: 'caller' } | { kind: 'frame'; frame: Frame };

/** An argument of a `call:` (or of a closure): a lock/function name, nothing (`~`), or a closure. */
export type RawArg =
  | { kind: 'text'; text: string; span: SourceSpan }
  | { kind: 'null'; span: SourceSpan }
  | { kind: 'closure'; target: NameText; args: RawArgs; span: SourceSpan };

export type RawArgs = Map<string, { arg: RawArg; keySpan: SourceSpan }>;

interface RawBase {
  span: SourceSpan;
  /** Offset of this step in the enclosing function (`at:`), if written. */
  at?: Located<number>;
}

export interface RawLockStep extends RawBase {
  kind: 'lock';
  op: LockOp;
  ref: NameText;
  subclass?: Located<number>;
  nest?: NameText;
  check?: boolean;
  /** trylock / read_trylock only: what a failed trylock does (explorer). */
  onFail?: OnFail;
  via: Frame[];
  ip: IpSpec;
  ipSpan: SourceSpan;
}

export interface RawCallStep extends RawBase {
  kind: 'call';
  target: NameText;
  args: RawArgs;
}

export interface RawIrqStateStep extends RawBase {
  kind: 'irqstate';
  op: 'irqoff' | 'irqon' | 'bhoff' | 'bhon';
  via: Frame[];
  ip: IpSpec;
  ipSpan: SourceSpan;
}

export interface RawContextStep extends RawBase {
  kind: 'context';
  context: 'hardirq' | 'softirq';
  steps: RawStep[];
}

export interface RawSysexitStep extends RawBase {
  kind: 'sysexit';
  via: Frame[];
}

export type RawStep = RawLockStep | RawCallStep | RawIrqStateStep | RawContextStep | RawSysexitStep;

const OP_LIST = listNames(STEP_OPS, 30);

/** Parses one frame string (`sym+0x1a/0x80 [mod]`), with a located error when malformed. */
export function readFrame(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan): Frame {
  const text = asString(src, node, what, fallback, 'frames are written as the kernel prints them: `symbol+0x1a/0x80` or `symbol+0x1a/0x80 [module]`');
  const f = parseFrame(text);
  if (!f) {
    throw inputError(
      'schema',
      `malformed frame "${text}" in ${what}`,
      spanOf(src, node, fallback),
      'write frames as the kernel prints them: `symbol+0x1a/0x80` or `symbol+0x1a/0x80 [module]`',
    );
  }
  return f;
}

/** A list of frame strings. */
export function readFrames(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan): Frame[] {
  const seq = asSeq(src, node, what, fallback, 'a list of frame strings, innermost first, e.g. `[__mutex_lock+0x82/0x9a0]`');
  return seqItems(src, seq).map((item) => readFrame(src, item, what, spanOf(src, seq, fallback)));
}

/** A list of steps (`steps:` of a function or task, or the body of `hardirq:`/`softirq:`). */
export function readSteps(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan): RawStep[] {
  const seq = asSeq(src, node, what, fallback, 'steps are a list: `- lock: A`');
  return seqItems(src, seq).map((item) => readStep(src, item, spanOf(src, seq, fallback)));
}

function readName(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan, hint: string): NameText {
  const span = spanOf(src, node, fallback);
  const text = asString(src, node, what, fallback, hint).trim();
  if (text === '') throw inputError('schema', `${what} is empty`, span, hint);
  return { value: text, span };
}

const LOCK_REF_HINT = 'a lock reference is a class id (`A`), an instance (`A@1`) or a parameter (`$lock`)';

function readIp(src: YamlSource, f: Fields): { ip: IpSpec; ipSpan: SourceSpan } {
  const e = f.entry('ip');
  if (!e) return { ip: { kind: 'self' }, ipSpan: f.span };
  const hint = '`ip:` is `self` (the enclosing function at this step), `caller` (the next frame out) or a frame string';
  const text = asString(src, e.value, '`ip`', e.valueSpan, hint).trim();
  if (text === 'self') return { ip: { kind: 'self' }, ipSpan: e.valueSpan };
  if (text === 'caller') return { ip: { kind: 'caller' }, ipSpan: e.valueSpan };
  return { ip: { kind: 'frame', frame: readFrame(src, e.value, '`ip`', e.valueSpan) }, ipSpan: e.valueSpan };
}

function readVia(src: YamlSource, f: Fields): Frame[] {
  const e = f.entry('via');
  return e ? readFrames(src, e.value, '`via`', e.valueSpan) : [];
}

/** Arguments of a call: param name → lock/function name, `~`, or `{call: f, args: {...}}`. */
function readArgs(src: YamlSource, node: Node | null, fallback: SourceSpan): RawArgs {
  const args: RawArgs = new Map();
  if (node === null || isNull(node)) return args;
  if (!isMap(node)) {
    throw inputError('schema', `\`args\` must be a mapping from parameter to value, got ${describe(node)}`, spanOf(src, node, fallback), 'e.g. `args: { dev: dev_mutex@2, store: state_store }`');
  }
  for (const e of mapEntries(src, node, '`args`', fallback)) {
    args.set(e.key, { arg: readArg(src, e.value, e.valueSpan), keySpan: e.keySpan });
  }
  return args;
}

function readArg(src: YamlSource, node: Node | null, fallback: SourceSpan): RawArg {
  const span = spanOf(src, node, fallback);
  if (isNull(node)) return { kind: 'null', span };
  if (isScalar(node) && typeof node.value === 'string') return { kind: 'text', text: node.value.trim(), span };
  if (isMap(node)) {
    const f = new Fields(src, node, 'a function argument', ['call', 'args'], fallback);
    const c = f.required('call', 'a function argument is `{call: function, args: {...}}`');
    const target = readName(src, c.value, '`call`', c.valueSpan, 'a function name');
    const a = f.entry('args');
    return { kind: 'closure', target, args: a ? readArgs(src, a.value, a.valueSpan) : new Map(), span };
  }
  throw inputError(
    'schema',
    `an argument must be a lock reference, a function name, \`~\` or \`{call: f, args: {...}}\`, got ${describe(node)}`,
    span,
    'e.g. `dev: dev_mutex@2`, `store: state_store`, `remove: ~` or `store: { call: unbind_store, args: { dev: dev_mutex } }`',
  );
}

function onOff(src: YamlSource, node: Node | null, key: string, fallback: SourceSpan): boolean {
  const span = spanOf(src, node, fallback);
  const hint = `write \`${key}: off\` (local_${key === 'irq' ? 'irq_disable' : 'bh_disable'}) or \`${key}: on\``;
  if (isScalar(node) && (node.value === 'on' || node.value === 'off')) return node.value === 'on';
  throw inputError('schema', `\`${key}\` must be \`on\` or \`off\`, got ${describe(node)}`, span, hint);
}

const ON_FAIL_HINT = `\`on_fail:\` is ${listNames(ON_FAIL)}: skip to the matching unlock, release everything and start the task over (a syscall restart), or try again until the lock is free`;

function readOnFail(src: YamlSource, node: Node | null, span: SourceSpan): OnFail {
  const text = asString(src, node, '`on_fail`', span, ON_FAIL_HINT).trim();
  if ((ON_FAIL as readonly string[]).includes(text)) return text as OnFail;
  throw inputError('schema', `unknown \`on_fail\` value \`${text}\``, spanOf(src, node, span), ON_FAIL_HINT);
}

/** One step mapping. */
export function readStep(src: YamlSource, node0: Node | null, fallback: SourceSpan): RawStep {
  const node = deref(src, node0);
  const span = spanOf(src, node, fallback);
  if (!isMap(node)) {
    throw inputError('schema', `a step must be a mapping such as \`lock: A\`, got ${describe(node)}`, span, `operations: ${OP_LIST}`);
  }
  const f = new Fields(src, node, 'step', STEP_KEYS, fallback);
  const ops = f.keys().filter((k): k is StepOp => (STEP_OPS as readonly string[]).includes(k));
  if (ops.length === 0) {
    throw inputError('schema', 'step has no operation', span, `add one of ${OP_LIST}`);
  }
  if (ops.length > 1) {
    throw inputError('schema', `step has ${ops.length} operations (${ops.map((o) => `\`${o}\``).join(', ')}); write one per step`, f.entry(ops[1]!)!.keySpan, 'split it into separate list items');
  }
  const op = ops[0]!;
  const allowed = modifiersOf(op);
  for (const k of f.keys()) {
    if (k === op || (allowed as readonly string[]).includes(k)) continue;
    throw inputError(
      'schema',
      `\`${k}\` does not apply to a \`${op}\` step`,
      f.entry(k)!.keySpan,
      allowed.length ? `\`${op}\` takes ${listNames(allowed)}` : `\`${op}\` takes no modifiers`,
    );
  }
  const opEntry = f.entry(op)!;
  const at = f.int('at', 'the call-site offset inside the enclosing function, e.g. `at: 0x22`');
  const base: RawBase = at ? { span, at } : { span };

  if ((LOCK_OPS as readonly string[]).includes(op)) {
    const lockOp = op as LockOp;
    const ref = readName(src, opEntry.value, `\`${op}\``, opEntry.valueSpan, LOCK_REF_HINT);
    const step: RawLockStep = { ...base, kind: 'lock', op: lockOp, ref, via: readVia(src, f), ...readIp(src, f) };
    const sub = f.int('subclass', 'lockdep subclass, 0-7 (as in mutex_lock_nested(lock, N))');
    if (sub) step.subclass = sub;
    if (lockOp === 'set_subclass' && !sub) {
      throw inputError('schema', '`set_subclass` needs `subclass: N`', span, 'e.g. `set_subclass: A` with `subclass: 1`');
    }
    const nest = f.entry('nest_lock');
    if (nest) step.nest = readName(src, nest.value, '`nest_lock`', nest.valueSpan, LOCK_REF_HINT);
    const check = f.bool('check');
    if (check) step.check = check.value;
    const onFail = f.entry('on_fail');
    if (onFail) step.onFail = readOnFail(src, onFail.value, onFail.valueSpan);
    return step;
  }
  switch (op) {
    case 'irq':
    case 'bh': {
      const on = onOff(src, opEntry.value, op, opEntry.valueSpan);
      const irqOp = op === 'irq' ? (on ? 'irqon' : 'irqoff') : on ? 'bhon' : 'bhoff';
      return { ...base, kind: 'irqstate', op: irqOp, via: readVia(src, f), ...readIp(src, f) };
    }
    case 'hardirq':
    case 'softirq':
      return { ...base, kind: 'context', context: op, steps: readSteps(src, opEntry.value, `\`${op}\``, opEntry.valueSpan) };
    case 'return_to_user': {
      if (!isScalar(opEntry.value) || opEntry.value.value !== true) {
        throw inputError('schema', `\`return_to_user\` must be \`true\`, got ${describe(opEntry.value)}`, opEntry.valueSpan, 'write `return_to_user: true` (lockdep_sys_exit())');
      }
      return { ...base, kind: 'sysexit', via: readVia(src, f) };
    }
    case 'call': {
      const target = readName(src, opEntry.value, '`call`', opEntry.valueSpan, 'a function name from `functions:` or a parameter (`$store`)');
      const a = f.entry('args');
      return { ...base, kind: 'call', target, args: a ? readArgs(src, a.value, a.valueSpan) : new Map() };
    }
    default:
      // LOCK_OPS were handled above; this is unreachable, but keep the error a LockdepSimError.
      throw inputError('internal', `unhandled step operation \`${op}\``, span, 'please report this with the scenario file');
  }
}
