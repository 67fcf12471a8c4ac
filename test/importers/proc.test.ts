import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGraphJson } from '../../src/check/graph-json.js';
import { LockdepSimError, formatIssue } from '../../src/diag/error.js';
import { compareGraphs, graphFromProc, graphFromReport, mapNameOf } from '../../src/importers/proc/graph-json.js';
import { parseProcLockdep, parseProcLockdepChains, type ProcClass } from '../../src/importers/proc/parse.js';
import { parseCaseScript } from '../../src/importers/script.js';
import { replay } from '../../src/validator/replay.js';
import { runCliCapture } from '../fixtures/run-cli.js';

const ORACLE = path.resolve(__dirname, '../../../shared/oracle');
const read = (p: string) => readFileSync(path.join(ORACLE, p), 'utf8');

/** l_show() again, from the parsed data: parsing loses nothing. */
function render(classes: ProcClass[]): string {
  const pad = (n: number, w: number) => String(n).padStart(w);
  return classes
    .map((c) => `${c.key}${c.ops !== undefined ? ` OPS:${pad(c.ops, 8)}` : ''} FD:${pad(c.fd, 5)} BD:${pad(c.bd, 5)} ${c.usage}: ${c.name}\n${c.after.map((d) => ` -> [${d.key}] ${d.name}\n`).join('')}`)
    .join('\n');
}

const cli = (argv: string[]) => runCliCapture(argv);

describe('/proc/lockdep', () => {
  it("reads the kernel's own file after a boot, losslessly", () => {
    const text = read('boot/boot-lockdep.txt');
    const classes = parseProcLockdep(text, 'boot-lockdep.txt');
    expect(classes.length).toBe(text.split('\n').filter((l) => /^[0-9a-f]{16} /.test(l)).length);
    expect(classes.reduce((n, c) => n + c.after.length, 0)).toBe(860);
    expect(classes[1]).toMatchObject({ key: 'ffffffff81db59e0', ops: 831, fd: 21, bd: 9, usage: '+.+.', name: 'console_lock', line: 4 });
    expect(`all lock classes:\n${render(classes)}\n`).toBe(text);
  });

  it('reads every .deps file of the replay cases (no header, with subclasses and versions)', () => {
    const files = readdirSync(path.join(ORACLE, 'replay')).filter((f) => f.endsWith('.deps'));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      const text = read(`replay/${f}`);
      const classes = parseProcLockdep(text, f);
      expect(render(classes).trimEnd(), f).toBe(text.trimEnd());
    }
    const sub = parseProcLockdep(read('replay/010-aa-subclass.deps'), '010');
    expect(sub.map((c) => c.name)).toEqual(['A', 'A/1']);
    expect(sub[0]!.after).toEqual([{ key: 'ffffc90000015041', name: 'A/1' }]);
  });

  it("matches the simulator's own graph for a replayed case", () => {
    for (const c of ['001-abba-2tasks', '023-hold3-cycle-through-bottom', '046-nest-lock-many-same-class', '068-downgrade-breaks-cycle']) {
      const kernel = graphFromProc(parseProcLockdep(read(`replay/${c}.deps`), c), undefined, { format: 'proc', file: c });
      const report = replay(parseCaseScript(read(`replay/${c}.script`), `${c}.script`), { kernel: '6.1.192', stopAfterFirst: true });
      const cmp = compareGraphs(graphFromReport(report, { format: 'events', file: c }), kernel);
      expect({ c, extra: cmp.extra, missing: cmp.missing }).toEqual({ c, extra: [], missing: [] });
    }
  });

  it('says which line is wrong', () => {
    const bad = (text: string) => {
      try {
        parseProcLockdep(text, 'x.txt');
      } catch (e) {
        return formatIssue((e as LockdepSimError).issues[0]);
      }
      return 'parsed';
    };
    expect(bad('all lock classes:\nffff FD: 1 BD: 1 ....: A\nhello\n')).toMatch(/^x\.txt:3:1: error\[script-syntax\]: not a \/proc\/lockdep line: "hello"\n  hint: expected \/proc\/lockdep text/);
    expect(bad(' -> [ffff] B\n')).toMatch(/^x\.txt:1:1: .*outside a class block/);
    expect(bad('ffff FD: 1 BD: 1 ....: A\n\0')).toMatch(/^x\.txt:2:1: .*NUL/);
  });
});

describe('/proc/lockdep_chains', () => {
  it("reads the kernel's chains after a boot", () => {
    const chains = parseProcLockdepChains(read('boot/boot-lockdep_chains.txt'), 'chains');
    expect(chains.length).toBe(2587);
    const count = (k: string) => chains.filter((c) => c.irqContext === k).length;
    expect([count('process'), count('hardirq'), count('softirq')]).toEqual([2514, 27, 46]);
    expect(chains[2]!.classes.map((c) => c.name)).toEqual(['cpu_hotplug_lock', 'static_call_mutex']);
  });

  it('reads 5.1 numeric contexts and rejects unknown ones with a position', () => {
    expect(parseProcLockdepChains('all lock chains:\nirq_context: 2\n[ffff] A\n', 'c').map((c) => c.irqContext)).toEqual(['hardirq']);
    expect(() => parseProcLockdepChains('irq_context: nmi\n', 'c')).toThrow(/unknown irq_context "nmi"/);
    expect(() => parseProcLockdepChains('[ffff] A\n', 'c')).toThrow(/before any "irq_context:"/);
  });
});

describe('graph JSON from /proc/lockdep', () => {
  it('compares by map name: #N and /N dropped', () => {
    expect(mapNameOf('&type->s_umount_key#11/1')).toBe('&type->s_umount_key');
    expect(mapNameOf('&rnp->exp_wq[3]')).toBe('&rnp->exp_wq[3]');
    expect(mapNameOf('lock#4')).toBe('lock');
    expect(mapNameOf('mm/vmstat.c:2006')).toBe('mm/vmstat.c:2006');
  });

  it('import proc writes graph JSON that check --baseline reads back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-sim-proc-'));
    const out = path.join(dir, 'g.json');
    const r = await cli(['import', 'proc', path.join(ORACLE, 'boot/boot-lockdep.txt'), '--chains', path.join(ORACLE, 'boot/boot-lockdep_chains.txt'), '-o', out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/: 373 classes, 860 dependencies, 2,587 chains\n$/);
    const text = readFileSync(out, 'utf8');
    const g = JSON.parse(text);
    expect(g).toMatchObject({ version: 1, source: { format: 'proc' } });
    expect(g.dependencies[0]).toEqual({ from: expect.any(String), to: expect.any(String), distance: 1 });
    expect(g.chains).toHaveLength(2587);
    const baseline = parseGraphJson(text, out);
    expect(baseline.dependencies).toHaveLength(860);
    expect(baseline.dependencies.every((d) => d.kinds.join() === 'EN')).toBe(true);
  });

  it('import proc fails with exit 2 and a located message on a bad file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-sim-proc-'));
    const f = path.join(dir, 'bad.txt');
    writeFileSync(f, 'all lock classes:\nnot it\n');
    const r = await cli(['import', 'proc', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}:2:1: error[script-syntax]`);
  });
});
