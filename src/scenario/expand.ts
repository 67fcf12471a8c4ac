/**
 * Expands `call:` steps into the flat, fully stacked step lists of the model (src/model/scenario.ts).
 *
 * A function call pushes one frame, `name+0xOFF/0xSIZE [module]`, whose offset is the `at:` of the
 * step currently running inside it, so a step's stack is, innermost first:
 *
 *     via frames | enclosing function @ this step's at | caller @ its call site | … | task stack
 *
 * Parameters are bound per call (`args:`); an argument is a lock reference, a function name (the
 * kernel's function pointers: `->store`, `drv->remove`, devres release callbacks), a closure
 * `{call: f, args: {...}}`, or `~`: "no lockdep map here" (steps on it and calls of it are skipped).
 *
 * The same walker also runs in `check` mode over every function body with its parameters unknown,
 * so mistakes in functions that no task calls are still reported.
 */
import { inputError } from '../diag/error.js';
import type { Frame } from '../model/frame.js';
import { kindIsUnchecked, readFlavourOf } from '../model/lock-kind.js';
import type { AcquireStep, LockClassDecl, LockRef, Step } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import { closest, listNames } from './closest.js';
import type { IpSpec, NameText, RawArg, RawArgs, RawLockStep, RawStep } from './steps.js';

export interface ParamDef {
  name: string;
  optional: boolean;
  span: SourceSpan;
}

/** A `functions:` entry. */
export interface FunctionDef {
  name: string;
  size: number;
  module?: string;
  params: ParamDef[];
  steps: RawStep[];
  span: SourceSpan;
}

/** Everything names resolve against. */
export interface Declarations {
  classes: Map<string, LockClassDecl>;
  functions: Map<string, FunctionDef>;
}

/** What a parameter is bound to during one expansion. `opaque`: unknown (check mode). */
type Value =
  | { kind: 'text'; text: string; span: SourceSpan }
  | { kind: 'null'; span: SourceSpan }
  | { kind: 'closure'; fn: FunctionDef; args: Map<string, Value>; span: SourceSpan }
  | { kind: 'opaque' };

interface Scope {
  /** The function whose body is running; undefined at task level. */
  fn: FunctionDef | undefined;
  /** Frames outside `fn` (its caller at the call site, …, the task's base stack), innermost first. */
  outer: Frame[];
  env: Map<string, Value>;
  /** Function names, outermost first. */
  path: string[];
}

/** Far beyond any real scenario; stops exponential call trees from eating the heap. */
const MAX_STEPS = 1_000_000;
/** Deeper than any real kernel stack trace. */
const MAX_CALL_DEPTH = 64;

const REF_RE = /^([A-Za-z_][\w.-]*)(?:@(\d+))?$/;

export class Expander {
  private out: Step[] = [];

  constructor(private readonly decl: Declarations) {}

  /** Flattens a task's steps; `base` is the task's `stack:` (innermost first). */
  expandTask(steps: RawStep[], base: Frame[]): Step[] {
    this.out = [];
    this.walk(steps, { fn: undefined, outer: base, env: new Map(), path: [] }, 'run', []);
    return this.out;
  }

  /** Checks one function body on its own (names, parameters, offsets, read flavours, call arguments). */
  checkFunction(fn: FunctionDef): void {
    const env = new Map<string, Value>(fn.params.map((p) => [p.name, { kind: 'opaque' }]));
    this.out = [];
    this.walk(fn.steps, { fn, outer: [], env, path: [fn.name] }, 'check', [fn.name]);
    this.out = [];
  }

  // ---------------------------------------------------------------- walking

