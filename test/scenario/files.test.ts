/**
 * The shipped scenarios parse, the JSON Schema accepts them, and the schema, the docs and the
 * parser agree on the vocabulary (keys.ts is the parser's list).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LOCK_KINDS } from '../../src/model/lock-kind.js';
import {
  CLASS_KEYS,
  CONFIG_KEYS,
  FUNCTION_KEYS,
  KERNEL_FRAME_KEYS,
  SLICE_KEYS,
  STEP_KEYS,
  STEP_OPS,
  TASK_KEYS,
  TOP_KEYS,
  modifiersOf,
} from '../../src/scenario/keys.js';
import { parseScenario } from '../../src/scenario/parse.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scenarioFiles = readdirSync(path.join(root, 'scenarios')).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

type JsonObject = { [k: string]: unknown };
const schema = JSON.parse(read('schema/scenario.schema.json')) as JsonObject;
const defs = schema['definitions'] as Record<string, JsonObject>;
const props = (o: JsonObject): string[] => Object.keys(o['properties'] as JsonObject).sort();
const sorted = (xs: readonly string[]) => [...xs].sort();

const ajv = new Ajv({ strict: true, allErrors: false });
const validate = ajv.compile(schema);

describe('scenario files', () => {
  it('ships the required scenarios', () => {
    expect(scenarioFiles).toEqual(
      expect.arrayContaining(['mm-hotremove-2019.yaml', 'mm-hotremove-2020-fixed.yaml', 'abba.yaml', 'abba-rwsem-readers.yaml', 'aa-recursive.yaml', 'trylock-no-cycle.yaml']),
    );
  });

  it.each(scenarioFiles)('%s parses, and every task does something', (f) => {
    const s = parseScenario(read(`scenarios/${f}`), `scenarios/${f}`);
    expect(s.tasks.length).toBeGreaterThan(0);
    for (const t of s.tasks) expect(t.steps.length, `${f}: ${t.name}`).toBeGreaterThan(0);
    expect(s.classes.length).toBeGreaterThan(0);
  });

  it.each(scenarioFiles)('%s is valid against schema/scenario.schema.json', (f) => {
    const ok = validate(parseYaml(read(`scenarios/${f}`)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(scenarioFiles)('%s points editors at the schema', (f) => {
    expect(read(`scenarios/${f}`).split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
  });
});

describe('JSON Schema matches the parser', () => {
  it('has the same keys at every level', () => {
    expect(props(schema)).toEqual(sorted(TOP_KEYS));
    expect(props((schema['properties'] as Record<string, JsonObject>)['config']!)).toEqual(sorted(CONFIG_KEYS));
    expect(props(defs['function']!)).toEqual(sorted(FUNCTION_KEYS));
    expect(props(defs['task']!)).toEqual(sorted(TASK_KEYS));
    expect(props(defs['slice']!)).toEqual(sorted(SLICE_KEYS));
    const classObject = (defs['class']!['anyOf'] as JsonObject[]).find((v) => v['type'] === 'object')!;
    expect(props(classObject)).toEqual(sorted(CLASS_KEYS));
    const kinds = (defs['class']!['anyOf'] as JsonObject[]).find((v) => 'enum' in v)!['enum'];
    expect(kinds).toEqual([...LOCK_KINDS]);
    const kf = (schema['properties'] as Record<string, JsonObject>)['kernel_frames']!;
    expect(((kf['propertyNames'] as JsonObject)['anyOf'] as JsonObject[])[0]!['enum']).toEqual([...KERNEL_FRAME_KEYS]);
  });

  it('has one step variant per operation, with exactly the modifiers the parser accepts', () => {
    const variants = defs['step']!['oneOf'] as JsonObject[];
    const byOp = new Map(variants.map((v) => [(v['required'] as string[])[0]!, props(v)]));
    expect(sorted([...byOp.keys()])).toEqual(sorted(STEP_OPS));
    for (const op of STEP_OPS) expect(byOp.get(op), op).toEqual(sorted([op, ...modifiersOf(op)]));
  });

  it.each([
    ['an unknown top-level key', 'kernel: "6.1.0"\nclases: {}\ntasks: []\n'],
    ['an unknown step key', 'kernel: "6.1.0"\ntasks: [{ name: t, steps: [{ lock: A, subclas: 1 }] }]\n'],
    ['a modifier on the wrong operation', 'kernel: "6.1.0"\ntasks: [{ name: t, steps: [{ unlock: A, subclass: 1 }] }]\n'],
    ['two operations in a step', 'kernel: "6.1.0"\ntasks: [{ name: t, steps: [{ lock: A, unlock: A }] }]\n'],
    ['a malformed frame', 'kernel: "6.1.0"\ntasks: [{ name: t, stack: ["not a frame"], steps: [] }]\n'],
    ['an unknown lock kind', 'kernel: "6.1.0"\nclasses: { A: spinlok }\ntasks: []\n'],
    ['a missing kernel', 'tasks: []\n'],
  ])('both reject %s', (_what, text) => {
    expect(validate(parseYaml(text))).toBe(false);
    expect(() => parseScenario(text, 'x.yaml')).toThrow();
  });
});

describe('docs/scenario-format.md', () => {
  const doc = read('docs/scenario-format.md');
  it('has examples that parse: every full scenario in a yaml block', () => {
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^kernel:/m.test(b) && /^tasks:/m.test(b));
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) {
      const s = parseScenario(b, 'doc.yaml');
      expect(s.tasks[0]!.steps.length).toBeGreaterThan(0);
    }
  });

  it('mentions every key of the format', () => {
    for (const k of [...TOP_KEYS, ...STEP_KEYS, ...CLASS_KEYS, ...FUNCTION_KEYS, ...TASK_KEYS, ...CONFIG_KEYS]) {
      expect(doc, k).toContain(`\`${k}`);
    }
  });
});
