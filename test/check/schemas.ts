/**
 * Validators for the outputs: the official SARIF 2.1.0 schema (rtm.5, as shipped by
 * @microsoft/jest-sarif; draft-04, so its `id` is renamed to `$id` for Ajv 8), and this project's
 * check-result and policy schemas.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function compile(schema: Record<string, unknown>): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

export function sarifValidator(): ValidateFunction {
  const s = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  delete s.$schema;
  s.$id = s.id;
  delete s.id;
  return compile(s);
}

export function projectSchema(name: 'check-result' | 'policy'): ValidateFunction {
  return compile(JSON.parse(readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8')) as Record<string, unknown>);
}

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 5), null, 1);
}