  private walk(steps: RawStep[], scope: Scope, mode: 'run' | 'check', chain: string[]): void {
    for (const step of steps) {
      const at = this.offset(step, scope);
      const here = scope.fn ? [frameOf(scope.fn, at), ...scope.outer] : scope.outer;
      switch (step.kind) {
        case 'lock':
          this.lockStep(step, scope, here, mode);
          break;
        case 'irqstate':
          if (mode === 'run') {
            const stack = [...step.via, ...here];
            this.emit({ op: step.op, span: step.span, stack, path: scope.path, ip: this.ip(step.ip, stack, step.via.length, step.ipSpan, step.span) });
          }
          break;
        case 'sysexit':
          if (mode === 'run') this.emit({ op: 'sysexit', span: step.span, stack: [...step.via, ...here], path: scope.path });
          break;
        case 'context':
          if (mode === 'run') this.emit({ op: 'irq-enter', context: step.context, span: step.span, stack: here, path: scope.path });
          this.walk(step.steps, scope, mode, chain);
          if (mode === 'run') this.emit({ op: 'irq-exit', span: step.span, stack: here, path: scope.path });
          break;
        case 'call': {
          const target = this.resolveFunction(step.target, scope);
          if (target === null) break; // `~` function argument: nothing to call
          if (target === 'opaque') {
            // check mode, `call: $param`: the arguments can still be checked for parameter names.
            for (const { arg } of step.args.values()) this.evalArg(arg, scope);
            break;
          }
          const args = this.bindArgs(target.fn, target.args, step.args, scope, step.span, true);
          if (mode === 'check') break;
          // A function may legitimately appear twice in a stack when reached through function
          // arguments (the driver core does: device_release_driver_internal() under itself), so
          // only runaway depth is an error here; literal call cycles are found by findRecursion.
          if (chain.length >= MAX_CALL_DEPTH) {
            throw inputError(
              'schema',
              `calls nest deeper than ${MAX_CALL_DEPTH} functions (recursion through function arguments?): ${chain.slice(-6).map((n) => `\`${n}\``).join(' → ')} → \`${target.fn.name}\` …`,
              step.span,
              'functions are expanded inline; a function argument that passes itself on never ends',
            );
          }
          this.walk(target.fn.steps, { fn: target.fn, outer: here, env: args, path: [...scope.path, target.fn.name] }, mode, [...chain, target.fn.name]);
          break;
        }
      }
    }
  }

  private emit(step: Step): void {
    if (this.out.length >= MAX_STEPS) {
      throw inputError('schema', `the scenario expands to more than ${MAX_STEPS} steps`, step.span, 'functions are expanded inline; reduce repeated calls');
    }
    this.out.push(step);
  }

  /** `at:` of a step: only inside a function, and within its size. */
  private offset(step: RawStep, scope: Scope): number {
    if (!step.at) return 0;
    if (!scope.fn) {
      throw inputError(
        'schema',
        '`at:` is the offset inside the enclosing function, but this step is not inside a function',
        step.at.span,
        'move the step into a function under `functions:`, or drop `at:` (task-level steps use the task `stack:`)',
      );
    }
    if (step.at.value >= scope.fn.size) {
      throw inputError(
        'schema',
        `offset 0x${step.at.value.toString(16)} is past the end of \`${scope.fn.name}\` (size 0x${scope.fn.size.toString(16)})`,
        step.at.span,
        `offsets are relative to the start of the function and must be below its \`size\``,
      );
    }
    return step.at.value;
  }

  /** Chooses the acquire/release ip from the step's stack (`via` frames come first). */
  private ip(spec: IpSpec, stack: Frame[], viaLength: number, ipSpan: SourceSpan, stepSpan: SourceSpan): Frame {
    if (spec.kind === 'frame') return spec.frame;
    const idx = spec.kind === 'self' ? viaLength : viaLength + 1;
    const f = stack[idx];
    if (f) return f;
    if (spec.kind === 'self') {
      throw inputError(
        'schema',
        'cannot tell the `at:` ip of this step: it is not inside a function and its task has no `stack:`',
        stepSpan,
        'call it from a function under `functions:`, give the task a `stack:`, or write `ip: some_function+0x10/0x80`',
      );
    }
    throw inputError(
      'schema',
      '`ip: caller` needs a frame outside the enclosing function, but there is none',
      ipSpan,
      'call the enclosing function from another function or give the task a `stack:`; or write the ip as a frame string',
    );
  }

  // ---------------------------------------------------------------- lock steps

  private lockStep(step: RawLockStep, scope: Scope, here: Frame[], mode: 'run' | 'check'): void {
    const ref = this.resolveLock(step.ref, scope);
    const nest = step.nest ? this.resolveLock(step.nest, scope) : null;
    if (ref === null || ref === 'opaque') return; // no lockdep map here / unknown until called
    const cls = this.decl.classes.get(ref.lock)!;
    const acquire = (read: 0 | 1 | 2, trylock: boolean, qrwlockRead = false): AcquireStep => {
      const stack = [...step.via, ...here];
      const a: AcquireStep = {
        op: 'acquire',
        span: step.span,
        stack,
        path: scope.path,
        ref,
        read,
        trylock,
        subclass: step.subclass?.value ?? 0,
        check: (step.check ?? true) && !cls.novalidate && !kindIsUnchecked(cls.kind),
        ip: mode === 'run' ? this.ip(step.ip, stack, step.via.length, step.ipSpan, step.span) : NO_FRAME,
      };
      if (qrwlockRead) a.qrwlockRead = true;
      if (nest !== null && nest !== 'opaque') a.nest = nest;
      if (trylock && step.onFail) a.onFail = step.onFail;
      return a;
    };
    const reader = (trylock: boolean): AcquireStep => {
      const flavour = readFlavourOf(cls.kind);
      if (flavour === 'none') {
        throw inputError(
          'schema',
          `\`${step.op}\` of \`${cls.id}\`: a ${cls.kind} has no read side`,
          step.ref.span,
          `use \`${trylock ? 'trylock' : 'lock'}: ${step.ref.value}\`, or declare \`${cls.id}\` with a kind that has readers (rw_semaphore, percpu_rw_semaphore, rwlock, kernfs_active, lockdep_map, …)`,
        );
      }
      if (flavour === 'qrwlock') return acquire(2, trylock, true);
      return acquire(flavour === 'r' ? 1 : 2, trylock);
    };

    let s: Step;
    switch (step.op) {
      case 'lock':
        s = acquire(0, false);
        break;
      case 'trylock':
        s = acquire(0, true);
        break;
      case 'read':
        s = reader(false);
        break;
      case 'read_trylock':
        s = reader(true);
        break;
      case 'recursive_read':
        if (readFlavourOf(cls.kind) === 'none') {
          throw inputError('schema', `\`recursive_read\` of \`${cls.id}\`: a ${cls.kind} has no read side`, step.ref.span, `use \`lock: ${step.ref.value}\``);
        }
        s = acquire(2, false);
        break;
      case 'free':
        s = { op: 'free', span: step.span, stack: [...step.via, ...here], path: scope.path, ref };
        break;
      case 'unlock':
      case 'downgrade':
      case 'set_subclass': {
        const stack = [...step.via, ...here];
        const ip = mode === 'run' ? this.ip(step.ip, stack, step.via.length, step.ipSpan, step.span) : NO_FRAME;
        const common = { span: step.span, stack, path: scope.path, ref, ip };
        s =
          step.op === 'unlock'
            ? { op: 'release', ...common }
            : step.op === 'downgrade'
              ? { op: 'downgrade', ...common }
              : { op: 'setsub', ...common, subclass: step.subclass?.value ?? 0 };
        break;
      }
    }
    if (mode === 'run') this.emit(s);
  }

  /** `X`, `X@N` or `$param` → a lock object; null when bound to `~`; 'opaque' in check mode. */
  private resolveLock(name: NameText, scope: Scope): LockRef | null | 'opaque' {
    if (!name.value.startsWith('$')) return this.parseRef(name.value, name.span);
    const v = this.param(name, scope);
    switch (v.kind) {
      case 'opaque':
        return 'opaque';
      case 'null':
        return null;
      case 'closure':
        throw inputError(
          'schema',
          `\`${name.value}\` is bound to a function (\`${v.fn.name}\`), not a lock`,
          name.span,
          `the argument was written at ${v.span.line}:${v.span.col}`,
        );
      case 'text':
        return this.parseRef(v.text, v.span);
    }
  }

  private parseRef(text: string, span: SourceSpan): LockRef {
    const byName = [...this.decl.classes.values()].find((c) => c.name === text && c.id !== text);
    const m = REF_RE.exec(text);
    const cls = m ? this.decl.classes.get(m[1]!) : undefined;
    if (m && cls) return { lock: cls.id, instance: m[2] ? Number(m[2]) : 0 };
    const ids = [...this.decl.classes.keys()];
    let hint: string;
    if (byName) hint = `\`${text}\` is the printed name of class \`${byName.id}\`; steps refer to classes by their id: write \`${byName.id}\``;
    else if (ids.length === 0) hint = 'no lock classes are declared; add them under `classes:` (e.g. `classes: { A: mutex }`)';
    else {
      const guess = m ? closest(m[1]!, ids) : undefined;
      hint = `${guess ? `did you mean \`${guess}\`? ` : ''}declared classes: ${listNames(ids)}`;
    }
    if (!m && !byName) {
      throw inputError('schema', `malformed lock reference "${text}"`, span, `a lock reference is a class id (\`A\`), an instance (\`A@1\`) or a parameter (\`$lock\`); ${hint}`);
    }
    if (this.decl.functions.has(m?.[1] ?? '')) hint += ` (\`${m![1]}\` is a function, not a lock)`;
    throw inputError('unknown-lock', `unknown lock \`${m ? m[1] : text}\``, span, hint);
  }

  // ---------------------------------------------------------------- calls and parameters

  private param(name: NameText, scope: Scope): Value {
    const p = name.value.slice(1);
    if (!scope.fn) {
      throw inputError('schema', `parameter \`${name.value}\` used outside a function`, name.span, 'task steps have no parameters; write the lock or function name itself');
    }
    const v = scope.env.get(p);
    if (v) return v;
    const params = scope.fn.params.map((x) => x.name);
    const guess = closest(p, params);
    throw inputError(
      'schema',
      `\`${scope.fn.name}\` has no parameter \`${p}\``,
      name.span,
      params.length === 0
        ? `declare it: \`params: [${p}]\` in \`${scope.fn.name}\``
        : `${guess ? `did you mean \`$${guess}\`? ` : ''}parameters of \`${scope.fn.name}\`: ${listNames(params.map((x) => `$${x}`))}`,
    );
  }

  private lookupFunction(text: string, span: SourceSpan): FunctionDef {
    const fn = this.decl.functions.get(text);
    if (fn) return fn;
    const names = [...this.decl.functions.keys()];
    const guess = closest(text, names);
    let hint =
      names.length === 0
        ? 'no functions are declared; add them under `functions:`'
        : `${guess ? `did you mean \`${guess}\`? ` : ''}declared functions: ${listNames(names)}`;
    if (this.decl.classes.has(text)) hint = `\`${text}\` is a lock class, not a function; ${hint}`;
    throw inputError('unknown-function', `unknown function \`${text}\``, span, hint);
  }

  /** `call:` target → the function and the arguments it already carries (closures). */
  private resolveFunction(name: NameText, scope: Scope): { fn: FunctionDef; args: Map<string, Value> } | null | 'opaque' {
    if (!name.value.startsWith('$')) return { fn: this.lookupFunction(name.value, name.span), args: new Map() };
    const v = this.param(name, scope);
    switch (v.kind) {
      case 'opaque':
        return 'opaque';
      case 'null':
        return null;
      case 'closure':
        return { fn: v.fn, args: v.args };
      case 'text':
        return { fn: this.lookupFunction(v.text, v.span), args: new Map() };
    }
  }

  /** Evaluates an argument in the caller's scope (`$x` is looked up now: arguments are by value). */
  private evalArg(arg: RawArg, scope: Scope): Value {
    switch (arg.kind) {
      case 'null':
        return { kind: 'null', span: arg.span };
      case 'text':
        return arg.text.startsWith('$') ? this.param({ value: arg.text, span: arg.span }, scope) : { kind: 'text', text: arg.text, span: arg.span };
      case 'closure': {
        const target = this.resolveFunction(arg.target, scope);
        if (target === null) return { kind: 'null', span: arg.span };
        if (target === 'opaque') {
          for (const { arg: a } of arg.args.values()) this.evalArg(a, scope);
          return { kind: 'opaque' };
        }
        return { kind: 'closure', fn: target.fn, args: this.bindArgs(target.fn, target.args, arg.args, scope, arg.span, false), span: arg.span };
      }
    }
  }

  /**
   * Binds `args:` to the callee's parameters, on top of those a closure already carries. With
   * `complete`, every required parameter must be bound and optional ones default to `~`.
   */
  private bindArgs(fn: FunctionDef, carried: Map<string, Value>, written: RawArgs, scope: Scope, span: SourceSpan, complete: boolean): Map<string, Value> {
    const bound = new Map(carried);
    const names = fn.params.map((p) => p.name);
    for (const [key, { arg, keySpan }] of written) {
      if (!names.includes(key)) {
        const guess = closest(key, names);
        throw inputError(
          'schema',
          `\`${fn.name}\` has no parameter \`${key}\``,
          keySpan,
          names.length === 0 ? `\`${fn.name}\` takes no arguments; remove \`args:\` or declare \`params:\`` : `${guess ? `did you mean \`${guess}\`? ` : ''}parameters: ${listNames(names)}`,
        );
      }
      if (carried.has(key)) {
        throw inputError('schema', `argument \`${key}\` of \`${fn.name}\` is already bound by the function argument passed in`, keySpan, 'bind each parameter once');
      }
      bound.set(key, this.evalArg(arg, scope));
    }
    if (complete) {
      for (const p of fn.params) {
        if (bound.has(p.name)) continue;
        if (!p.optional) {
          throw inputError(
            'schema',
            `call of \`${fn.name}\` is missing argument \`${p.name}\``,
            span,
            `add \`args: { ${p.name}: … }\` (a lock, a function, or \`~\` for none), or declare it optional: \`params: [${p.name}?]\``,
          );
        }
        bound.set(p.name, { kind: 'null', span });
      }
    }
    return bound;
  }
}

