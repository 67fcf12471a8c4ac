/**
 * Human output of `lockdep-sim check`: one block per finding, headed like a compiler diagnostic
 * (`file:line:col: error[rule]: message`, clickable in terminals and editors), with the task, call
 * path and stack of the step, the dependencies involved (each with its own step), and for the
 * validator's reports the kernel splat itself. Then the ordering advice (feedback arc set and a
 * ranking ready to paste as policy `levels`), the baseline diff, and a summary line.
 */
import type { CheckFinding, CheckResult, DependencyRef, ExploreRef } from '../../check/result.js';
import { formatSchedule } from '../../explore/format.js';
import { formatSpan } from '../../model/span.js';

export interface CheckTextOptions {
  /** The kernel splat of a validator finding (input index, finding index). */
  splat?: (input: number, index: number) => string | undefined;
}

function plural(n: number, w: string, ws = `${w}s`): string {
  return `${n} ${n === 1 ? w : ws}`;
}

/** A YAML scalar for the suggested policy: plain when safe, else JSON-quoted (valid YAML). */
export function yamlScalar(s: string): string {
  return /^[A-Za-z_][\w.()-]*$/.test(s) ? s : JSON.stringify(s);
}

function depLines(d: DependencyRef, indent: string): string[] {
  const tags = [d.kinds.join(','), ...(d.rejected ? [`not stored: ${d.rejected}`] : []), ...(d.baseline ? [d.baseline] : [])];
  const out = [`${indent}${d.from} -> ${d.to}  [${tags.join('; ')}]  ${formatSpan(d.at)}  ${d.task}`];
  if (d.path?.length) out.push(`${indent}    call path: ${d.path.join(' > ')}`);
  if (d.stack.length) out.push(`${indent}    stack: ${d.stack.join(' < ')}`);
  return out;
}

