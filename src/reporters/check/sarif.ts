/**
 * SARIF 2.1.0 for `lockdep-sim check --format sarif` (GitHub code scanning and other SARIF viewers).
 * Each finding is a result whose physical location is the scenario step that created the offending
 * dependency (so the UI annotates that line of the scenario file), with:
 *   - `stacks`: the call stack at that step (innermost first),
 *   - `codeFlows`: one thread-flow location per dependency of a cycle / path, in order,
 *   - `relatedLocations`: the policy declarations a violation breaks,
 *   - `suppressions` for policy exceptions, `baselineState` against a baseline,
 *   - `partialFingerprints.lockdepSim/v1` = the finding's stable fingerprint,
 *   - with --explore: the verdict in the message and in `properties.explore`, and a confirmed
 *     verdict's deadlocking schedule as a second code flow, one thread flow per task
 *     (`executionOrder` = the schedule's row number; the blocked waits come last).
 * Validated against the official schema (sarif-2.1.0-rtm.5) in test/check/sarif.test.ts.
 */
import type * as Sarif from 'sarif';
import { CHECK_RULES, EXPLORE_RULES, levelOf, VALIDATOR_KINDS } from '../../check/rules.js';
import type { CheckFinding, CheckResult, DependencyRef, ExploreRef } from '../../check/result.js';
import type { SourceSpan } from '../../model/span.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A file name as a SARIF URI reference: relative paths stay relative (code scanning resolves them against the repository root). */
export function sarifUri(file: string): string {
  const p = file.replace(/\\/g, '/');
  if (p.startsWith('/')) return `file://${encodeURI(p)}`;
  return encodeURI(p.replace(/^\.\//, ''));
}

function physical(s: SourceSpan): Sarif.PhysicalLocation {
  return { artifactLocation: { uri: sarifUri(s.file) }, region: { startLine: Math.max(1, s.line), startColumn: Math.max(1, s.col) } };
}

function depText(d: DependencyRef): string {
  return `${d.from} -> ${d.to} (${d.kinds.join(',')}), by ${d.task}${d.path?.length ? ` via ${d.path.join(' > ')}` : ''}${d.rejected ? ` [not stored: ${d.rejected}]` : ''}`;
}

function frameOf(text: string): Sarif.StackFrame {
  const m = /^([^+\s]+)(?:\+\S*)?(?:\s+\[([\w-]+)\])?$/.exec(text);
  const f: Sarif.StackFrame = { location: { message: { text }, logicalLocations: [{ name: m?.[1] ?? text, kind: 'function' }] } };
  if (m?.[2]) f.module = m[2];
  return f;
}

/** The finding's message, plus the explorer's verdict (and why) for a cycle finding. */
function messageText(f: CheckFinding): string {
  const x = f.explore;
  if (!x || f.ruleId === 'lockdep-sim/unreported-deadlock') return f.message;
  const why = x.reason ? `: ${x.reason.text}` : '';
  return `${f.message}; explore: ${x.summary}${why}${x.demotedFrom ? `${/[.!?]$/.test(why) ? '' : '.'} Lowered from ${x.demotedFrom} to note by --explore-refuted-pass.` : ''}`;
}

function opKinds(op: string): string[] {
  if (op === 'unlock') return ['release'];
  if (op === 'downgrade') return ['lock'];
  return ['acquire'];
}

/** A confirmed verdict's schedule: one thread flow per task, in schedule order. */
function scheduleFlow(x: ExploreRef): Sarif.CodeFlow | undefined {
  const s = x.schedule;
  if (!s) return undefined;
  const end = s.rows.length + 1;
  const threadFlows: Sarif.ThreadFlow[] = [];
  s.tasks.forEach((t, column) => {
    const locations: Sarif.ThreadFlowLocation[] = [];
    s.rows.forEach((row, i) => {
      if (row.column !== column) return;
      const text = `${i + 1}. ${row.text}${row.fn ? ` in ${row.fn}` : ''}`;
      locations.push({ executionOrder: i + 1, kinds: opKinds(row.op), location: { physicalLocation: physical(row.at), message: { text } } });
    });
    for (const b of s.blocked) {
      if (b.column !== column) continue;
      const held = b.heldBy.map((h) => `${h.task} (${h.mode})`);
      const text = `BLOCKED: waits for ${b.waitsFor} (${b.mode})${held.length ? `, held by ${held.join(', ')}` : ''}${b.behind.length ? `, behind writer ${b.behind.join(', ')}` : ''}`;
      locations.push({ executionOrder: end, kinds: ['acquire', 'danger'], importance: 'essential', location: { ...(b.at ? { physicalLocation: physical(b.at) } : {}), message: { text } } });
    }
    if (locations.length) threadFlows.push({ id: t.name, message: { text: `${t.name}${t.deadlocked ? ' (deadlocked)' : ''}` }, locations });
  });
  return threadFlows.length ? { message: { text: `deadlocking schedule: ${x.summary}` }, threadFlows } : undefined;
}

function result(f: CheckFinding, ruleIndex: number): Sarif.Result {
  const r: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.level,
    message: { text: messageText(f) },
    locations: [{ physicalLocation: physical(f.location), ...(f.path?.length ? { message: { text: `call path: ${f.path.join(' > ')}` } } : {}) }],
    partialFingerprints: { 'lockdepSim/v1': f.fingerprint },
  };
  if (f.stack.length) r.stacks = [{ message: { text: `stack of ${f.task ?? 'the task'} at this step` }, frames: f.stack.map(frameOf) }];
  if (f.dependencies.length > 1 || (f.dependencies.length === 1 && f.cycle)) {
    r.codeFlows = [
      {
        message: { text: f.cycle ? `cycle ${f.cycle}` : 'dependencies' },
        threadFlows: [
          {
            locations: f.dependencies.map((d) => ({
              location: { physicalLocation: physical(d.at), message: { text: depText(d) } },
            })),
          },
        ],
      },
    ];
  }
  const flow = f.explore ? scheduleFlow(f.explore) : undefined;
  if (flow) r.codeFlows = [...(r.codeFlows ?? []), flow];
  const related: Sarif.Location[] = [];
  for (const d of f.dependencies) related.push({ id: related.length, physicalLocation: physical(d.at), message: { text: depText(d) } });
  for (const x of f.related ?? []) related.push({ id: related.length, physicalLocation: physical(x.location), message: { text: x.message } });
  if (related.length) r.relatedLocations = related;
  if (f.suppressed) r.suppressions = [{ kind: 'external', status: 'accepted', justification: f.suppressed.reason, location: { physicalLocation: physical(f.suppressed.at) } }];
  if (f.baselineState) r.baselineState = f.baselineState;
  const props: Record<string, unknown> = {};
  if (f.validator) props.validator = f.validator;
  if (f.path) props.callPath = f.path;
  if (f.explore) props.explore = f.explore;
  if (Object.keys(props).length) r.properties = props;
  return r;
}

/**
 * Every rule check can report, in a fixed order (ruleIndex refers to it); the --explore rules
 * last, and only when the run explored.
 */
export function sarifRules(explore = false): Sarif.ReportingDescriptor[] {
  const rules: Sarif.ReportingDescriptor[] = [];
  const checkRule = (id: string, text: string) => {
    rules.push({
      id,
      name: id.replace(/^lockdep-sim\//, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
      shortDescription: { text },
      defaultConfiguration: { level: levelOf(id) },
      help: { text: `${text} See docs/check.md (rule ${id}).` },
    });
  };
  for (const [id, text] of Object.entries(CHECK_RULES)) checkRule(id, text);
  for (const k of VALIDATOR_KINDS) {
    const id = `lockdep/${k}`;
    rules.push({
      id,
      name: k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
      shortDescription: { text: `lockdep report: ${k} (the kernel splat is in the text output)` },
      defaultConfiguration: { level: levelOf(id) },
      help: { text: 'What the kernel would print: see the text output of `lockdep-sim check` or `lockdep-sim run`, and docs/check.md (validator findings).' },
    });
  }
  if (explore) for (const [id, text] of Object.entries(EXPLORE_RULES)) checkRule(id, text);
  return rules;
}

export function toSarif(r: CheckResult): Sarif.Log {
  const rules = sarifRules(r.explore !== undefined);
  const index = new Map(rules.map((x, i) => [x.id, i]));
  const inputs = [...new Set(r.inputs.map((i) => i.file))];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'lockdep-sim', version: r.tool.version, semanticVersion: r.tool.version, rules } },
        artifacts: [
          ...inputs.map((f): Sarif.Artifact => ({ location: { uri: sarifUri(f) }, roles: ['analysisTarget'] })),
          ...(r.policy ? [{ location: { uri: sarifUri(r.policy.file) }, roles: ['userSpecifiedConfiguration'] } satisfies Sarif.Artifact] : []),
        ],
        results: r.findings.map((f) => result(f, index.get(f.ruleId) ?? -1)),
        columnKind: 'unicodeCodePoints',
        properties: { summary: r.summary, graph: { classes: r.graph.classes, dependencies: r.graph.dependencies }, ...(r.explore ? { explore: r.explore } : {}) },
      },
    ],
  };
}

export function renderSarif(r: CheckResult): string {
  return `${JSON.stringify(toSarif(r), null, 2)}\n`;
}
