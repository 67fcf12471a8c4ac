import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockdepSimError, formatIssue } from '../../src/diag/error.js';
import { EventsImporter, importEvents } from '../../src/importers/events/stream.js';
import { parseEventsJsonl, scenarioToEventsJsonl } from '../../src/importers/events/parse.js';
import { parseCaseScript } from '../../src/importers/script.js';
import type { Scenario } from '../../src/model/scenario.js';
import { renderFindings } from '../../src/reporters/text/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { profileFor, replay } from '../../src/validator/replay.js';
import { runCliCapture } from '../fixtures/run-cli.js';

const ROOT = path.resolve(__dirname, '../..');
const REPLAY = path.resolve(ROOT, '../shared/oracle/replay');

/** The example at the top of docs/events-jsonl.md. */
function docExample(): string {
  const md = readFileSync(path.join(ROOT, 'docs/events-jsonl.md'), 'utf8');
  return /```\n(\{"v":1,"type":"meta"[\s\S]*?)```/.exec(md)![1]!;
}

/** Drops source positions (they point into different files) so reports can be compared. */
function noSpans<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'span' || k === 'at' || k === 'recordedAt' || k === 'file' ? undefined : v)));
}

function errorOf(text: string): string {
  try {
    parseEventsJsonl(text, 'e.jsonl');
  } catch (e) {
    if (e instanceof LockdepSimError) return formatIssue(e.issues[0]);
    throw e;
  }
  return 'parsed';
}

const cli = (argv: string[]) => runCliCapture(argv);

describe('event log: the documented example', () => {
  it('parses into a scenario whose replay finds the irq-unsafe spinlock taken in a hardirq', () => {
    const s = parseEventsJsonl(docExample(), 'example.jsonl');
    expect(s.kernel).toBe('6.1.192');
    expect(s.classes.map((c) => [c.id, c.name, c.kind])).toEqual([
      ['dev', '&foo->dev_lock', 'mutex'],
      ['list', 'foo_list_lock', 'spinlock'],
    ]);
    expect(s.tasks.map((t) => [t.name, t.pid, t.cpu, t.steps.length])).toEqual([
      ['foo-ctl', 412, 1, 4],
      ['swapper/0', 0, 0, 3],
    ]);
    expect(s.tasks[1]!.steps.map((x) => x.op)).toEqual(['irq-enter', 'acquire', 'release']);
    const r = replay(s);
    expect(r.findings.map((f) => f.kind)).toEqual(['inconsistent']);
    const text = renderFindings(r.findings, { profile: profileFor(s), taint: 'Not tainted' });
    expect(text).toContain('WARNING: inconsistent lock state');
    expect(text).toContain('foo_add_to_list+0x1c/0x60 [foo]');
  });

  it('streams to the same report as the scenario replay, however it is cut into chunks', () => {
    const text = docExample();
    const whole = replay(parseEventsJsonl(text, 'example.jsonl'));
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 8 }), (cuts) => {
        const imp = new EventsImporter({ file: 'example.jsonl' });
        let prev = 0;
        for (const p of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
          imp.push(bytes.subarray(prev, p));
          prev = p;
        }
        const r = imp.end();
        expect(r.report.findings).toEqual(whole.findings);
        expect(r.report.dependencies).toEqual(whole.dependencies);
        expect(r.stats).toMatchObject({ events: 6, tasks: 2, classes: 2 });
      }),
      { numRuns: 100 },
    );
  });
});

