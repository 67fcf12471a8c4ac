/**
 * The seed scenario must reproduce every stack trace of the 2019 splat
 * (shared/corpus/splats/001-circular-pmem-hotremove-mem-sysfs-seed.txt): the four `-> #N`
 * entries, the `at:` of the seven held locks and of the two lock lines. The expected frames below
 * are copied from the splat.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatFrame } from '../../src/model/frame.js';
import type { AcquireStep, Scenario, Step, TaskDef } from '../../src/model/scenario.js';
import { parseScenario } from '../../src/scenario/parse.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const load = (name: string): Scenario => {
  const file = `scenarios/${name}`;
  return parseScenario(readFileSync(path.join(root, file), 'utf8'), file);
};

const seed = load('mm-hotremove-2019.yaml');
const fixed = load('mm-hotremove-2020-fixed.yaml');

const syscallTail = ['kernfs_fop_write+0xf0/0x1a0', 'vfs_write+0xba/0x1c0', 'ksys_write+0x5a/0xe0', 'do_syscall_64+0x60/0x210', 'entry_SYSCALL_64_after_hwframe+0x49/0xbe'];

/** `-> #3 (mem_sysfs_mutex)`: recorded by path A. */
const entry3 = [
  '__mutex_lock+0x82/0x9a0',
  'unregister_memory_section+0x22/0xa0',
  '__remove_pages+0xe9/0x520',
  'arch_remove_memory+0x81/0xc0',
  'devm_memremap_pages_release+0x180/0x270',
  'release_nodes+0x234/0x280',
  'device_release_driver_internal+0xf4/0x1d0',
  'bus_remove_device+0xfc/0x170',
  'device_del+0x16a/0x380',
  'unregister_dev_dax+0x23/0x50',
  'release_nodes+0x234/0x280',
  'device_release_driver_internal+0xf4/0x1d0',
  'unbind_store+0x9b/0x130',
  ...syscallTail,
];

/** `-> #2 (mem_hotplug_lock.rw_sem)`: recorded at boot (path B). */
const entry2 = [
  'get_online_mems+0x3e/0x80',
  'kmem_cache_create_usercopy+0x2e/0x270',
  'kmem_cache_create+0x12/0x20',
  'ptlock_cache_init+0x20/0x28',
  'start_kernel+0x240/0x4d0',
  'secondary_startup_64+0xa4/0xb0',
];

/** `-> #1 (cpu_hotplug_lock.rw_sem)`: recorded by path C. */
const entry1 = [
  'cpus_read_lock+0x3e/0x80',
  'online_pages+0x37/0x310',
  'memory_subsys_online+0x34/0x60',
  'device_online+0x60/0x80',
  'state_store+0x66/0xd0',
  ...syscallTail,
];

/** `-> #0 (kn->count#424)` after `lock_acquire+0x9e/0x180`: the current stack of path D. */
const entry0 = [
  '__kernfs_remove+0x26a/0x310',
  'kernfs_remove_by_name_ns+0x40/0x80',
  'remove_files.isra.1+0x30/0x70',
  'sysfs_remove_group+0x3d/0x80',
  'sysfs_remove_groups+0x29/0x40',
  'device_remove_attrs+0x42/0x80',
  'device_del+0x162/0x380',
  'device_unregister+0x16/0x60',
  'unregister_memory_section+0x6e/0xa0',
  '__remove_pages+0xe9/0x520',
  'arch_remove_memory+0x81/0xc0',
  'try_remove_memory+0xba/0xd0',
  'remove_memory+0x23/0x40',
  'dev_dax_kmem_remove+0x29/0x57 [kmem]',
  'device_release_driver_internal+0xe4/0x1d0',
  'unbind_store+0x9b/0x130',
  ...syscallTail,
];

/** `7 locks held by daxctl/22950:` — class, printed ip. */
const held = [
  ['sb_writers', 'vfs_write+0x159/0x1c0'],
  ['of_mutex', 'kernfs_fop_write+0xbd/0x1a0'],
  ['dev_mutex', 'device_release_driver_internal+0x1a/0x1d0'],
  ['device_hotplug_lock', 'remove_memory+0x16/0x40'],
  ['cpu_hotplug_lock', 'try_remove_memory+0x2e/0xd0'],
  ['mem_hotplug_lock', 'percpu_down_write+0x25/0x120'],
  ['mem_sysfs_mutex', 'unregister_memory_section+0x22/0xa0'],
];

