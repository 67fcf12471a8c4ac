/**
 * `import splat` round trip over the real reports of shared/corpus/splats: every report that is not
 * cut short is imported, the YAML is parsed and replayed, and the first finding must be the same
 * report: same kind, same cycle (classes in printed order), same held locks, same acquiring and
 * already-held locks, and lock lines (class + `at:` ip) that appear in the original text.
 *
 * The expected values come from each report's .meta.json (written independently of the importer),
 * with one correction for the meta's own line counting: syzbot prints one held-lock line per
 * inlined frame of the ip (`#1: … at: inode_lock include/linux/fs.h:985 [inline]` then
 * `#1: … at: do_truncate+0x171/…`), which the meta lists as separate entries; when the meta list is
 * longer than its `locks_held` count, repeated neighbours are folded. When it is shorter (a held
 * line the meta's reader lost to mail wrapping), the meta list must be a prefix of ours and the
 * count must match.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Finding, HeldLockDesc } from '../../src/model/findings.js';
import { formatFrame } from '../../src/model/frame.js';
import { importSplat, stripPrefixes } from '../../src/importers/splat/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/splats');

/** Share of non-truncated reports that must round-trip. May only go up. */
const MIN_ROUNDTRIP_RATIO = 1.0;

interface Meta {
  id: string;
  file: string;
  kind: string;
  header: string;
  truncated: boolean;
  acquiring_lock: string | null;
  held_lock: string | null;
  cycle: string[] | null;
  locks_held: number | null;
  held_lock_list?: string[] | null;
  missing_sections?: string[];
}

const KIND_BY_META: Record<string, string> = {
  circular: 'circular',
  recursive: 'recursive',
  inconsistent: 'inconsistent',
  'irq-inversion': 'irq-inversion',
  'irq-safe-unsafe': 'irq-safe-unsafe',
  'bad-unlock': 'bad-unlock',
  'held-lock-freed': 'held-lock-freed',
};

/** The `other` reports are told apart by their title. */
function expectedKind(m: Meta): string {
  if (KIND_BY_META[m.kind]) return KIND_BY_META[m.kind]!;
  if (/Invalid wait context/.test(m.header)) return 'wait-context';
  if (/returning to user space/.test(m.header)) return 'lock-held-user';
  if (/Nested lock was not taken/.test(m.header)) return 'nested-not-taken';
  return m.kind;
}

function loadCorpus(): { meta: Meta; text: string }[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.meta.json'))
    .sort()
    .map((f) => {
      const meta = JSON.parse(readFileSync(path.join(CORPUS, f), 'utf8')) as Meta;
      return { meta, text: readFileSync(path.join(CORPUS, meta.file), 'utf8') };
    });
}

/** The lock being acquired / freed / released, by kind. */
function acquiring(f: Finding): HeldLockDesc | undefined {
  switch (f.kind) {
    case 'circular':
    case 'recursive':
    case 'irq-safe-unsafe':
    case 'wait-context':
    case 'nested-not-taken':
      return f.next;
    case 'inconsistent':
    case 'irq-inversion':
    case 'held-lock-freed':
      return f.lock;
    default:
      return undefined;
  }
}

function acquiringName(f: Finding): string | undefined {
  if (f.kind === 'bad-unlock') return f.mapName;
  return acquiring(f)?.cls.name;
}

function heldName(f: Finding): string | undefined {
  if (f.kind === 'circular' || f.kind === 'recursive' || f.kind === 'irq-safe-unsafe') return f.prev.cls.name;
  if (f.kind === 'irq-inversion') return f.other.name;
  return undefined;
}

/** The meta's held list with syzbot's per-inlined-frame duplicates folded (see the file comment). */
function expectedHeld(m: Meta): { list: string[]; prefixOnly: boolean } | undefined {
  const list = m.held_lock_list;
  if (!list || m.locks_held === null) return undefined;
  if (list.length > m.locks_held) {
    const folded = list.filter((x, i) => i === 0 || x !== list[i - 1]);
    return { list: folded, prefixOnly: false };
  }
  return { list, prefixOnly: list.length < m.locks_held };
}

