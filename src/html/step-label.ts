/**
 * Human labels for scenario steps in the teaching page: what the code did (`lock`, `read`,
 * `trylock`, `local_irq_disable()`, …) on which lock, and the call path that got there.
 */
import { formatFrame } from '../model/frame.js';
import type { LockRef, Scenario, Step } from '../model/scenario.js';

/** The lock as the scenario names it: the class's map name, `@N` for instance N > 0. */
function lockName(ref: LockRef, names: ReadonlyMap<string, string>): string {
  const name = names.get(ref.lock) ?? ref.lock;
  return ref.instance ? `${name}@${ref.instance}` : name;
}

/** A short verb phrase for a step, e.g. `read cpu_hotplug_lock.rw_sem`, `local_irq_disable()`. */
export function stepLabel(s: Step, names: ReadonlyMap<string, string>): string {
  switch (s.op) {
    case 'acquire': {
      const verb = s.trylock ? (s.read ? 'read_trylock' : 'trylock') : s.read === 2 ? 'read (recursive)' : s.read === 1 ? 'read' : 'lock';
      let label = `${verb} ${lockName(s.ref, names)}`;
      if (s.subclass) label += ` /${s.subclass}`;
      if (s.nest) label += ` (nest ${lockName(s.nest, names)})`;
      if (!s.check) label += ' (not validated)';
      return label;
    }
    case 'release':
      return `unlock ${lockName(s.ref, names)}`;
    case 'downgrade':
      return `downgrade ${lockName(s.ref, names)}`;
    case 'setsub':
      return `set subclass ${lockName(s.ref, names)} /${s.subclass}`;
    case 'irqoff':
      return 'local_irq_disable()';
    case 'irqon':
      return 'local_irq_enable()';
    case 'bhoff':
      return 'local_bh_disable()';
    case 'bhon':
      return 'local_bh_enable()';
    case 'irq-enter':
      return s.context === 'hardirq' ? 'hardirq handler starts' : 'softirq handler starts';
    case 'irq-exit':
      return 'handler returns';
    case 'free':
      return `kfree() of ${lockName(s.ref, names)}`;
    case 'sysexit':
      return 'return to user space';
  }
}

/** The call path of a step, outermost first (from the scenario's functions, or else the stack). */
export function stepPath(s: Step): string[] {
  if (s.path && s.path.length) return [...s.path];
  return s.stack.map((f) => f.symbol).reverse();
}

/** `at:` of a step when it has an ip (`sym+0x1a/0x80`). */
export function stepAt(s: Step): string | undefined {
  return 'ip' in s ? formatFrame(s.ip) : undefined;
}

/** Class id → printed map name, for step labels. */
export function classNames(scenario: Scenario): Map<string, string> {
  return new Map(scenario.classes.map((c) => [c.id, c.name]));
}