const frames = (s: Step): string[] => s.stack.map(formatFrame);
const acquires = (t: TaskDef): AcquireStep[] => t.steps.filter((s): s is AcquireStep => s.op === 'acquire');
const task = (sc: Scenario, comm: string, pid?: number): TaskDef => {
  const t = sc.tasks.find((x) => x.name === comm && (pid === undefined || x.pid === pid));
  if (!t) throw new Error(`no task ${comm}`);
  return t;
};
/** The first acquisition of `lock` in `t` (the one whose trace lockdep keeps). */
const firstAcquire = (t: TaskDef, lock: string, pred: (a: AcquireStep) => boolean = () => true): AcquireStep => {
  const a = acquires(t).find((x) => x.ref.lock === lock && pred(x));
  if (!a) throw new Error(`${t.name} never acquires ${lock}`);
  return a;
};

/**
 * Held locks just before `at` in task `t`, simulated from acquire/release steps
 * (enough for the seed: releases in this task are of the top or of a known entry).
 */
function heldBefore(t: TaskDef, at: Step): AcquireStep[] {
  const stack: AcquireStep[] = [];
  for (const s of t.steps) {
    if (s === at) return stack;
    if (s.op === 'acquire') stack.push(s);
    if (s.op === 'release') {
      const i = stack.map((h) => `${h.ref.lock}@${h.ref.instance}`).lastIndexOf(`${s.ref.lock}@${s.ref.instance}`);
      expect(i).toBeGreaterThanOrEqual(0);
      stack.splice(i, 1);
    }
  }
  throw new Error('step not in task');
}

describe('seed scenario (mm-hotremove-2019.yaml)', () => {
  it('has the splat header data and the reporting task', () => {
    expect(seed.kernel).toBe('5.1.0-rc7+ #13');
    expect(seed.taint).toBe('Tainted: G           O     ');
    expect(seed.hardware).toMatch(/^QEMU Standard PC \(i440FX \+ PIIX, 1996\)/);
    expect(seed.kernelFrames?.['lock_acquire']?.map(formatFrame)).toEqual(['lock_acquire+0x9e/0x180']);
    expect(seed.kernelFrames?.['circular']?.map(formatFrame)).toEqual([
      'dump_stack+0x85/0xc0',
      'print_circular_bug.isra.41.cold.60+0x15c/0x195',
      'check_prev_add.constprop.50+0x5fd/0xbe0',
      '__lock_acquire+0xcee/0xfd0',
      'lock_acquire+0x9e/0x180',
    ]);
    const d = seed.tasks.at(-1)!;
    expect([d.name, d.pid, d.cpu]).toEqual(['daxctl', 22950, 5]);
  });

  it('declares the classes with their pinned versions and kinds', () => {
    const byId = new Map(seed.classes.map((c) => [c.id, c]));
    expect(byId.get('memblock_state')).toMatchObject({ name: 'kn->count', kind: 'kernfs_active', version: 424 });
    expect(byId.get('sb_writers')).toMatchObject({ name: 'sb_writers', kind: 'percpu_rw_semaphore', version: 4 });
    expect(byId.get('dev_mutex')).toMatchObject({ name: '&dev->mutex', novalidate: true });
    expect(byId.get('cpu_hotplug_lock')).toMatchObject({ name: 'cpu_hotplug_lock.rw_sem', kind: 'rw_semaphore' });
    expect(byId.get('mem_hotplug_lock')).toMatchObject({ name: 'mem_hotplug_lock.rw_sem', kind: 'rw_semaphore' });
    expect(byId.get('of_mutex')).toMatchObject({ name: '&of->mutex', kind: 'mutex' });
  });

  it('runs boot, then path A, then path C, then path D', () => {
    expect(seed.tasks.map((t) => `${t.name}/${t.pid}`)).toEqual(['swapper/0/0', 'swapper/0/1', 'ndctl/22790', 'bash/22688', 'daxctl/22950']);
    expect(seed.schedule).toBeUndefined();
  });

  it('path B records cpu_hotplug_lock -> mem_hotplug_lock with the `-> #2` trace, IRQs off', () => {
    const boot = task(seed, 'swapper/0', 0);
    const mem = firstAcquire(boot, 'mem_hotplug_lock');
    expect(frames(mem)).toEqual(entry2);
    expect(mem.read).toBe(1);
    expect(heldBefore(boot, mem).map((h) => [h.ref.lock, h.read])).toEqual([['cpu_hotplug_lock', 1]]);
    expect(boot.steps[0]!.op).toBe('irqoff');
    expect(boot.steps.at(-1)!.op).toBe('irqon');
  });

  it('boot also write-locks cpu_hotplug_lock and reads mem_hotplug_lock with IRQs on (for {++++})', () => {
    const init = task(seed, 'swapper/0', 1);
    expect(init.steps.some((s) => s.op === 'irqoff')).toBe(false);
    const w = firstAcquire(init, 'cpu_hotplug_lock');
    expect([w.read, w.trylock, formatFrame(w.ip)]).toEqual([0, false, 'percpu_down_write+0x25/0x120']);
    expect(firstAcquire(init, 'mem_hotplug_lock').read).toBe(1);
  });

  it('path A records mem_hotplug_lock -> mem_sysfs_mutex with the `-> #3` trace', () => {
    const a = task(seed, 'ndctl');
    const m = firstAcquire(a, 'mem_sysfs_mutex');
    expect(frames(m)).toEqual(entry3);
    expect(heldBefore(a, m).map((h) => `${h.ref.lock}/${h.read}/${h.check ? 'c1' : 'c0'}`)).toEqual([
      'sb_writers/1/c1',
      'of_mutex/0/c1',
      'dev_mutex/0/c0',
      'dev_mutex/0/c0',
      'cpu_hotplug_lock/1/c1',
      'mem_hotplug_lock/0/c1',
    ]);
  });

  it('path C records kn->count#424 -> cpu_hotplug_lock with the `-> #1` trace, through two trylocks', () => {
    const c = task(seed, 'bash');
    const cpu = firstAcquire(c, 'cpu_hotplug_lock');
    expect(frames(cpu)).toEqual(entry1);
    expect(formatFrame(cpu.ip)).toBe('online_pages+0x37/0x310');
    expect(heldBefore(c, cpu).map((h) => `${h.ref.lock}@${h.ref.instance} r${h.read}${h.trylock ? ' try' : ''}${h.check ? '' : ' c0'}`)).toEqual([
      'sb_writers@0 r1',
      'of_mutex@2 r0',
      'memblock_state@0 r1 try',
      'device_hotplug_lock@0 r0 try',
      'dev_mutex@3 r0 c0',
    ]);
  });

  it('path D holds the seven locks of the splat, with their `at:` ips', () => {
    const d = task(seed, 'daxctl');
    const drain = firstAcquire(d, 'memblock_state');
    expect(heldBefore(d, drain).map((h) => [h.ref.lock, formatFrame(h.ip)])).toEqual(held);
  });

  it('path D acquires kn->count#424 for write with the `-> #0` stack and the splat`s ip', () => {
    const drain = firstAcquire(task(seed, 'daxctl'), 'memblock_state');
    expect(frames(drain)).toEqual(entry0);
    expect(formatFrame(drain.ip)).toBe('kernfs_remove_by_name_ns+0x40/0x80');
    expect([drain.read, drain.trylock, drain.check, drain.subclass]).toEqual([0, false, true, 0]);
    expect(drain.path?.slice(0, 4)).toEqual(['vfs_write', 'kernfs_fop_write', 'unbind_store', 'device_release_driver_internal']);
    expect(drain.path?.at(-1)).toBe('__kernfs_remove');
  });

  it('the unbind file of paths A and D has no lockdep-tracked active reference', () => {
    for (const comm of ['ndctl', 'daxctl']) {
      const t = task(seed, comm);
      const beforeDev = t.steps.slice(0, t.steps.findIndex((s) => s.op === 'acquire' && s.ref.lock === 'dev_mutex'));
      expect(beforeDev.filter((s) => s.op === 'acquire').map((s) => (s as AcquireStep).ref.lock)).toEqual(['sb_writers', 'of_mutex']);
    }
  });

  it('every task releases what it takes', () => {
    for (const t of seed.tasks) {
      const last = t.steps.at(-1)!;
      expect(heldBefore(t, last).length + (last.op === 'release' ? -1 : 0)).toBe(0);
    }
  });
});