describe('event log: writing any scenario and reading it back', () => {
  const inputs: [string, () => Scenario][] = [
    ...readdirSync(path.join(ROOT, 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, () => Scenario] => [f, () => parseScenario(readFileSync(path.join(ROOT, 'scenarios', f), 'utf8'), f)]),
    ...readdirSync(REPLAY)
      .filter((f) => f.endsWith('.script'))
      .map((f): [string, () => Scenario] => [f, () => parseCaseScript(readFileSync(path.join(REPLAY, f), 'utf8'), f)]),
  ];

  it.each(inputs)('%s: same classes, tasks, steps and reports', (_name, load) => {
    const s = load();
    const back = parseEventsJsonl(scenarioToEventsJsonl(s), 'back.jsonl');
    expect(noSpans(back.classes)).toEqual(noSpans(s.classes));
    // `repeat` is written out: the log holds every occurrence
    const expanded = s.tasks.map(({ repeat, ...t }) => ({ ...t, steps: Array.from({ length: repeat ?? 1 }, () => t.steps).flat() }));
    expect(noSpans(back.tasks)).toEqual(noSpans(expanded));
    expect([back.kernel, back.description, back.config, back.taint, back.hardware, back.kernelFrames]).toEqual([s.kernel, s.description, s.config, s.taint, s.hardware, s.kernelFrames]);
    const a = replay(s);
    const b = replay(back);
    expect(noSpans(b.findings)).toEqual(noSpans(a.findings));
    expect(noSpans(b.dependencies)).toEqual(noSpans(a.dependencies));
    expect(noSpans(b.classes)).toEqual(noSpans(a.classes));
  });
});

describe('event log: tasks, classes and instances', () => {
  it('declares unknown tasks and locks at their first event, and numbers instance labels', () => {
    const s = parseEventsJsonl(
      [
        '{"v":1,"type":"acquire","pid":7,"comm":"w","cpu":3,"lock":"A","instance":"0xffff8880"}',
        '{"v":1,"type":"acquire","pid":7,"lock":"A","instance":"0xffff9990","nest":"N"}',
        '{"v":1,"type":"release","pid":7,"lock":"A","instance":"0xffff8880"}',
        '',
        '{"v":1,"type":"acquire","task":"x","lock":"B","read":2,"try":true,"subclass":1,"check":false,"qrwlock":true,"ip":"f+0x1/0x2 [m]"}',
      ].join('\n'),
      'i.jsonl',
    );
    expect(s.classes.map((c) => [c.id, c.kind])).toEqual([
      ['A', 'mutex'],
      ['N', 'mutex'],
      ['B', 'mutex'],
    ]);
    expect(s.tasks.map((t) => [t.name, t.pid, t.cpu])).toEqual([
      ['w', 7, 3],
      ['x', 101, 0],
    ]);
    const [a1, a2, r1] = s.tasks[0]!.steps;
    expect(a1).toMatchObject({ op: 'acquire', ref: { lock: 'A', instance: 0 } });
    expect(a2).toMatchObject({ op: 'acquire', ref: { lock: 'A', instance: 1 }, nest: { lock: 'N', instance: 0 } });
    expect(r1).toMatchObject({ op: 'release', ref: { lock: 'A', instance: 0 }, span: { line: 3 } });
    expect(s.tasks[1]!.steps[0]).toMatchObject({ read: 2, trylock: true, subclass: 1, check: false, qrwlockRead: true, ip: { symbol: 'f', offset: 1, size: 2, module: 'm' } });
    expect(s.schedule?.map((x) => [x.task, x.steps])).toEqual([
      [0, 3],
      [1, 1],
    ]);
  });

  it('moves a task between process and interrupt context with the irq field', () => {
    const s = parseEventsJsonl(
      [
        '{"v":1,"type":"acquire","task":"t","lock":"A"}',
        '{"v":1,"type":"acquire","task":"t","lock":"B","irq":"hardirq-in-softirq"}',
        '{"v":1,"type":"release","task":"t","lock":"B","irq":"hardirq-in-softirq"}',
        '{"v":1,"type":"release","task":"t","lock":"A","irq":"process"}',
      ].join('\n'),
      'x.jsonl',
    );
    expect(s.tasks[0]!.steps.map((x) => (x.op === 'irq-enter' ? `enter ${x.context}` : x.op))).toEqual([
      'acquire',
      'enter softirq',
      'enter hardirq',
      'acquire',
      'release',
      'irq-exit',
      'irq-exit',
      'release',
    ]);
    expect(replay(s).dependencies).toEqual([]); // A and B never share an irq segment
  });
});

