import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorsOf, projectSchema, sarifValidator } from './schemas.js';

const GOLDEN = new URL('../fixtures/check/golden/', import.meta.url);
const cases = readdirSync(GOLDEN);

describe('outputs validate against their schemas', () => {
  const sarif = sarifValidator();
  const result = projectSchema('check-result');
  for (const c of cases) {
    it(`${c}: SARIF against the official SARIF 2.1.0 schema`, () => {
      const log = JSON.parse(readFileSync(new URL(`${c}/check.sarif`, GOLDEN), 'utf8'));
      expect(sarif(log), errorsOf(sarif)).toBe(true);
      expect(log.version).toBe('2.1.0');
    });
    it(`${c}: JSON against schema/check-result.schema.json`, () => {
      const r = JSON.parse(readFileSync(new URL(`${c}/check.json`, GOLDEN), 'utf8'));
      expect(result(r), errorsOf(result)).toBe(true);
    });
  }

  it('the example policy validates against schema/policy.schema.json, and the schema rejects mistakes', () => {
    const v = projectSchema('policy');
    const p = parse(readFileSync(new URL('../fixtures/check/mm-hotremove.policy.yaml', import.meta.url), 'utf8'));
    expect(v(p), errorsOf(v)).toBe(true);
    expect(v({ levels: [['A']], rulez: [] })).toBe(false);
    expect(v({ rules: ['A after B'] })).toBe(false);
    expect(v({ exceptions: [{ from: 'A', to: 'B' }] })).toBe(false);
    expect(v({ 'never-nested': [['A']] })).toBe(false);
  });

  it('SARIF results point at the scenario step, with the stack and the cycle as a code flow', () => {
    const log = JSON.parse(readFileSync(new URL('abba/check.sarif', GOLDEN), 'utf8'));
    const cycle = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'lockdep/circular');
    expect(cycle.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'scenarios/abba.yaml' }, region: expect.objectContaining({ startLine: expect.any(Number) }) });
    expect(cycle.stacks[0].frames.length).toBeGreaterThan(0);
    expect(cycle.codeFlows[0].threadFlows[0].locations).toHaveLength(2);
    expect(log.runs[0].tool.driver.rules[cycle.ruleIndex].id).toBe('lockdep/circular');
    const other = JSON.parse(readFileSync(new URL('instances/check.sarif', GOLDEN), 'utf8'));
    expect(other.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['lockdep/circular', 'lockdep/circular']);
  });
});
