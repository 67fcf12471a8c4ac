import type { Report } from '../model/findings.js';
import type { Scenario } from '../model/scenario.js';

export interface ReplayOptions {
  /** Overrides scenario.kernel (version string, e.g. `6.1.192`). */
  kernel?: string;
  /** Behave like the kernel: stop validating after the first report (debug_locks = 0). */
  stopAfterFirst?: boolean;
}

/** Replays a scenario through the lockdep model. (Being written; this stub returns no findings.) */
export function replay(scenario: Scenario, opts: ReplayOptions = {}): Report {
  return {
    file: scenario.file,
    kernel: opts.kernel ?? scenario.kernel,
    findings: [],
    dependencies: [],
    classes: [],
    stats: { events: 0, classes: 0, chains: 0, chainHits: 0, chainMisses: 0, dependencies: 0 },
  };
}