/** A confirmed verdict's schedule: the table (one column per task), then where each blocked task waits. */
function scheduleLines(x: ExploreRef): string[] {
  const s = x.schedule!;
  const out = [`  deadlocking schedule (explore${x.input !== undefined ? `, input #${x.input}` : ''}):`];
  for (const l of formatSchedule(s).trimEnd().split('\n')) out.push(l ? `  ${l}` : l);
  for (const b of s.blocked) if (b.at) out.push(`  ${s.tasks[b.column]!.name} waits at ${formatSpan(b.at)}${b.fn ? ` (${b.fn})` : ''}`);
  return out;
}

function findingBlock(f: CheckFinding, r: CheckResult, opts: CheckTextOptions): string {
  const tags = [...(f.suppressed ? ['suppressed'] : []), ...(f.baselineState ? [f.baselineState] : [])];
  const lines = [`${formatSpan(f.location)}: ${f.level}[${f.ruleId}]: ${f.message}${tags.length ? ` (${tags.join(', ')})` : ''}`];
  if (f.suppressed) lines.push(`  allowed by the policy exception at ${formatSpan(f.suppressed.at)}: ${f.suppressed.reason}`);
  const x = f.explore;
  if (x && f.ruleId !== 'lockdep-sim/unreported-deadlock') {
    lines.push(`  explore: ${x.summary}${x.reason ? `: ${x.reason.text}` : ''}${x.demotedFrom ? ` (lowered from ${x.demotedFrom} to note by --explore-refuted-pass)` : ''}`);
  }
  if (f.task) lines.push(`  task: ${f.task}${f.validator && f.validator.count > 1 ? ` (hit ${f.validator.count} times)` : ''}`);
  if (f.path?.length) lines.push(`  call path: ${f.path.join(' > ')}`);
  if (f.stack.length) {
    lines.push('  stack:');
    for (const s of f.stack) lines.push(`    ${s}`);
  }
  if (f.dependencies.length) {
    lines.push(f.cycle ? '  cycle:' : '  dependencies:');
    for (const d of f.dependencies) lines.push(...depLines(d, '    '));
  }
  if (f.cycle) {
    const c = r.cycles.find((x) => x.id === f.cycle);
    if (c?.closedBy) lines.push(`  closed by the new dependency ${c.closedBy.from} -> ${c.closedBy.to} (${formatSpan(c.closedBy.at)})`);
  }
  for (const x of f.related ?? []) lines.push(`  ${x.message} at ${formatSpan(x.location)}`);
  if (f.explore?.schedule) lines.push(...scheduleLines(f.explore));
  let text = `${lines.join('\n')}\n`;
  if (f.validator && opts.splat) {
    const s = opts.splat(f.validator.input, f.validator.index);
    if (s) text += s;
  }
  return text;
}

export function renderCheckText(r: CheckResult, opts: CheckTextOptions = {}): string {
  const parts: string[] = [];
  const g = r.graph;
  const strong = r.cycles.filter((c) => c.strong).length;
  parts.push(
    `lockdep-sim check: ${plural(r.inputs.length, 'input')}, ${plural(g.classes, 'class', 'classes')}, ${plural(g.dependencies, 'dependency', 'dependencies')}` +
      `${g.rejected ? ` (${g.rejected} not stored by the validator)` : ''}, ${plural(g.components.length, 'cyclic component')}, ${plural(strong, 'strong cycle')}` +
      `${r.policy ? `; policy ${r.policy.file}` : ''}${r.baseline ? `; baseline ${r.baseline.file}` : ''}\n`,
  );
  for (const f of r.findings) parts.push(`\n${findingBlock(f, r, opts)}`);
  for (const c of g.components) if (c.truncated) parts.push(`\nnote: ${c.truncated}\n`);

  const o = r.ordering;
  const ord: string[] = [];
  if (o.consistent) {
    ord.push('ordering: the observed dependencies are consistent (no cycle).');
  } else {
    const exact = o.components.every((c) => c.method === 'exact');
    ord.push(
      `ordering: the observed dependencies are inconsistent; the smallest set to change (${exact ? 'exact minimum' : 'heuristic for components over the exact limit (Eades-Lin-Smyth)'}) is ${plural(o.feedback.length, 'dependency', 'dependencies')}:`,
    );
    for (const d of o.feedback) ord.push(...depLines(d, '  '));
  }
  if (o.levels.length) {
    ord.push(`a consistent ranking${o.consistent ? '' : ' of the rest'} (paste as policy levels, outermost first):`);
    ord.push('  levels:');
    for (const l of o.levels) ord.push(`    - [${l.map(yamlScalar).join(', ')}]`);
  }
  parts.push(`\n${ord.join('\n')}\n`);

  if (r.baseline) {
    const b = r.baseline;
    const bl = [
      `baseline ${b.file}: ${plural(b.added.length, 'new dependency', 'new dependencies')}, ${plural(b.removed.length, 'removed dependency', 'removed dependencies')}, ${plural(b.widened.length, 'dependency', 'dependencies')} with new kinds, ${plural(b.newCycles.length, 'new cycle')}`,
    ];
    for (const d of b.added) bl.push(`  + ${d.from} -> ${d.to} [${d.kinds.join(',')}] ${formatSpan(d.at)}`);
    for (const d of b.removed) bl.push(`  - ${d.from} -> ${d.to} [${d.kinds.join(',')}]`);
    for (const d of b.widened) bl.push(`  ~ ${d.from} -> ${d.to} +[${d.added.join(',')}]`);
    for (const c of b.newCycles) bl.push(`  new cycle: ${c}`);
    parts.push(`\n${bl.join('\n')}\n`);
  }
  const s = r.summary;
  const x = r.explore;
  const states = x ? x.inputs.reduce((n, i) => n + i.states, 0) : 0;
  const explored = x
    ? `; explore: ${x.confirmed} confirmed, ${x.refuted} refuted, ${x.unknown} unknown, ${plural(x.unreported, 'unreported deadlock')} (${plural(states, 'state')} searched${x.inputs.every((i) => i.complete || i.stoppedBy === 'goal') ? '' : ', incomplete'}${x.refutedPass ? '; refuted cycles are notes' : ''})`
    : '';
  parts.push(
    `\nsummary: ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${plural(s.note, 'note')}${s.suppressed ? `, ${s.suppressed} suppressed by policy exceptions` : ''}${s.unchanged ? `, ${s.unchanged} unchanged from the baseline` : ''}${explored}\n`,
  );
  return parts.join('');
}