describe('fixed scenario (mm-hotremove-2020-fixed.yaml)', () => {
  it('drains the state file before taking the hotplug locks', () => {
    const d = task(fixed, 'daxctl');
    const drain = firstAcquire(d, 'memblock_state');
    expect(heldBefore(d, drain).map((h) => h.ref.lock)).toEqual(['sb_writers', 'of_mutex', 'dev_mutex', 'device_hotplug_lock', 'mem_sysfs_mutex']);
    expect(frames(drain).slice(7, 10)).toEqual(['device_unregister+0x16/0x60', 'remove_memory_block_devices+0x82/0xb0', 'try_remove_memory+0x5e/0x130']);
    const order = acquires(d).map((a) => a.ref.lock);
    expect(order.indexOf('memblock_state')).toBeLessThan(order.indexOf('cpu_hotplug_lock'));
  });

  it('path A no longer takes mem_sysfs_mutex', () => {
    expect(acquires(task(fixed, 'ndctl')).some((a) => a.ref.lock === 'mem_sysfs_mutex')).toBe(false);
    expect(acquires(task(seed, 'ndctl')).some((a) => a.ref.lock === 'mem_sysfs_mutex')).toBe(true);
  });

  it('keeps paths B and C as in the seed', () => {
    for (const [comm, pid] of [['swapper/0', 0], ['swapper/0', 1], ['bash', undefined]] as const) {
      const a = task(seed, comm, pid).steps.map((s) => [s.op, frames(s)]);
      const b = task(fixed, comm, pid).steps.map((s) => [s.op, frames(s)]);
      expect(b).toEqual(a);
    }
  });
});
