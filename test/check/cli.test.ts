import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helper.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'lockdep-sim-check-'));

describe('lockdep-sim check', () => {
  it('exits 1 on findings at or above --fail-on, 0 below it', async () => {
    const r = await cli('check', 'scenarios/abba.yaml');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^lockdep-sim check: 1 input, /);
    expect(r.out).toContain('error[lockdep/circular]');
    expect(r.out).toContain('it holds for lock instances too: &foo->dev_lock@0 -> foo_list_lock@0 -> &foo->dev_lock@0');
    expect(r.out).toContain('WARNING: possible circular locking dependency detected');
    expect(r.err).toMatch(/^lockdep-sim check: 1 error\(s\), 0 warning\(s\), 0 note\(s\): failing \(--fail-on error\)\n$/);
    expect((await cli('check', 'scenarios/abba.yaml', '--fail-on', 'none')).code).toBe(0);
  });

  it('exits 0 on a clean input', async () => {
    const r = await cli('check', 'scenarios/trylock-no-cycle.yaml');
    expect(r.err).toMatch(/0 error\(s\)/);
    expect(r.code).toBe(0);
  });

  it('--fail-on warning fails on a new dependency against the baseline; error does not', async () => {
    const dir = tmp();
    const base = path.join(dir, 'base.json');
    const g = await cli('graph', 'scenarios/trylock-no-cycle.yaml', '--format', 'json', '-o', base);
    expect(g.code).toBe(0);
    expect(JSON.parse(readFileSync(base, 'utf8')).version).toBe(1);
    const same = await cli('check', 'scenarios/trylock-no-cycle.yaml', '--baseline', base, '--fail-on', 'warning');
    expect(same.code).toBe(0);
    const json = JSON.parse(readFileSync(base, 'utf8'));
    json.dependencies = json.dependencies.slice(1);
    writeFileSync(base, JSON.stringify(json));
    expect((await cli('check', 'scenarios/trylock-no-cycle.yaml', '--baseline', base, '--fail-on', 'warning')).code).toBe(1);
    expect((await cli('check', 'scenarios/trylock-no-cycle.yaml', '--baseline', base)).code).toBe(0);
  });

  it('writes SARIF to -o FILE with locations relative to the working directory', async () => {
    const dir = tmp();
    const out = path.join(dir, 'r.sarif');
    const r = await cli('check', path.resolve('scenarios/abba.yaml'), '--format', 'sarif', '-o', out);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`wrote ${out}`);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('scenarios/abba.yaml');
  });

  it('JSON output is versioned', async () => {
    const r = await cli('check', 'scenarios/abba.yaml', '--format', 'json');
    const j = JSON.parse(r.out);
    expect(j.version).toBe(1);
    expect(j.tool.name).toBe('lockdep-sim');
    expect(j.cycles[0].instance.survives).toBe(true);
  });

  it('bad input exits 2: a missing file, a broken baseline, a bad policy', async () => {
    expect((await cli('check', '/nonexistent/x.yaml')).code).toBe(2);
    const dir = tmp();
    writeFileSync(path.join(dir, 'b.json'), '{"version": 7}');
    const b = await cli('check', 'scenarios/abba.yaml', '--baseline', path.join(dir, 'b.json'));
    expect(b.code).toBe(2);
    expect(b.err).toContain('error[schema]: unsupported graph JSON version 7');
    writeFileSync(path.join(dir, 'p.yaml'), 'levels: [A]\nrulez: []\n');
    const p = await cli('check', 'scenarios/abba.yaml', '--policy', path.join(dir, 'p.yaml'));
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/p\.yaml:2:1: error\[schema\]: unknown policy key `rulez`/);
  });
});

describe('lockdep-sim graph', () => {
  it('prints DOT, Mermaid and graph JSON', async () => {
    expect((await cli('graph', 'scenarios/abba.yaml')).out).toMatch(/^digraph "lockdep" \{/);
    expect((await cli('graph', 'scenarios/abba.yaml', '--format', 'mermaid')).out).toMatch(/^flowchart LR\n/);
    expect(JSON.parse((await cli('graph', 'scenarios/abba.yaml', '--format', 'json')).out).dependencies).toHaveLength(2);
  });

  it('--focus keeps the classes within --depth dependencies; an unknown class is bad input', async () => {
    const r = await cli('graph', 'scenarios/mm-hotremove-2019.yaml', '--focus', 'kn->count', '--depth', '1');
    expect(r.out).toContain('"kn->count#424" [label="kn->count#424\\n(W r)", style="bold,filled"');
    expect(r.out).not.toContain('"sb_writers#4"');
    const bad = await cli('graph', 'scenarios/mm-hotremove-2019.yaml', '--focus', 'mem_sysfs_mutx');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('did you mean `mem_sysfs_mutex`?');
  });

  it('clusters by the policy levels', async () => {
    const r = await cli('graph', 'scenarios/mm-hotremove-2019.yaml', '--policy', 'test/fixtures/check/mm-hotremove.policy.yaml');
    expect(r.out).toContain('subgraph "cluster_6" {');
  });
});

describe('lockdep-sim explain', () => {
  it('explains both directions', async () => {
    const r = await cli('explain', 'scenarios/abba.yaml', '&foo->dev_lock', 'foo_list_lock');
    expect(r.code).toBe(0);
    expect(r.out).toContain('&foo->dev_lock -> .. -> foo_list_lock: 1 path');
    expect(r.out).toContain('verdict: &foo->dev_lock and foo_list_lock are on a strong cycle');
  });

  it('needs a file and two classes that exist', async () => {
    expect((await cli('explain', 'scenarios/abba.yaml', 'x')).code).toBe(2);
    const r = await cli('explain', 'scenarios/abba.yaml', '&foo->dev_lock', 'foo_list_lok');
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean `foo_list_lock`?');
  });
});
