// The teaching page without a browser: its data model, escaping and the HTML shell.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textContextFor } from '../../src/cli/context.js';
import { CLIENT_JS } from '../../src/html/client-script.js';
import { buildPageData, chainKey, escapeHtml, jsonForScript, pageCsp, renderHtmlPage, type PageData } from '../../src/html/index.js';
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

function pageData(file: string, text?: string): PageData {
  const { scenario, report, text: t } = load(file, text);
  return buildPageData(scenario, report, { text: t });
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
  const html = renderHtmlPage(scenario, report, { text, title: '<i>title</i> & "quotes"' });

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
  });
});
