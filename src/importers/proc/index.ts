/** The kernel's /proc/lockdep and /proc/lockdep_chains → graph JSON (docs/graph-json.md). */
export { parseProcLockdep, parseProcLockdepChains, type ProcChain, type ProcClass } from './parse.js';
export {
  GRAPH_JSON_VERSION,
  compareGraphs,
  graphFromProc,
  graphFromReport,
  mapNameOf,
  serializeGraph,
  type CompareOptions,
  type GraphChain,
  type GraphClass,
  type GraphComparison,
  type GraphDependency,
  type GraphJson,
  type GraphSource,
} from './graph-json.js';
