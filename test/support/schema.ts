// Compiles a JSON schema once, for tests that validate real and replayed reports.
import Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCHEMA_PATH = join(__dirname, '../../schema/report.schema.json');
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true, allowUnionTypes: true });

/** A validator for the schema at `path`: the errors of a document as short strings, empty when it conforms. */
export function schemaValidator(path: string): (report: unknown) => string[] {
  const validate = ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
  return (report) => (validate(report) ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message}`));
}

/** The schema errors of a report (schema/report.schema.json), as short strings; empty when it conforms. */
export const schemaErrors = schemaValidator(SCHEMA_PATH);
