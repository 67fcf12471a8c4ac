// `lockdep-sim html`: the command module, run in-process on its own yargs instance.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { registerHtml } from '../../src/cli/commands/html.js';
import { LockdepSimError } from '../../src/diag/error.js';

const SEED = path.resolve(__dirname, '../../scenarios/mm-hotremove-2019.yaml');
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
    expect(r.err).toBe(`lockdep-sim: ${SEED}: page written to ${out} (66 steps, 1 report)\n`);
    const page = readFileSync(out, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<title>lockdep-sim · mm-hotremove-2019.yaml</title>');
  });

  it('writes to stdout without -o, and takes a title and case scripts', async () => {
    const r = await html('html', path.join(ORACLE, '001-abba-2tasks.script'), '--kernel', '6.1.192', '--title', 'ABBA & co');
    expect(r.code).toBe(0);
    expect(r.out).toContain('<title>lockdep-sim · ABBA &amp; co</title>');
    expect(r.err).toMatch(/page written to stdout \(\d+ steps, 1 report\)/);
  });

  it('reports an unwritable output as an io error', async () => {
    await expect(html('html', SEED, '-o', '/nonexistent-dir/page.html')).rejects.toThrow(LockdepSimError);
    await expect(html('html', SEED, '-o', '/nonexistent-dir/page.html')).rejects.toThrow(/cannot write \/nonexistent-dir\/page\.html \(ENOENT\)/);
  });
});