/** The frame a function shows while the step at `offset` runs in it. */
export function frameOf(fn: FunctionDef, offset: number): Frame {
  const f: Frame = { symbol: fn.name, offset, size: fn.size };
  if (fn.module) f.module = fn.module;
  return f;
}

/** Placeholder ip for check mode (never emitted). */
const NO_FRAME: Frame = { symbol: '?', offset: 0, size: 0 };

/**
 * Finds a cycle among literal `call:` edges (calls through parameters are caught when expanded).
 * Returns the call step that closes it and the cycle's names.
 */
export function findRecursion(functions: Map<string, FunctionDef>): { span: SourceSpan; cycle: string[] } | undefined {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const calls = (steps: RawStep[]): { name: string; span: SourceSpan }[] =>
    steps.flatMap((s) =>
      s.kind === 'call' && !s.target.value.startsWith('$')
        ? [{ name: s.target.value, span: s.span }]
        : s.kind === 'context'
          ? calls(s.steps)
          : [],
    );
  const visit = (name: string): { span: SourceSpan; cycle: string[] } | undefined => {
    state.set(name, 'active');
    stack.push(name);
    for (const c of calls(functions.get(name)!.steps)) {
      if (!functions.has(c.name)) continue;
      if (state.get(c.name) === 'active') return { span: c.span, cycle: [...stack.slice(stack.indexOf(c.name)), c.name] };
      if (!state.has(c.name)) {
        const r = visit(c.name);
        if (r) return r;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of functions.keys()) {
    if (state.has(name)) continue;
    const r = visit(name);
    if (r) return r;
  }
  return undefined;
}
