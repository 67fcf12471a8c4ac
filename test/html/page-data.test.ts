// The teaching page without a browser: its data model, escaping and the HTML shell.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textContextFor } from '../../src/cli/context.js';
import { exploreReport, type Schedule } from '../../src/explore/explore.js';
import { CLIENT_JS } from '../../src/html/client-script.js';
import { buildPageData, chainKey, escapeHtml, jsonForScript, pageCsp, pageSchedule, renderHtmlPage, type PageData } from '../../src/html/index.js';
import { PAGE_CSS } from '../../src/html/styles.js';
import { parseInput } from '../../src/input.js';
import { replay } from '../../src/validator/replay.js';
import { HOSTILE_YAML, TRICKY_NAMES } from './fixtures.js';

const SCENARIOS = path.resolve(__dirname, '../../scenarios');
const ORACLE = path.resolve(__dirname, '../../../shared/oracle/replay');

function load(file: string, text = readFileSync(file, 'utf8')) {
  const scenario = parseInput(text, file);
  const report = replay(scenario, { timeline: true });
  return { scenario, report, text: textContextFor(scenario) };
}

function pageData(file: string, text?: string, opts: { explore?: boolean } = {}): PageData {
  const { scenario, report, text: t } = load(file, text);
  return buildPageData(scenario, report, { text: t, ...(opts.explore ? { explore: exploreReport(scenario, report) } : {}) });
}

/** The JSON the page embeds, read back the way the browser does. */
function embedded(html: string): PageData {
  const m = /<script type="application\/json" id="lockdep-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as PageData;
}

describe('escaping', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  });

  it('embeds JSON that cannot end its script element and parses back unchanged', () => {
    const value = { names: [...TRICKY_NAMES, '</script><script>alert(1)</script>', '<!--', '\u2028\u2029'] };
    const s = jsonForScript(value);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(value);
  });
});

describe('chain keys', () => {
  it('mixes ids the way iterate_chain_key() does: deterministic, order-sensitive, era-dependent', () => {
    expect(chainKey([1, 2], true)).toMatch(/^[0-9a-f]{16}$/);
    expect(chainKey([1, 2], true)).toBe(chainKey([1, 2], true));
    expect(chainKey([1, 2], true)).not.toBe(chainKey([2, 1], true));
    expect(chainKey([1, 2], true)).not.toBe(chainKey([1, 2], false));
    expect(chainKey([], false)).toBe('0000000000000000');
    expect(chainKey([], true)).toBe('ffffffffffffffff');
  });
});

