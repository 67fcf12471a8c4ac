// The shipped command line is one bundled file (scripts/bundle-cli.mjs): it must load none of the
// other dist modules (the trace parser thread excepted, started by path), and what it finds by its
// own location (the package version, the parser thread) must still be found from there.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/cli/main.js');

describe('the bundled CLI (dist/cli/main.js)', () => {
  const text = readFileSync(BIN, 'utf8');

  it('is one file: no static or dynamic import of a relative module, only the parser thread by path', () => {
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).not.toMatch(/\bfrom\s*["']\.{1,2}\//);
    expect(text).not.toMatch(/\bimport\(\s*["']\.{1,2}\//);
    expect(text).toContain('../importers/trace/parse-worker.js');
  });

  it('reports the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = spawnSync(process.execPath, [BIN, 'check', path.join(ROOT, 'scenarios/abba.yaml'), '--format', 'json'], { encoding: 'utf8' });
    expect(r.status).toBe(1); // abba has a cycle
    expect((JSON.parse(r.stdout) as { tool: unknown }).tool).toEqual({ name: 'lockdep-sim', version: pkg.version });
  });
});
