/**
 * Explorer results as text: one line per cycle (for `run --explore`), and the full report with
 * each confirmed deadlock's schedule as a table, one column per task:
 *
 *     # | foo-ctl/412            | kworker/1:2/87         | source
 *    ---+------------------------+------------------------+---------------------------
 *     1 | lock(&foo->dev_lock)   |                        | abba.yaml:25 foo_ioctl
 *     2 |                        | lock(foo_list_lock)    | abba.yaml:45 foo_scan_work
 *    ---+------------------------+------------------------+---------------------------
 *       | BLOCKED                | BLOCKED                |
 *       | waits for foo_list_... | waits for &foo->dev... |
 *
 * Pure: results in, strings out (the elapsed time, which is not deterministic, is the caller's).
 */
import type { ExploreResult, Schedule, SearchSummary, UnreportedDeadlock } from './explore.js';

function cycleText(r: ExploreResult): string {
  return r.kind === 'recursive' ? `${r.cycle[0]} -> ${r.cycle[0]}` : [...r.cycle, r.cycle[0]].join(' -> ');
}

function coverage(s: SearchSummary): string {
  const why = s.stoppedBy === 'time' ? 'time budget' : `state budget of ${s.maxStates}`;
  return `${why} exhausted after ${s.states} states (${s.transitions} transitions, schedules up to ${s.maxDepth} moves, ${s.pending ?? 0} branches still open)`;
}

/** One line per cycle: `explore: <cycle>: <verdict> (<why>)`. */
export function formatExploreLine(r: ExploreResult): string {
  let why: string;
  switch (r.verdict) {
    case 'confirmed': {
      const s = r.schedule!;
      const who = s.tasks.filter((t) => t.deadlocked).map((t) => t.name);
      why = `${who.length === 1 ? `${who[0]} waits for itself` : `${who.join(', ')} deadlock`} on ${r.deadlockClasses!.join(', ')}; ${s.rows.length}-step schedule`;
      break;
    }
    case 'refuted':
      why = r.reason ? `${r.reason.kind}${r.reason.lock ? `: ${r.reason.lock}` : ''}` : 'no deadlocking schedule';
      why += r.reason?.proof ? '; for every interleaving' : `; all ${r.search.states} states searched`;
      break;
    case 'unknown':
      why = r.note ?? coverage(r.search);
      break;
  }
  return `explore: ${cycleText(r)}: ${r.verdict} (${why})`;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - s.length));
}

/** The schedule as a k-column table (plus step number and source columns). */
export function formatSchedule(s: Schedule): string {
  const k = s.tasks.length;
  const body: string[][] = s.rows.map((row) => {
    const cells = new Array<string>(k).fill('');
    cells[row.column] = row.text;
    const file = row.at.file.split('/').pop();
    return cells.concat(`${file}:${row.at.line}${row.fn ? ` ${row.fn}` : ''}`);
  });
  const tail: string[][] = [];
  const blocked = new Map(s.blocked.map((b) => [b.column, b]));
  const lines = s.tasks.map((t, i) => {
    const b = blocked.get(i);
    if (!b) return [t.deadlocked ? 'BLOCKED' : '(not blocked)'];
    const out = [`BLOCKED${b.queued ? ' (queued)' : b.spinning ? ' (spinning)' : ''}`, `waits for ${b.waitsFor} (${b.mode})`];
    for (const h of b.heldBy) out.push(`held by ${h.task} (${h.mode})`);
    for (const q of b.behind) out.push(`behind writer ${q}`);
    return out;
  });
  const height = Math.max(...lines.map((l) => l.length));
  for (let j = 0; j < height; j++) tail.push([...lines.map((l) => l[j] ?? ''), '']);
  const head = [...s.tasks.map((t) => t.name), 'source'];
  const numW = String(body.length).length;
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length), ...tail.map((r) => r[i]!.length)));
  const line = (num: string, cells: string[]) =>
    `  ${pad(num, numW)} | ${cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join(' | ')}`.trimEnd();
  const rule = `  ${'-'.repeat(numW)}-+-${widths.map((w) => '-'.repeat(w)).join('-+-')}`;
  const out = [line('#', head), rule, ...body.map((r, i) => line(String(i + 1).padStart(numW), r)), rule, ...tail.map((r) => line('', r))];
  return `${out.join('\n')}\n`;
}

