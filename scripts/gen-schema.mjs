// Generates schema/report.schema.json (JSON Schema draft 2020-12) from the TypeScript type of
// the --json document (src/render/json.ts `Report`), so the schema cannot drift from the code.
// A test fails when the committed file differs from what this script generates.
import { createGenerator } from 'ts-json-schema-generator';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');

export function generateReportSchema() {
  const generated = createGenerator({
    path: join(here, 'src/render/json.ts'),
    tsconfig: join(here, 'tsconfig.json'),
    type: 'Report',
    expose: 'export',
    topRef: true,
    additionalProperties: true, // readers on older schema versions must tolerate new fields
    skipTypeCheck: true,
  }).createSchema('Report');
  // draft-07 output -> 2020-12: definitions become $defs
  const text = JSON.stringify(generated).replaceAll('#/definitions/', '#/$defs/');
  const schema = JSON.parse(text);
  const defs = schema.definitions;
  delete schema.definitions;
  delete schema.$schema;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://sbx-detect.dev/schema/report-v1.schema.json',
    title: 'sbx-detect report, schema version 1',
    ...schema,
    $defs: defs,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(here, 'schema/report.schema.json'), JSON.stringify(generateReportSchema(), null, 2) + '\n');
  console.log('wrote schema/report.schema.json');
}
