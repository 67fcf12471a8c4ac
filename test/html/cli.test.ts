// `lockdep-sim html`: the command module, run in-process on its own yargs instance.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { registerHtml } from '../../src/cli/commands/html.js';
import { LockdepSimError } from '../../src/diag/error.js';

const SEED = path.resolve(__dirname, '../../scenarios/mm-hotremove-2019.yaml');
const NO_GATE = path.resolve(__dirname, '../../scenarios/mm-hotremove-2019-no-gate.yaml');

/** The page data embedded in a page. */
function embedded(page: string): { findings: { explore?: { verdict: string; summary: string } }[]; explore?: unknown } {
  const m = /<script type="application\/json" id="lockdep-data">([\s\S]*?)<\/script>/.exec(page);
  return JSON.parse(m![1]!) as ReturnType<typeof embedded>;
}
const ORACLE = path.resolve(__dirname, '../../../shared/oracle/replay');

async function html(...argv: string[]) {
  let out = '';
  let err = '';
  let code = -1;
  const ctx = { io: { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) }, setExit: (c: number) => (code = c) };
  const parser = registerHtml(yargs(argv).strict().exitProcess(false).fail((msg, e) => { throw e ?? new Error(msg); }), ctx);
  await parser.parseAsync(argv);
  return { code, out, err };
}

describe('lockdep-sim html', () => {
  it('writes the page to -o and summarizes on stderr (exit 0: a report is content, not a failure)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-html-'));
    const out = path.join(dir, 'page.html');
    const r = await html('html', SEED, '-o', out);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(`lockdep-sim: ${SEED}: page written to ${out} (66 steps, 1 report; explorer: 1 refuted)\n`);
    const page = readFileSync(out, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<title>lockdep-sim · mm-hotremove-2019.yaml</title>');
    expect(embedded(page).findings[0]!.explore).toMatchObject({ verdict: 'refuted', summary: 'gate: device_hotplug_lock' });
  });

  it('runs the explorer by default; --no-explore skips it, --explore-states bounds it', async () => {
    const on = await html('html', NO_GATE);
    expect(on.err).toMatch(/\(64 steps, 1 report; explorer: 1 confirmed\)\n$/);
    expect(embedded(on.out).findings[0]!.explore!.verdict).toBe('confirmed');
    const off = await html('html', NO_GATE, '--no-explore');
    expect(off.code).toBe(0);
    expect(off.err).toMatch(/\(64 steps, 1 report\)\n$/);
    expect(embedded(off.out).findings[0]!.explore).toBeUndefined();
    expect(embedded(off.out).explore).toBeUndefined();
    const bounded = await html('html', NO_GATE, '--explore-states', '10');
    expect(bounded.err).toMatch(/explorer: 1 unknown\)\n$/);
    expect(embedded(bounded.out).findings[0]!.explore!.verdict).toBe('unknown');
    await expect(html('html', NO_GATE, '--explore-states', '0')).rejects.toThrow(/--explore-states must be a positive integer, got 0/);
  });

  it('writes to stdout without -o, and takes a title and case scripts', async () => {
    const r = await html('html', path.join(ORACLE, '001-abba-2tasks.script'), '--kernel', '6.1.192', '--title', 'ABBA & co');
    expect(r.code).toBe(0);
    expect(r.out).toContain('<title>lockdep-sim · ABBA &amp; co</title>');
    expect(r.err).toMatch(/page written to stdout \(\d+ steps, 1 report; explorer: 1 confirmed\)/);
  });

  it('reports an unwritable output as an io error', async () => {
    await expect(html('html', SEED, '-o', '/nonexistent-dir/page.html')).rejects.toThrow(LockdepSimError);
    await expect(html('html', SEED, '-o', '/nonexistent-dir/page.html')).rejects.toThrow(/cannot write \/nonexistent-dir\/page\.html \(ENOENT\)/);
  });
});