describe('event log: errors name the line and the field', () => {
  const cases: [string, string][] = [
    ['{"v":1,"type":"acquire","task":"t"}', 'e.jsonl:1:1: error[schema]: missing "lock"'],
    ['{"v":2,"type":"acquire"}', 'e.jsonl:1:2: error[schema]: unsupported version 2'],
    ['{"type":"acquire"}', 'e.jsonl:1:1: error[schema]: missing "v": 1'],
    ['{"v":1,"type":"grab"}', 'e.jsonl:1:8: error[schema]: unknown type "grab"'],
    ['{"v":1,"type":"acquire","task":"t","lock":"A","red":1}', 'e.jsonl:1:47: error[schema]: unknown field "red" in a acquire line'],
    ['{"v":1,"type":"acquire","task":"t","lock":"A","read":3}', 'e.jsonl:1:47: error[schema]: "read" must be 0 (exclusive), 1 (shared) or 2'],
    ['{"v":1,"type":"acquire","lock":"A"}', 'e.jsonl:1:1: error[schema]: each event names its task'],
    ['{"v":1,"type":"acquire","task":"t","lock":"A","frames":["not a frame!"]}', 'e.jsonl:1:47: error[schema]: "frames": not a frame'],
    ['{"v":1,"type":"irq-exit","task":"t"}', 'e.jsonl:1:1: error[schema]: irq-exit without a matching irq-enter'],
    ['{"v":1,"type":"acquire","task":"t","lock":"A"}\n{"v":1,"type":"class","id":"A"}', 'e.jsonl:2:23: error[schema]: class "A" is declared twice (or used before this line'],
    ['{"v":1,"type":"class","id":"A"}\n{"v":1,"type":"meta"}', 'e.jsonl:2:1: error[schema]: the meta line must come first'],
    ['{"v":1,"type":"class","id":"A","kind":"futex"}', 'e.jsonl:1:32: error[schema]: unknown kind "futex"'],
    ['{"v":1,"type":"acquire","task":"t","lock":"A","instance":1}\n{"v":1,"type":"acquire","task":"t","lock":"A","instance":"x"}', 'e.jsonl:2:47: error[schema]: class "A": use numbers or labels'],
    ['{"v":1,"type":"acquire",', 'e.jsonl:1:25: error[script-syntax]: not JSON'],
    ['[1,2]', 'e.jsonl:1:1: error[schema]: each line must be a JSON object'],
  ];
  it.each(cases)('%s', (text, want) => {
    const got = errorOf(text);
    expect(got.startsWith(want), got).toBe(true);
    expect(got).toContain('hint: ');
  });
});

describe('lockdep-sim import events', () => {
  it('validates a log from a file and writes the graph and /proc/lockdep', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-sim-events-'));
    const f = path.join(dir, 'ex.jsonl');
    writeFileSync(f, docExample());
    const g = path.join(dir, 'g.json');
    const p = path.join(dir, 'proc.txt');
    const r = await cli(['import', 'events', f, '--graph-out', g, '--proc-out', p]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('WARNING: inconsistent lock state');
    expect(r.err).toMatch(/6 events in .* s; 2 tasks, 2 classes, 1 dependencies; 1 finding \(1 inconsistent\)/);
    const graph = JSON.parse(readFileSync(g, 'utf8'));
    expect(graph.source).toEqual({ format: 'events', file: f, kernel: '6.1.192' });
    expect(graph.dependencies.map((d: { from: string; to: string }) => `${d.from} -> ${d.to}`)).toEqual(['&foo->dev_lock -> foo_list_lock']);
    expect(readFileSync(p, 'utf8')).toMatch(/^all lock classes:\n[0-9a-f]{16} FD:    2 BD:    1 \+\.\+\.: &foo->dev_lock\n -> \[[0-9a-f]{16}\] foo_list_lock\n/);
  });

  it('stops with exit 2 at the first bad line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-sim-events-'));
    const f = path.join(dir, 'bad.jsonl');
    writeFileSync(f, '{"v":1,"type":"acquire","task":"t","lock":"A"}\n{"v":1,"type":"acquire","task":"t"}\n');
    const r = await cli(['import', 'events', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}:2:1: error[schema]: missing "lock"`);
  });

  it('takes the kernel from the meta line unless --kernel says otherwise', () => {
    const text = '{"v":1,"type":"meta","kernel":"5.1.0-rc7+ #13"}\n{"v":1,"type":"acquire","task":"t","lock":"A"}\n';
    expect(importEvents(text, { file: 'k.jsonl' }).kernel).toBe('5.1.0-rc7+ #13');
    expect(importEvents(text, { file: 'k.jsonl', kernel: '6.12.117' }).kernel).toBe('6.12.117');
  });
});