describe('page data of the 2019 hot-remove seed', () => {
  const d = pageData(path.join(SCENARIOS, 'mm-hotremove-2019.yaml'));
  const names = (ids: number[]) => ids.map((i) => d.classes[i]!.name);
  const taskOf = (frame: number) => d.tasks[d.frames[frame]!.task]!.label;

  it('has one frame per step that ran, tasks side by side, and every step placed', () => {
    expect(d.tasks.map((t) => t.label)).toEqual(['swapper/0/0', 'swapper/0/1', 'ndctl', 'bash', 'daxctl']);
    expect(d.frames).toHaveLength(d.tasks.reduce((n, t) => n + t.steps.length, 0));
    for (const t of d.tasks) for (const s of t.steps) expect(s.frame).toBeGreaterThanOrEqual(0);
    const boot = d.tasks[0]!.steps[1]!;
    expect(boot.label).toBe('read cpu_hotplug_lock.rw_sem');
    expect(boot.path).toEqual(['start_kernel', 'ptlock_cache_init', 'kmem_cache_create', 'kmem_cache_create_usercopy', 'cpus_read_lock']);
  });

  it('fires the circular report at daxctl step 10 with the held locks of that moment', () => {
    expect(d.findings).toHaveLength(1);
    const f = d.findings[0]!;
    expect(f.title).toBe('possible circular locking dependency detected');
    expect(taskOf(f.frame)).toBe('daxctl');
    expect(d.frames[f.frame]!.step).toBe(9);
    expect(d.frames[f.frame]!.findings).toEqual([0]);
    const before = d.frames[f.frame - 1]!;
    expect(names(before.held.map((h) => h.cls))).toEqual([
      'sb_writers#4',
      '&of->mutex',
      '&dev->mutex',
      'device_hotplug_lock',
      'cpu_hotplug_lock.rw_sem',
      'mem_hotplug_lock.rw_sem',
      'mem_sysfs_mutex',
    ]);
  });

  it('marks the cycle: its four classes and edges, the refused one last', () => {
    const f = d.findings[0]!;
    expect(names(f.cycle!.classes)).toEqual(['kn->count#424', 'cpu_hotplug_lock.rw_sem', 'mem_hotplug_lock.rw_sem', 'mem_sysfs_mutex']);
    const edges = f.cycle!.edges.map((e) => d.edges[e]!);
    expect(edges.map((e) => `${d.classes[e.from]!.name} -> ${d.classes[e.to]!.name}`)).toEqual([
      'mem_hotplug_lock.rw_sem -> mem_sysfs_mutex',
      'cpu_hotplug_lock.rw_sem -> mem_hotplug_lock.rw_sem',
      'kn->count#424 -> cpu_hotplug_lock.rw_sem',
      'mem_sysfs_mutex -> kn->count#424',
    ]);
    const refused = edges[3]!;
    expect(refused.added).toBe(-1);
    expect(refused.attempted).toBe(f.frame);
    expect(refused.refusedBy).toBe('daxctl#10');
    expect(edges[1]!.by).toBe('swapper/0/0#3');
  });

  it('links every -> #N entry of the splat to the step that recorded that dependency', () => {
    const f = d.findings[0]!;
    const links = f.lines.filter((l) => /^-> #\d/.test(l.text)).map((l) => [l.text.slice(0, 6), taskOf(l.link!.frame), d.frames[l.link!.frame]!.step + 1]);
    expect(links).toEqual([
      ['-> #3 ', 'ndctl', 11],
      ['-> #2 ', 'swapper/0/0', 3],
      ['-> #1 ', 'bash', 6],
      ['-> #0 ', 'daxctl', 10],
    ]);
    const one = f.lines.find((l) => l.text.startsWith('-> #1 '))!;
    expect(d.edges[one.link!.edge!]).toMatchObject({ from: d.classes.findIndex((c) => c.name === 'kn->count#424') });
  });

  it('links the held-lock lines to the steps that took them', () => {
    const f = d.findings[0]!;
    const held = f.lines.filter((l) => /^ #\d+: /.test(l.text));
    expect(held).toHaveLength(7);
    expect(held.map((l) => d.frames[l.link!.frame]!.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(held.every((l) => taskOf(l.link!.frame) === 'daxctl')).toBe(true);
  });

  it('records chain lookups, cycle searches and usage bits per step', () => {
    const first = d.frames[1]!; // swapper/0/0: read cpu_hotplug_lock
    expect(first.chain).toMatchObject({ hit: false });
    expect(names(first.chain!.classes)).toEqual(['cpu_hotplug_lock.rw_sem']);
    expect(d.frames.some((f) => f.chain?.hit)).toBe(true);
    const trigger = d.frames[d.findings[0]!.frame]!;
    expect(names(trigger.bfs[0]!.path!)).toEqual(['kn->count#424', 'cpu_hotplug_lock.rw_sem', 'mem_hotplug_lock.rw_sem', 'mem_sysfs_mutex']);
    expect(trigger.usage.map((u) => u.bit)).toEqual(['HARDIRQ-ON-W', 'SOFTIRQ-ON-W']);
    expect(trigger.notes.map((n) => n.tone)).toEqual(['usage', 'miss', 'cycle', 'report']);
  });

  it('lays out every class and edge once, inside the graph box', () => {
    for (const c of d.classes) {
      expect(c.x - c.width / 2).toBeGreaterThanOrEqual(0);
      expect(c.x + c.width / 2).toBeLessThanOrEqual(d.graph.width + 0.5);
    }
    for (const e of d.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
  });
});

describe("the explorer's verdicts", () => {
  it('the seed: refuted for every interleaving, by the device_hotplug_lock gate', () => {
    const d = pageData(path.join(SCENARIOS, 'mm-hotremove-2019.yaml'), undefined, { explore: true });
    expect(d.explore).toMatchObject({ cycles: 1, search: { complete: true, maxStates: 1_000_000, seed: 0 } });
    const v = d.findings[0]!.explore!;
    expect(v).toMatchObject({ verdict: 'refuted', title: 'Refuted for every interleaving', summary: 'gate: device_hotplug_lock', reason: { kind: 'gate', lock: 'device_hotplug_lock', proof: true } });
    expect(v.detail[0]).toMatch(/^device_hotplug_lock is held on every edge that could close the cycle, by daxctl\/22950 \(lock\) and bash\/22688 \(trylock, on_fail: restart\)/);
    expect(v.detail[1]).toMatch(/^The search agrees: none of the \d+ reachable states/);
    expect(v.schedule).toBeUndefined();
    expect(v.line).toBe('explore: kn->count#424 -> cpu_hotplug_lock.rw_sem -> mem_hotplug_lock.rw_sem -> mem_sysfs_mutex -> kn->count#424: refuted (gate: device_hotplug_lock; for every interleaving)');
    // The report's note (and so the narration) says it too.
    const trigger = d.frames[d.findings[0]!.frame]!;
    expect(trigger.notes.find((n) => n.tone === 'report')!.text).toBe(
      'Report: possible circular locking dependency detected. The explorer: refuted (gate: device_hotplug_lock).',
    );
  });

  it('without the gate: confirmed, with a two-column schedule whose steps map to the page', () => {
    const d = pageData(path.join(SCENARIOS, 'mm-hotremove-2019-no-gate.yaml'), undefined, { explore: true });
    const v = d.findings[0]!.explore!;
    expect(v.verdict).toBe('confirmed');
    expect(v.summary).toBe('bash/22688 and daxctl/22950 wait for each other on mem_hotplug_lock.rw_sem, kn->count#424');
    expect(v.detail[0]).toBe("A shortcut through 2 of the cycle's 4 classes: the deadlock needs only those.");
    const sch = v.schedule!;
    // One column per task: the two that deadlock, mapped to the page's tasks.
    expect(sch.tasks).toEqual([
      { name: 'bash/22688', task: 3, deadlocked: true },
      { name: 'daxctl/22950', task: 4, deadlocked: true },
    ]);
    expect(sch.tasks.map((t) => d.tasks[t.task]!.label)).toEqual(['bash', 'daxctl']);
    expect(sch.rows.length).toBeGreaterThan(5);
    expect(sch.rows[0]).toMatchObject({ column: 0, text: 'read(sb_writers#4)', where: 'vfs_write · line 172', line: 172, step: 'bash step 1' });
    // Every step is identified: the frame runs that task's step, on that scenario line.
    for (const r of sch.rows) {
      expect(r.frame).toBeGreaterThanOrEqual(0);
      const fr = d.frames[r.frame]!;
      expect(fr.task).toBe(sch.tasks[r.column]!.task);
      expect(d.tasks[fr.task]!.steps[fr.step]!.line).toBe(r.line);
      expect(r.step).toBe(`${d.tasks[fr.task]!.label} step ${fr.step + 1}`);
    }
    // Each task's operations keep their program order.
    for (const c of [0, 1]) {
      const frames = sch.rows.filter((r) => r.column === c).map((r) => r.frame);
      expect(frames).toEqual([...frames].sort((a, b) => a - b));
    }
    expect(sch.rows.find((r) => r.text === 'read(cpu_hotplug_lock.rw_sem)' && r.column === 0)!.step).toBe('bash step 5');
    // The final row: what each waits for, and who holds it.
    expect(sch.blocked).toEqual([
      ['BLOCKED', 'waits for mem_hotplug_lock.rw_sem (write)', 'held by daxctl/22950 (write)'],
      ['BLOCKED', 'waits for kn->count#424 (write)', 'held by bash/22688 (read)'],
    ]);
    const trigger = d.frames[d.findings[0]!.frame]!;
    expect(trigger.notes.find((n) => n.tone === 'report')!.text).toBe('Report: possible circular locking dependency detected. The explorer: confirmed (2 tasks deadlock).');
  });

  it('without the explorer: no verdict, and the page data says it did not run', () => {
    const d = pageData(path.join(SCENARIOS, 'mm-hotremove-2019.yaml'));
    expect(d.explore).toBeUndefined();
    expect(d.findings[0]!.explore).toBeUndefined();
    expect(d.frames[d.findings[0]!.frame]!.notes.find((n) => n.tone === 'report')!.text).toBe('Report: possible circular locking dependency detected.');
  });

  it('an explorer run with no cycle to explore: nothing searched, nothing attached', () => {
    const d = pageData(path.join(SCENARIOS, 'trylock-no-cycle.yaml'), undefined, { explore: true });
    expect(d.explore).toEqual({ cycles: 0 });
  });

  it('refuted for other reasons, and unknown when the budget runs out', () => {
    const readers = pageData(path.join(SCENARIOS, 'abba-rwsem-readers.yaml'), undefined, { explore: true });
    expect(readers.findings[0]!.explore).toMatchObject({ verdict: 'refuted', summary: 'readers' });
    const aa = pageData(path.join(SCENARIOS, 'aa-recursive.yaml'), undefined, { explore: true });
    expect(aa.findings[0]!.explore).toMatchObject({ verdict: 'refuted', summary: 'instances' });
    const { scenario, report, text } = load(path.join(SCENARIOS, 'mm-hotremove-2019-no-gate.yaml'));
    const d = buildPageData(scenario, report, { text, explore: exploreReport(scenario, report, { maxStates: 5 }) });
    const v = d.findings[0]!.explore!;
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toBe('the search budget ran out');
    expect(v.detail[0]).toMatch(/^The search ran out of the state budget of 5 after 5 states \(\d+ transitions, schedules up to \d+ moves, \d+ branches still open\)\.$/);
  });

  it('maps a schedule step by its line when the step index does not fit, and leaves an unknown task unmapped', () => {
    const { scenario, report, text } = load(path.join(SCENARIOS, 'abba.yaml'));
    const d = buildPageData(scenario, report, { text });
    const t0 = scenario.tasks[0]!;
    const step = t0.steps.findIndex((s) => s.op === 'acquire');
    const at = t0.steps[step]!.span;
    const row = { column: 0, op: 'lock', lock: 'x', ref: { lock: 'x', instance: 0 }, text: 'lock(x)', at, step: 99, round: 0 };
    const s: Schedule = {
      tasks: [
        { index: 7, name: `${t0.name}/${t0.pid}`, deadlocked: true },
        { index: 0, name: 'nobody/1', deadlocked: true },
      ],
      rows: [row, { ...row, column: 1 }, { ...row, step, at: { ...at, file: 'other.yaml' } }],
      blocked: [],
    };
    const ps = pageSchedule(scenario, d, s);
    expect(ps.tasks.map((t) => t.task)).toEqual([0, -1]);
    expect(ps.rows[0]!.frame).toBe(d.tasks[0]!.steps[step]!.frame);
    expect(ps.rows[0]!.frame).toBeGreaterThanOrEqual(0);
    expect(ps.rows[0]!.step).toBe(`${d.tasks[0]!.label} step ${step + 1}`);
    expect(ps.rows[1]).toMatchObject({ frame: -1, step: '' });
    expect(ps.rows[2]).toMatchObject({ frame: -1, step: '' });
    expect(ps.blocked).toEqual([['BLOCKED'], ['BLOCKED']]);
  });
});

describe('page data of the fixed scenario', () => {
  it('has no report and no refused edge', () => {
    const d = pageData(path.join(SCENARIOS, 'mm-hotremove-2020-fixed.yaml'));
    expect(d.findings).toEqual([]);
    expect(d.edges.every((e) => e.attempted === -1 && e.added >= 0)).toBe(true);
  });
});

describe('page data of the teaching scenarios', () => {
  it('draws a recursive-locking report as a refused self-dependency', () => {
    const d = pageData(path.join(SCENARIOS, 'aa-recursive.yaml'));
    const f = d.findings[0]!;
    expect(f.kind).toBe('recursive');
    expect(f.title).toBe('possible recursive locking detected');
    const self = d.edges[f.cycle!.edges[0]!]!;
    expect(self).toMatchObject({ from: self.to, added: -1, attempted: f.frame, self: true, refusedBy: 'baz-move#2' });
    expect(self.labelX).toBeLessThanOrEqual(d.graph.width);
  });

  it('explains that a trylock is not validated', () => {
    const d = pageData(path.join(SCENARIOS, 'trylock-no-cycle.yaml'));
    const t = d.tasks.findIndex((x) => x.steps.some((s) => s.label.startsWith('trylock ')));
    const step = d.tasks[t]!.steps.find((s) => s.label.startsWith('trylock '))!;
    const frame = d.frames[step.frame]!;
    expect(frame.chain).toBeUndefined();
    expect(frame.notes.map((n) => n.text).join(' ')).toContain('A trylock cannot wait, so it is never validated');
    expect(d.findings).toEqual([]);
  });
});

describe('page data of the oracle case scripts', () => {
  it('builds for every case, and links every -> #N entry and every held lock of every report', () => {
    const cases = readdirSync(ORACLE).filter((f) => f.endsWith('.script'));
    expect(cases.length).toBeGreaterThan(40);
    const unlinked: string[] = [];
    for (const c of cases) {
      const d = pageData(path.join(ORACLE, c));
      for (const f of d.findings) {
        for (const l of f.lines) if ((/^-> #\d/.test(l.text) || /^ #\d+: /.test(l.text)) && !l.link) unlinked.push(`${c}: ${l.text}`);
      }
    }
    expect(unlinked).toEqual([]);
  });
});

describe('the HTML shell', () => {
  const file = path.join(SCENARIOS, 'mm-hotremove-2019.yaml');
  const { scenario, report, text } = load(file);
  const html = renderHtmlPage(scenario, report, { text });

  it('is self-contained: no external resource, a CSP that allows only its own script and style', () => {
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/<link\b/);
    expect(html).toContain(`content="${escapeHtml(pageCsp())}"`);
    expect(html).toContain(`<script>${CLIENT_JS}</script>`);
    expect(html).toContain(`<style>${PAGE_CSS}</style>`);
    expect(pageCsp()).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
  });

  it('embeds the page data, which reads back unchanged', () => {
    expect(embedded(html)).toEqual(buildPageData(scenario, report, { text }));
  });

  it('is deterministic', () => {
    expect(renderHtmlPage(scenario, report, { text })).toBe(html);
  });

  it('ships a client script that parses', () => {
    expect(() => new Function(CLIENT_JS)).not.toThrow();
    expect(CLIENT_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });
});

describe('hostile and tricky names', () => {
  const { scenario, report, text } = load('hostile.yaml', HOSTILE_YAML);
  const html = renderHtmlPage(scenario, report, { text, title: '<i>title</i> & "quotes"', explore: exploreReport(scenario, report) });

  it('never puts a name into markup: only two script elements, names only inside the escaped JSON', () => {
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).not.toContain('<script>window');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('<b>evil');
    expect(html).toContain('<title>lockdep-sim · &lt;i&gt;title&lt;/i&gt; &amp; &quot;quotes&quot;</title>');
  });

  it('round-trips every name exactly through the embedded JSON', () => {
    const d = embedded(html);
    const names = d.classes.map((c) => c.name);
    for (const c of scenario.classes) expect(names).toContain(c.name);
    expect(d.tasks[0]!.label).toBe('<b>evil</b>');
    expect(d.findings[0]!.lines.map((l) => l.text).join('\n')).toContain('(</script><script>window.__pwned=1</script>){+.+.}');
    // The explorer's schedule carries the names too, as data.
    const sch = d.findings[0]!.explore!.schedule!;
    expect(sch.tasks.map((t) => t.name)).toEqual(['<b>evil</b>/1000', 'T2/1001']);
    expect(sch.rows.map((r) => r.text).join('\n')).toContain('lock(</script><script>window.__pwned=1</script>)');
  });
});
