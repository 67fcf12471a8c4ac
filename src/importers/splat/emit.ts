/**
 * Plan → scenario YAML text (docs/scenario-format.md), with the importer's explanations as YAML
 * comments, built with the `yaml` package's Document API.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { formatFrame, type Frame } from '../../model/frame.js';
import type { Plan, PlanStep } from './model.js';

function comment(lines: readonly string[]): string {
  return lines.map((l) => ` ${l}`).join('\n');
}

function scalar(v: string | number | boolean, trailing?: string): Scalar {
  const s = new Scalar(v);
  if (trailing) s.comment = ` ${trailing}`;
  return s;
}

function pair(key: string, value: Node, before?: readonly string[]): Pair {
  const k = new Scalar(key);
  if (before && before.length) k.commentBefore = comment(before);
  return new Pair(k, value);
}

function map(entries: Pair[], flow = false): YAMLMap {
  const m = new YAMLMap();
  m.items.push(...entries);
  if (flow) m.flow = true;
  return m;
}

function frames(fs: readonly Frame[]): YAMLSeq {
  const s = new YAMLSeq();
  for (const f of fs) s.items.push(scalar(formatFrame(f)));
  if (fs.length <= 1) s.flow = true;
  return s;
}

function step(s: PlanStep): YAMLMap {
  const entries: Pair[] = [];
  switch (s.op) {
    case 'lock':
    case 'read':
    case 'trylock':
    case 'read_trylock':
    case 'recursive_read':
      entries.push(pair(s.op, scalar(s.ref)));
      if (s.subclass) entries.push(pair('subclass', scalar(s.subclass)));
      if (s.nest) entries.push(pair('nest_lock', scalar(s.nest)));
      if (s.ip) entries.push(pair('ip', scalar(formatFrame(s.ip))));
      break;
    case 'unlock':
      entries.push(pair('unlock', scalar(s.ref)));
      if (s.ip) entries.push(pair('ip', scalar(formatFrame(s.ip))));
      break;
    case 'irq':
    case 'bh':
      entries.push(pair(s.op, scalar(s.on ? 'on' : 'off')));
      break;
    case 'hardirq':
    case 'softirq': {
      const seq = new YAMLSeq();
      for (const x of s.steps) seq.items.push(step(x));
      entries.push(pair(s.op, seq));
      break;
    }
    case 'free':
      entries.push(pair('free', scalar(s.ref)));
      break;
    case 'return_to_user':
      entries.push(pair('return_to_user', scalar(true)));
      break;
  }
  const m = map(entries);
  if (s.comment) m.commentBefore = comment([s.comment]);
  return m;
}

function anchorName(taskName: string): string {
  return taskName.replace(/[^\w-]+/g, '_').replace(/^_+|_+$/g, '') || 'task';
}

/** The YAML text of a plan. */
export function emitPlan(plan: Plan): string {
  const doc = new Document();
  const root = new YAMLMap();
  doc.contents = root;
  doc.commentBefore = comment(['yaml-language-server: $schema=../schema/scenario.schema.json', '', ...plan.header]);

  root.items.push(pair('kernel', scalar(plan.kernel), plan.kernelComment ? [plan.kernelComment] : undefined));
  if (plan.taint !== undefined) root.items.push(pair('taint', scalar(plan.taint)));
  if (plan.hardware !== undefined) root.items.push(pair('hardware', scalar(plan.hardware)));
  if (plan.arch) root.items.push(pair('arch', scalar(plan.arch.arch), [plan.arch.evidence]));
  const config: Pair[] = [];
  const why: string[] = [];
  if (plan.debugLockdep) {
    config.push(pair('debug_lockdep', scalar(true)));
    why.push('the class headers print `ops: N`: CONFIG_DEBUG_LOCKDEP was on');
  }
  if (plan.proveRawLockNesting !== undefined) {
    config.push(pair('prove_raw_lock_nesting', scalar(plan.proveRawLockNesting)));
    why.push(
      `the report's wait types (${plan.proveRawLockNesting ? 'sleeping locks {4:4}, spinlock_t {3:3}' : 'sleeping locks {3:3}, spinlock_t {2:2}'}) say CONFIG_PROVE_RAW_LOCK_NESTING was ${plan.proveRawLockNesting ? 'on' : 'off'}`,
    );
  }
  if (config.length) root.items.push(pair('config', map(config), why));
  if (plan.kernelFrames.length) {
    const kf = map(plan.kernelFrames.map((k) => pair(k.key, frames(k.frames), k.comment ? [k.comment] : undefined)));
    root.items.push(pair('kernel_frames', kf, ["lockdep's own frames as this build printed them"]));
  }

  const classes = map(
    plan.classes.map((c) => {
      const entries: Pair[] = [];
      if (c.name !== c.id) entries.push(pair('name', scalar(c.name)));
      entries.push(pair('kind', scalar(c.kind)));
      if (c.version !== undefined) entries.push(pair('version', scalar(c.version)));
      if (c.novalidate) entries.push(pair('novalidate', scalar(true)));
      if (c.wait) entries.push(pair('wait', map([pair('outer', scalar(c.wait.outer)), pair('inner', scalar(c.wait.inner))], true)));
      return pair(c.id, map(entries), c.comments);
    }),
  );
  root.items.push(pair('classes', classes));

  const tasks = new YAMLSeq();
  // A stack printed more than once (several usage bits, a dependency and the report) is written
  // once and aliased after that.
  const stacks = new Map<string, { node: YAMLSeq; owner: string }>();
  const anchors = new Set<string>();
  for (const t of plan.tasks) {
    const entries: Pair[] = [pair('name', scalar(t.name))];
    if (t.pid !== undefined) entries.push(pair('pid', scalar(t.pid)));
    if (t.cpu !== undefined) entries.push(pair('cpu', scalar(t.cpu)));
    const key = t.stack.map(formatFrame).join('\n');
    const seen = t.stack.length > 1 ? stacks.get(key) : undefined;
    if (seen) {
      if (!seen.node.anchor) {
        let name = `${anchorName(seen.owner)}_stack`;
        for (let i = 2; anchors.has(name); i++) name = `${anchorName(seen.owner)}_stack${i}`;
        anchors.add(name);
        seen.node.anchor = name;
      }
      entries.push(pair('stack', doc.createAlias(seen.node)));
    } else {
      const node = frames(t.stack);
      stacks.set(key, { node, owner: t.name });
      entries.push(pair('stack', node));
    }
    const steps = new YAMLSeq();
    for (const s of t.steps) steps.items.push(step(s));
    entries.push(pair('steps', steps));
    const m = map(entries);
    if (t.comments.length) m.commentBefore = comment(t.comments);
    tasks.items.push(m);
  }
  root.items.push(pair('tasks', tasks));
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
