/**
 * Text output of `lockdep-sim explain A B`: for each direction, every recorded path with the step,
 * task, call path and stack that created each dependency, its kinds, and whether it is strong.
 */
import type { ExplainDirection, Explanation } from '../../check/explain.js';
import { formatSpan } from '../../model/span.js';

function directionText(d: ExplainDirection): string[] {
  const out: string[] = [];
  if (!d.paths.length) {
    out.push(`${d.from} -> .. -> ${d.to}: no recorded path (${d.to} was never taken while ${d.from}, or a lock taken after it, was held)`);
    return out;
  }
  out.push(`${d.from} -> .. -> ${d.to}: ${d.paths.length}${d.truncated ? '+' : ''} path${d.paths.length === 1 ? '' : 's'}${d.truncated ? ' (listing capped; raise --max-paths)' : ''}`);
  d.paths.forEach((p, i) => {
    out.push(`  path ${i + 1}: ${p.classes.join(' -> ')}  (${p.dependencies.length === 1 ? 'direct, ' : ''}${p.strong ? 'strong' : 'not strong: a recursive read followed by a shared holder'})`);
    for (const dep of p.dependencies) {
      out.push(`    ${dep.from} -> ${dep.to}  [${dep.kinds.join(',')}${dep.rejected ? `; not stored: ${dep.rejected}` : ''}]  created at ${formatSpan(dep.at)} by ${dep.task}`);
      if (dep.path?.length) out.push(`      call path: ${dep.path.join(' > ')}`);
      if (dep.stack.length) {
        out.push('      stack:');
        for (const s of dep.stack) out.push(`        ${s}`);
      }
    }
  });
  return out;
}

export function renderExplainText(e: Explanation): string {
  const out = [`explain ${e.a} and ${e.b}`, '', ...directionText(e.forward), '', ...directionText(e.backward), ''];
  if (e.cycle) {
    out.push(
      e.cycle.strong
        ? `verdict: ${e.a} and ${e.b} are on a strong cycle: a possible deadlock (lockdep reports it when the closing dependency is recorded).`
        : `verdict: ${e.a} and ${e.b} are on a cycle, but only through recursive reads: not a deadlock under modern semantics (reference §2.3).`,
    );
  } else if (e.forward.paths.length || e.backward.paths.length) {
    const [x, y] = e.forward.paths.length ? [e.a, e.b] : [e.b, e.a];
    out.push(`verdict: one direction only: ${x} is taken before ${y}; taking ${x} while holding ${y} would close a cycle.`);
  } else {
    out.push(`verdict: no recorded ordering between ${e.a} and ${e.b}.`);
  }
  return `${out.join('\n')}\n`;
}
