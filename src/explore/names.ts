/**
 * Printed class names (`kn->count#424`, `&dev->mutex/1`) <-> the scenario's class declarations.
 * Findings name classes as lockdep prints them, and the `#N` of an unpinned class depends on the
 * order lockdep registered it in; so the scenario is replayed once, the way replay() runs it,
 * and the validator's own class table is read back.
 */
import type { Instance } from './program.js';
import type { Scenario } from '../model/scenario.js';
import { profileFor, ReplaySession, runScenario } from '../validator/replay.js';

export interface ClassNames {
  /** Declaration id of a printed class name (undefined: not a class of this scenario). */
  declOf(printed: string): string | undefined;
  /** The printed name of a declaration's subclass-0 class (its declared name if never registered). */
  printed(declId: string): string;
}

export function classNames(scenario: Scenario, kernel?: string): ClassNames {
  const session = new ReplaySession(scenario.file, profileFor(scenario, kernel), scenario.classes);
  runScenario(session, scenario);

  const toDecl = new Map<string, string>();
  const names = new Map<string, string>();
  for (const c of session.engine.classes) {
    toDecl.set(c.printedName, c.decl.id);
    if (c.subclass === 0) names.set(c.decl.id, c.printedName);
  }
  const declared = new Map(scenario.classes.map((d) => [d.id, d]));
  return {
    declOf: (p) => toDecl.get(p) ?? (declared.has(p) ? p : [...declared.values()].find((d) => d.name === p)?.id),
    printed: (id) => {
      const n = names.get(id);
      if (n) return n;
      const d = declared.get(id);
      return d ? `${d.name}${d.version && d.version > 1 ? `#${d.version}` : ''}` : id;
    },
  };
}

/**
 * How an object is written in schedules: the printed class name, plus `@N` when the scenario uses
 * more than one instance of the class (or this one is not instance 0).
 */
export function instanceLabel(names: ClassNames, instances: readonly Instance[], inst: number): string {
  const i = instances[inst]!;
  const several = i.ref.instance !== 0 || instances.some((o) => o.ref.lock === i.ref.lock && o.id !== i.id);
  return `${names.printed(i.ref.lock)}${several ? `@${i.ref.instance}` : ''}`;
}