/** A print_lock() line of the original with this class and ip (any address, any usage). */
function lineInOriginal(text: string, h: HeldLockDesc): boolean {
  const cls = `(${h.cls.name}){`;
  const at = `at: ${formatFrame(h.ip)}`;
  const unwrapped = text
    .replace(/ \n(?=\S)/g, ' ')
    .replace(/, at: \n/g, ', at: ')
    .replace(/\[<[0-9a-fA-F]+>\] /g, '');
  return unwrapped.split('\n').some((l) => l.includes(cls) && (l.includes(at) || l.includes(at.replace(/\+0x0\/0x0$/, ''))));
}

interface Outcome {
  id: string;
  ok: boolean;
  why: string[];
}

function roundTrip(meta: Meta, text: string, original = text): Outcome {
  const why: string[] = [];
  let f: Finding | undefined;
  try {
    const imp = importSplat(text, meta.file);
    const scenario = parseScenario(imp.yaml, `${meta.file}.yaml`);
    f = replay(scenario, { stopAfterFirst: true }).findings[0];
  } catch (e) {
    return { id: meta.id, ok: false, why: [`threw: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (!f) return { id: meta.id, ok: false, why: ['the replay reports nothing'] };
  const kind = expectedKind(meta);
  if (f.kind !== kind) why.push(`kind ${f.kind}, expected ${kind}`);
  if (meta.cycle && meta.cycle.length) {
    const got = f.kind === 'circular' ? f.chain.map((e) => e.cls.name) : [];
    if (JSON.stringify(got) !== JSON.stringify(meta.cycle)) why.push(`cycle ${got.join(' / ')}, expected ${meta.cycle.join(' / ')}`);
  }
  if (meta.acquiring_lock !== null && acquiringName(f) !== meta.acquiring_lock) why.push(`acquiring ${acquiringName(f)}, expected ${meta.acquiring_lock}`);
  if (meta.held_lock !== null && heldName(f) !== meta.held_lock) why.push(`already holding ${heldName(f)}, expected ${meta.held_lock}`);
  const eh = expectedHeld(meta);
  if (eh) {
    const got = f.held.map((h) => h.cls.name);
    const same = eh.prefixOnly
      ? got.length === meta.locks_held && JSON.stringify(got.slice(0, eh.list.length)) === JSON.stringify(eh.list)
      : JSON.stringify(got) === JSON.stringify(eh.list);
    if (!same) why.push(`held [${got.join(', ')}], expected [${eh.list.join(', ')}]`);
  }
  // The lock lines themselves: class and ip as the original printed them.
  const lines = [acquiring(f), f.kind === 'circular' || f.kind === 'recursive' || f.kind === 'irq-safe-unsafe' ? f.prev : undefined, ...f.held];
  for (const h of lines) if (h && !lineInOriginal(original, h)) why.push(`lock line (${h.cls.name}) at ${formatFrame(h.ip)} is not in the report`);
  return { id: meta.id, ok: why.length === 0, why };
}

describe('import splat: round trip over the corpus', () => {
  const corpus = loadCorpus();
  const complete = corpus.filter((c) => !c.meta.truncated);

  it('the corpus is there', () => {
    expect(complete.length).toBeGreaterThanOrEqual(30);
  });

  it(`reproduces at least ${MIN_ROUNDTRIP_RATIO * 100}% of the complete reports`, () => {
    const outcomes = complete.map((c) => roundTrip(c.meta, c.text));
    const failed = outcomes.filter((o) => !o.ok);
    const ratio = (outcomes.length - failed.length) / outcomes.length;
    const listing = failed.map((o) => `${o.id}: ${o.why.join('; ')}`).join('\n');
    // The figure for the record (visible with --reporter=verbose).
    console.log(`import splat round trip: ${outcomes.length - failed.length}/${outcomes.length} complete reports${failed.length ? `\nfailing:\n${listing}` : ''}`);
    expect(ratio, `round trip ${outcomes.length - failed.length}/${outcomes.length}; failing:\n${listing}`).toBeGreaterThanOrEqual(MIN_ROUNDTRIP_RATIO);
  });

  it('reproduces them just as well however they are pasted (quoted, re-wrapped, collapsed, stamped, escaped)', () => {
    const strip = (l: string) => stripPrefixes(l).text;
    const wrap = (l: string, width: number, quote: string): string[] => {
      // A mailer's soft wrap: break at the last space before the width, the continuation unquoted.
      const out: string[] = [];
      let rest = l;
      let first = true;
      while (rest.length > width) {
        const i = rest.lastIndexOf(' ', width);
        if (i <= 0) break;
        out.push(`${first ? quote : ''}${rest.slice(0, i + 1)}`);
        rest = rest.slice(i + 1);
        first = false;
      }
      out.push(`${first ? quote : ''}${rest}`);
      return out;
    };
    const variants: Record<string, (ls: string[]) => string[]> = {
      quoted: (ls) => ls.map((l) => `> ${l}`),
      'quoted twice, indented': (ls) => ls.map((l) => `    > >> ${l}`),
      'quoted and wrapped at 72 columns': (ls) => ls.flatMap((l) => wrap(l, 72, '> ')),
      'wrapped at 72 columns': (ls) => ls.flatMap((l) => wrap(l, 72, '')),
      'white space collapsed': (ls) => ls.map((l) => l.replace(/\s+/g, ' ').trim()),
      'prefixes stripped': (ls) => ls.map(strip),
      'timestamps and caller ids': (ls) => ls.map((l, i) => `[  ${(i / 1000).toFixed(6)}][ T42] ${strip(l)}`),
      'HTML-escaped': (ls) => ls.map((l) => l.replace(/&/g, '&amp;').replace(/>/g, '&gt;').replace(/</g, '&lt;')),
      'CRLF line ends': (ls) => [ls.join('\r\n')],
    };
    const failed: string[] = [];
    let n = 0;
    for (const { meta, text } of complete) {
      for (const [name, v] of Object.entries(variants)) {
        n++;
        const o = roundTrip(meta, v(text.split('\n')).join('\n'), text);
        if (!o.ok) failed.push(`${meta.id} ${name}: ${o.why.join('; ')}`);
      }
    }
    expect((n - failed.length) / n, failed.join('\n')).toBeGreaterThanOrEqual(MIN_ROUNDTRIP_RATIO);
  });

  it('imports every truncated report too (exit 0), with warnings saying what is missing', () => {
    for (const { meta, text } of corpus.filter((c) => c.meta.truncated)) {
      const imp = importSplat(text, meta.file);
      const f = replay(parseScenario(imp.yaml, meta.file), { stopAfterFirst: true }).findings[0];
      if (meta.missing_sections?.length) expect(imp.warnings.length, meta.id).toBeGreaterThan(0);
      // What is there is reproduced: the kind and the lock the report is about.
      expect(f?.kind, meta.id).toBe(expectedKind(meta));
      if (f && meta.acquiring_lock !== null) expect(acquiringName(f), meta.id).toBe(meta.acquiring_lock);
    }
  });

  it('the re-run prints the frames of the original: chain entries of the seed report', () => {
    const seed = corpus.find((c) => c.meta.id === '001')!;
    const imp = importSplat(seed.text, seed.meta.file);
    const f = replay(parseScenario(imp.yaml, 'seed.yaml'), { stopAfterFirst: true }).findings[0]!;
    expect(f.kind).toBe('circular');
    if (f.kind !== 'circular') return;
    const entry3 = f.chain[0]!.trace.map(formatFrame);
    expect(entry3.slice(0, 3)).toEqual(['__mutex_lock+0x82/0x9a0', 'unregister_memory_section+0x22/0xa0', '__remove_pages+0xe9/0x520']);
    expect(f.stack.map(formatFrame).slice(0, 2)).toEqual(['__kernfs_remove+0x26a/0x310', 'kernfs_remove_by_name_ns+0x40/0x80']);
  });

  it('the re-run prints the frames of the original: every chain entry of every complete circular report', () => {
    const differ: string[] = [];
    for (const { meta, text } of complete.filter((c) => c.meta.kind === 'circular')) {
      const imp = importSplat(text, meta.file);
      const scenario = parseScenario(imp.yaml, meta.file);
      const f = replay(scenario, { stopAfterFirst: true }).findings[0];
      if (f?.kind !== 'circular') continue; // counted by the round trip above
      const top = scenario.kernelFrames?.['lock_acquire'] ?? [];
      f.chain.forEach((e, i) => {
        const printed = (e.current ? [...top, ...e.trace] : e.trace).map(formatFrame);
        const original = [...imp.report.chain].sort((a, b) => b.index - a.index)[i]?.trace.frames.map(formatFrame);
        if (JSON.stringify(printed) !== JSON.stringify(original)) differ.push(`${meta.id} -> #${f.chain.length - 1 - i}`);
      });
    }
    expect(differ).toEqual([]);
  });

  it('writes YAML the scenario JSON Schema accepts (what editors check)', () => {
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/scenario.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: true, allErrors: false }).compile(schema);
    const rejected: string[] = [];
    for (const { meta, text } of corpus) {
      if (!validate(parseYaml(importSplat(text, meta.file).yaml))) rejected.push(`${meta.id}: ${JSON.stringify(validate.errors?.[0])}`);
    }
    expect(rejected).toEqual([]);
  });

  it('is deterministic', () => {
    for (const { meta, text } of complete.slice(0, 10)) expect(importSplat(text, meta.file).yaml).toBe(importSplat(text, meta.file).yaml);
  });
});

