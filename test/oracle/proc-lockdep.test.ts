/**
 * renderProcLockdep() against the real kernel's /proc/lockdep lines (.deps files), and the .deps
 * parser / class comparison the oracle conformance test relies on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ClassSnapshot, Report } from '../../src/model/findings.js';
import { renderProcLockdep } from '../../src/reporters/proc.js';
import { compareClasses, parseProcLockdep, stripVersion, type ProcClass } from './deps.js';
import { sharedOracle } from './paths.js';

const deps = (name: string) => readFileSync(path.join(sharedOracle, 'replay', `${name}.deps`), 'utf8');

function reportOf(classes: ClassSnapshot[]): Report {
  return {
    file: 'x.script',
    kernel: '6.1.192',
    findings: [],
    dependencies: [],
    classes,
    stats: { events: 0, classes: classes.length, chains: 0, chainHits: 0, chainMisses: 0, dependencies: 0 },
  };
}

function snapshotsOf(pc: ProcClass[]): ClassSnapshot[] {
  return pc.map((c) => ({ name: c.name, key: c.key, ops: c.ops ?? 0, usage: c.usage, fd: c.fd, bd: c.bd, after: c.after.map((a) => a.name) }));
}

describe('renderProcLockdep', () => {
  test('prints case 001 exactly as the kernel did', () => {
    const report = reportOf([
      { name: 'A', key: 'ffffc90000015040', ops: 2, usage: '+.+.', fd: 2, bd: 1, after: ['B'] },
      { name: 'B', key: 'ffffc900000150c8', ops: 2, usage: '+.+.', fd: 1, bd: 2, after: [] },
    ]);
    // .deps holds the class blocks without the first line and the last block's empty line.
    expect(renderProcLockdep(report, { debugLockdep: true })).toBe(`all lock classes:\n${deps('001-abba-2tasks')}\n`);
  });

  test('subclass keys (case 010) and name versions (case 033) are printed as given', () => {
    for (const name of ['010-aa-subclass', '033-memory-hotremove-seed', '056-read-cycle3-one-recursive-edge', '074-setsub-then-same-class']) {
      const text = deps(name);
      expect(renderProcLockdep(reportOf(snapshotsOf(parseProcLockdep(text))), { debugLockdep: true })).toBe(`all lock classes:\n${text}\n`);
    }
  });

  test('pads OPS to 8 and FD/BD to 5 columns, and omits OPS without CONFIG_DEBUG_LOCKDEP', () => {
    const report = reportOf([{ name: 'big', key: 'ffffffff81a29c20', ops: 123456789, usage: '....', fd: 919, bd: 123456, after: [] }]);
    expect(renderProcLockdep(report, { debugLockdep: true })).toBe(
      'all lock classes:\nffffffff81a29c20 OPS:123456789 FD:  919 BD:123456 ....: big\n\n',
    );
    expect(renderProcLockdep(report, { debugLockdep: false })).toBe('all lock classes:\nffffffff81a29c20 FD:  919 BD:123456 ....: big\n\n');
  });

  test('an empty report prints only the first line', () => {
    expect(renderProcLockdep(reportOf([]), { debugLockdep: true })).toBe('all lock classes:\n');
  });
});

describe('.deps parsing and comparison', () => {
  test('parses class lines and dependency lines', () => {
    expect(parseProcLockdep(deps('001-abba-2tasks'))).toEqual([
      { key: 'ffffc90000015040', ops: 2, fd: 2, bd: 1, usage: '+.+.', name: 'A', after: [{ key: 'ffffc900000150c8', name: 'B' }] },
      { key: 'ffffc900000150c8', ops: 2, fd: 1, bd: 2, usage: '+.+.', name: 'B', after: [] },
    ]);
    expect(parseProcLockdep(deps('025-bad-unlock'))).toEqual([]);
  });

  test('strips only the kernel-added #N', () => {
    expect(stripVersion('sb_writers#6')).toBe('sb_writers');
    expect(stripVersion('&dev->mutex#3/1')).toBe('&dev->mutex/1');
    expect(stripVersion('#1')).toBe('#1');
  });

  test('agreeing classes give no problems; each difference is named', () => {
    const want = parseProcLockdep(deps('033-memory-hotremove-seed'));
    const same = snapshotsOf(want).map((c) => ({ ...c, name: stripVersion(c.name), after: c.after.map(stripVersion) }));
    expect(compareClasses(want, same)).toEqual([]);

    const got = same.map((c) => ({ ...c, after: [...c.after] }));
    got[0]!.ops = 9;
    got[1]!.usage = '-...';
    got[2]!.after = [];
    got.pop();
    got.push({ name: 'extra', key: '0', ops: 1, usage: '....', fd: 1, bd: 1, after: [] });
    expect(compareClasses(want, got)).toEqual([
      'deps: cpu_hotplug_lock.rw_sem OPS 9, kernel 3',
      'deps: mem_hotplug_lock.rw_sem usage -..., kernel ++++',
      'deps: kn->count -> [], kernel -> [cpu_hotplug_lock.rw_sem]',
      'deps: class mem_sysfs_mutex missing',
      'deps: unexpected class extra',
    ]);
    expect(compareClasses(want, [...same].reverse())[0]).toMatch(/^deps: class order/);
  });

  test('an empty replay disagrees with every case that registered classes', () => {
    for (const name of ['001-abba-2tasks', '046-nest-lock-many-same-class', '048-nest-lock-not-held']) {
      expect(compareClasses(parseProcLockdep(deps(name)), [])).not.toEqual([]);
    }
  });
});
