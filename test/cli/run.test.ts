import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

const ORACLE = path.resolve(__dirname, '../../../shared/oracle/replay');

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-sim-'));
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('lockdep-sim run', () => {
  it('prints the report and exits 1 when there are findings', async () => {
    const r = await cli('run', path.join(ORACLE, '001-abba-2tasks.script'), '--kernel', '6.1.192');
    expect(r.code).toBe(1);
    expect(r.out).toContain('WARNING: possible circular locking dependency detected');
    expect(r.out).toContain('T2/39 is trying to acquire lock:');
    expect(r.err).toMatch(/1 finding \(1 circular\)/);
  });

  it('exits 0 with no output when there is nothing to report', async () => {
    const r = await cli('run', path.join(ORACLE, '029-abba-after-release.script'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/no findings/);
  });

  it('is deterministic: same input, same bytes', async () => {
    const f = path.join(ORACLE, '033-memory-hotremove-seed.script');
    const a = await cli('run', f, '--format', 'json');
    const b = await cli('run', f, '--format', 'json');
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out).findings[0].kind).toBe('circular');
  });

  it('reports a missing file as bad input (exit 2) with a hint, no stack trace', async () => {
    const r = await cli('run', '/nonexistent/x.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^\/nonexistent\/x\.yaml:1:1: error\[io\]: cannot read/);
    expect(r.err).toContain('hint:');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('reports a script syntax error with file:line:col (exit 2)', async () => {
    const f = tmpFile('bad.script', 'task T1\nacquire A\nfrobnicate B\n');
    const r = await cli('run', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.script:3:\d+: error\[script-syntax\]/);
  });

  it('rejects unknown options and missing commands with exit 2', async () => {
    expect((await cli('run', 'x.yaml', '--bogus')).code).toBe(2);
    expect((await cli()).code).toBe(2);
  });

  it('cannot tell the format of an unknown extension: exit 2 with a hint', async () => {
    const f = tmpFile('case.txt', 'task T1\n');
    const r = await cli('run', f);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--input-format');
  });

  it('prints the simulated /proc/lockdep with --proc', async () => {
    const r = await cli('run', path.join(ORACLE, '029-abba-after-release.script'), '--proc');
    expect(r.out.startsWith('all lock classes:\n')).toBe(true);
  });

  it('reports a capacity limit when --max-lock-depth is lowered', async () => {
    const f = tmpFile('deep.script', 'task T1\nacquire A\nacquire B\nacquire C\nend\n');
    const r = await cli('run', f, '--max-lock-depth', '2');
    expect(r.code).toBe(1);
    expect(r.out).toContain('BUG: MAX_LOCK_DEPTH too low!');
  });

  it('adds one explorer verdict per cycle with --explore (text and JSON)', async () => {
    const seed = path.resolve(__dirname, '../../scenarios/mm-hotremove-2019.yaml');
    const r = await cli('run', seed, '--explore');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^explore: .*: refuted \(gate: device_hotplug_lock; for every interleaving\)$/m);
    const j = await cli('run', path.resolve(__dirname, '../../scenarios/mm-hotremove-2019-no-gate.yaml'), '--explore', '--format', 'json');
    const parsed = JSON.parse(j.out);
    expect(parsed.explore.map((e: { verdict: string }) => e.verdict)).toEqual(['confirmed']);
  });

  it('reads a scenario from stdin with -', async () => {
    const { spawnSync } = await import('node:child_process');
    const bin = path.resolve(__dirname, '../../dist/cli/main.js');
    const yaml = require('node:fs').readFileSync(path.resolve(__dirname, '../../scenarios/abba.yaml'), 'utf8');
    const r = spawnSync(process.execPath, [bin, 'run', '-', '--input-format', 'yaml'], { input: yaml, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('WARNING: possible circular locking dependency detected');
  });

  it('imports a kernel splat into a scenario that reproduces it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-sim-'));
    const out = path.join(dir, 'seed.yaml');
    const splat = path.resolve(__dirname, '../../../shared/corpus/splats/001-circular-pmem-hotremove-mem-sysfs-seed.txt');
    expect((await cli('import', 'splat', splat, '-o', out)).code).toBe(0);
    const r = await cli('run', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain('-> #3 (mem_sysfs_mutex){+.+.}:');
    expect(r.out).toContain('7 locks held by daxctl/22950:');
  });
});
