/**
 * `import splat` on inputs that are not (whole) lockdep reports: text that is no report at all is a
 * LockdepSimError with a position and a hint (the CLI exits 2); a report cut short still gives a
 * scenario (exit 0) and says what was missing, on stderr and in the YAML. The command itself
 * (`splat <file>`, `-o`, stdin) is tested on a yargs instance, composed the way `import` will.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { fileArgument, registerImportSplat } from '../../src/cli/commands/import-splat.js';
import { EXIT, type CliContext } from '../../src/cli/context.js';
import { formatIssue, LockdepSimError } from '../../src/diag/error.js';
import { importSplat } from '../../src/importers/splat/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/splats');
const seed = () => readFileSync(path.join(CORPUS, '001-circular-pmem-hotremove-mem-sysfs-seed.txt'), 'utf8');

function importError(text: string, file = 'in.txt'): LockdepSimError {
  try {
    importSplat(text, file);
  } catch (e) {
    if (e instanceof LockdepSimError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('not a lockdep report', () => {
  it('plain text: a schema error at the first line, with the titles it looks for', () => {
    const e = importError('\n\nhello world\nthis is not a kernel log\n');
    const i = e.issues[0];
    expect(i.code).toBe('schema');
    expect(i.span).toEqual({ file: 'in.txt', line: 3, col: 1 });
    expect(i.message).toMatch(/not a lockdep report/);
    expect(i.hint).toMatch(/possible circular locking dependency detected/);
    expect(formatIssue(i)).toMatch(/^in\.txt:3:1: error\[schema\]: /);
  });

  it('another kernel report: says which one, at its line', () => {
    const e = importError('[   1.0] ==================================================================\n[   1.1] BUG: KASAN: use-after-free in foo+0x1/0x2\n');
    expect(e.issues[0].message).toMatch(/KASAN report, not a lockdep report/);
    expect(e.issues[0].span?.line).toBe(2);
  });

  it('a scenario file', () => {
    const e = importError('kernel: "6.1.0"\ntasks: []\n', 'x.yaml');
    expect(e.issues[0].message).toMatch(/looks like a scenario file/);
    expect(e.issues[0].hint).toMatch(/lockdep-sim run/);
  });

  it('empty input', () => {
    expect(importError('').issues[0].message).toMatch(/is empty/);
  });

  it('a title with nothing after it: nothing to reproduce', () => {
    const e = importError('WARNING: possible circular locking dependency detected\n6.1.0 #1 Not tainted\n');
    expect(e.issues[0].code).toBe('schema');
    expect(e.issues[0].message).toMatch(/lacks the lock being acquired/);
  });
});

describe('a report cut short', () => {
  it('cut after the held locks: a scenario, a warning for the missing backtrace, the same report', () => {
    const text = seed().split('\n');
    const cut = text.slice(0, text.findIndex((l) => l.includes('stack backtrace:'))).join('\n');
    const imp = importSplat(cut, 'cut.txt');
    expect(imp.warnings.join('\n')).toMatch(/stack backtrace/);
    expect(imp.yaml).toMatch(/# Not in the report \(the text is cut short\)/);
    const f = replay(parseScenario(imp.yaml, 'cut.yaml'), { stopAfterFirst: true }).findings[0]!;
    expect(f.kind).toBe('circular');
    expect(f.held.map((h) => h.cls.name)).toHaveLength(7);
  });

  it('cut inside the chain: the classes that are printed still make the cycle', () => {
    const text = seed().split('\n');
    const cut = text.slice(0, text.findIndex((l) => l.includes('-> #1'))).join('\n');
    const imp = importSplat(cut, 'cut.txt');
    expect(imp.warnings.join('\n')).toMatch(/chain entries #1, #0/);
    expect(imp.warnings.join('\n')).toMatch(/held-locks list/);
    const f = replay(parseScenario(imp.yaml, 'cut.yaml'), { stopAfterFirst: true }).findings[0]!;
    expect(f.kind).toBe('circular');
    if (f.kind === 'circular') expect(f.chain.map((e) => e.cls.name)).toEqual(['mem_sysfs_mutex', 'mem_hotplug_lock.rw_sem', 'kn->count#424']);
  });

  it('elided with <snip>: warns about the elision', () => {
    const text = seed().split('\n');
    const i = text.findIndex((l) => l.includes('-> #2'));
    const snipped = [...text.slice(0, i), '<snip>', ...text.slice(text.findIndex((l) => l.includes('-> #1')))].join('\n');
    const imp = importSplat(snipped, 's.txt');
    expect(imp.warnings.join('\n')).toMatch(/"<snip>": part of the report was left out/);
  });
});

// ---------------------------------------------------------------------------------------------
// The command

async function cli(argv: string[], stdin?: string) {
  let out = '';
  let err = '';
  let code: number = EXIT.clean;
  const ctx: CliContext = { io: { stdout: (s) => (out += s), stderr: (s) => (err += s) }, setExit: (c) => (code = c) };
  const parser = yargs(argv)
    .command('import', 'import other formats', (y) => registerImportSplat(y, ctx).demandCommand(1))
    .strict()
    .exitProcess(false)
    .fail((msg, e) => {
      throw e ?? new Error(msg);
    });
  try {
    if (stdin !== undefined) {
      const f = path.join(mkdtempSync(path.join(tmpdir(), 'splat-')), 'stdin.txt');
      writeFileSync(f, stdin);
      argv = argv.map((a) => (a === '-' ? f : a));
      await parser.parseAsync(argv);
    } else await parser.parseAsync();
  } catch (e) {
    if (!(e instanceof LockdepSimError)) throw e;
    for (const i of e.issues) err += `${formatIssue(i)}\n`;
    code = EXIT.input;
  }
  return { code, out, err };
}

describe('lockdep-sim import splat', () => {
  it('prints the scenario on stdout and a summary on stderr, exit 0', async () => {
    const r = await cli(['import', 'splat', path.join(CORPUS, '001-circular-pmem-hotremove-mem-sysfs-seed.txt')]);
    expect(r.code).toBe(EXIT.clean);
    expect(r.out).toMatch(/^# yaml-language-server/);
    expect(r.out).toMatch(/^kernel: "5\.1\.0-rc7\+ #13"$/m);
    expect(r.err).toMatch(/circular report at line 2/);
  });

  it('writes -o FILE', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'splat-')), 'x.yaml');
    const r = await cli(['import', 'splat', path.join(CORPUS, '034-recursive-bcachefs-sb-lock-syzbot-612.txt'), '-o', out]);
    expect(r.code).toBe(EXIT.clean);
    expect(r.out).toBe('');
    expect(replay(parseScenario(readFileSync(out, 'utf8'), out), { stopAfterFirst: true }).findings[0]?.kind).toBe('recursive');
  });

  it('warns on stderr for a cut report and still exits 0', async () => {
    const r = await cli(['import', 'splat', path.join(CORPUS, '002-circular-dax-kmem-remove-memory-dan-williams.txt')]);
    expect(r.code).toBe(EXIT.clean);
    expect(r.err).toMatch(/warning: missing from the report: the held-locks list/);
  });

  it('exits 2 with a positioned error for text that is not a report', async () => {
    const r = await cli(['import', 'splat', '-'], 'just some text\n');
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/stdin\.txt:1:1: error\[schema\]: .* is not a lockdep report/);
    expect(r.err).toMatch(/hint: /);
  });

  it('takes `-` for stdin (yargs hands it over as an empty string)', async () => {
    let seen: unknown;
    await yargs(['import', 'splat', '-'])
      .command('import', '', (y) => y.command('splat <file>', '', (c) => c.positional('file', { type: 'string' }), (a) => void (seen = a.file)))
      .exitProcess(false)
      .parseAsync();
    expect(fileArgument(seen)).toBe('-');
    expect(fileArgument('report.txt')).toBe('report.txt');
  });

  it('exits 2 for a missing file', async () => {
    const r = await cli(['import', 'splat', '/nonexistent/report.txt']);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/error\[io\]: cannot read/);
  });
});