/** One line for a deadlock lockdep did not report. */
export function formatUnreportedLine(u: UnreportedDeadlock): string {
  const who = u.schedule.tasks.filter((t) => t.deadlocked).map((t) => t.name);
  return `explore: unreported deadlock on ${u.classes.join(', ')}: ${who.length === 1 ? `${who[0]} waits for itself` : `${who.join(', ')} wait for each other`} (${u.schedule.rows.length}-step schedule)`;
}

function searchLine(s: SearchSummary): string {
  const how = s.complete ? 'complete' : s.stoppedBy === 'goal' ? 'stopped: every cycle confirmed' : 'INCOMPLETE';
  return `searched ${s.states} states, ${s.transitions} transitions, schedules up to ${s.maxDepth} moves (${how}; seed ${s.seed})`;
}

/**
 * The full text report of one scenario's exploration. `extra` adds the deadlocks lockdep did not
 * report (exploreAll) and the search figures when there was no cycle to attach them to.
 */
export function formatExplore(file: string, results: readonly ExploreResult[], extra: { unreported?: readonly UnreportedDeadlock[]; search?: SearchSummary } = {}): string {
  const unreported = extra.unreported ?? [];
  const s = results[0]?.search ?? extra.search;
  if (results.length === 0 && unreported.length === 0) {
    return `lockdep-sim explore: ${file}: no cycles reported${s && s.states ? `, and no deadlock found (${searchLine(s)})` : ', nothing to explore'}\n`;
  }
  const out: string[] = [];
  out.push(`lockdep-sim explore: ${file}`);
  if (s) out.push(searchLine(s));
  results.forEach((r, i) => {
    out.push('');
    out.push(`cycle ${i + 1} (${r.kind}, finding #${r.finding + 1}): ${cycleText(r)}`);
    switch (r.verdict) {
      case 'confirmed': {
        const sch = r.schedule!;
        const who = sch.tasks.filter((t) => t.deadlocked).map((t) => t.name);
        const partial = r.deadlockClasses!.length < new Set(r.cycle).size ? ` (a shortcut through ${r.deadlockClasses!.length} of the cycle's ${new Set(r.cycle).size} classes)` : '';
        out.push(`  CONFIRMED: ${who.length === 1 ? `${who[0]} waits for itself` : `${who.length} tasks wait for each other`} on ${r.deadlockClasses!.join(', ')}${partial}`);
        out.push('');
        out.push(formatSchedule(sch).trimEnd());
        break;
      }
      case 'refuted':
        out.push(
          `  REFUTED ${r.reason?.proof ? 'for every interleaving' : 'within bounds'}: ${r.reason ? r.reason.text : `no interleaving closes it (all ${r.search.states} states searched).`}`,
        );
        if (r.reason?.proof && r.search.complete) out.push(`  (the search agrees: none of the ${r.search.states} reachable states has these locks' waiters in a circle)`);
        else if (r.reason?.proof) out.push(`  (the search stopped after ${r.search.states} states; the argument above does not depend on it)`);
        else out.push(`  (bounds: the scenario's tasks, each run its \`repeat\` count; all ${r.search.states} states searched)`);
        break;
      case 'unknown':
        out.push(`  UNKNOWN: ${r.note ?? coverage(r.search)}`);
        break;
    }
  });
  unreported.forEach((u, i) => {
    const who = u.schedule.tasks.filter((t) => t.deadlocked).map((t) => t.name);
    out.push('');
    out.push(`deadlock ${i + 1} that lockdep did not report: on ${u.classes.join(', ')}`);
    out.push(`  ${who.length === 1 ? `${who[0]} waits for itself` : `${who.length} tasks wait for each other`} (through trylocks, check = 0 locks or dependencies lockdep never recorded)`);
    out.push('');
    out.push(formatSchedule(u.schedule).trimEnd());
  });
  return `${out.join('\n')}\n`;
}