describe('import splat: the YAML it writes (golden files, `vitest -u` to update)', () => {
  it.each([
    ['001-circular-pmem-hotremove-mem-sysfs-seed', '001-circular-seed.yaml'],
    ['062-irq-inversion-usb-ether-xmit-irq-inversion-517-arm64', '062-irq-inversion-arm64.yaml'],
    ['055-inconsistent-sched-core-balance', '055-inconsistent-irq-enable.yaml'],
  ])('%s', async (name, golden) => {
    const text = readFileSync(path.join(CORPUS, `${name}.txt`), 'utf8');
    await expect(importSplat(text, `${name}.txt`).yaml).toMatchFileSnapshot(`../fixtures/splat/${golden}`);
  });
});

describe('import splat: formats older than the corpus', () => {
  const FIXTURES = path.resolve(__dirname, '../fixtures/splat');
  const run = (name: string) => {
    const imp = importSplat(readFileSync(path.join(FIXTURES, name), 'utf8'), name);
    return { imp, f: replay(parseScenario(imp.yaml, name), { stopAfterFirst: true }).findings[0]! };
  };

  it('2.6: lower-case usage names and the old usage-character encoding ({+...} = used in hardirq)', () => {
    const { f } = run('2.6-inconsistent-lowercase-usage.txt');
    expect(f.kind).toBe('inconsistent');
    if (f.kind !== 'inconsistent') return;
    expect([f.oldUsage, f.newUsage, f.lock.cls.name]).toEqual(['IN-HARDIRQ-W', 'HARDIRQ-ON-W', '&q->lock']);
  });

  it('2.6: `hard-safe -> hard-unsafe` titles and `hard-irq-safe` state words', () => {
    const { f } = run('2.6-hard-safe-unsafe.txt');
    expect(f.kind).toBe('irq-safe-unsafe');
    if (f.kind !== 'irq-safe-unsafe') return;
    expect([f.stateWord, f.safe.name, f.unsafe.name, f.prev.cls.name, f.next.cls.name]).toEqual(['HARDIRQ', '&s->lock', '&u->lock', '&s->lock', '&u->lock']);
  });
});
