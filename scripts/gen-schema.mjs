// Generates the JSON Schemas (draft 2020-12) from TypeScript types, so they cannot drift from the
// code:
//   schema/report.schema.json            the --json document (src/render/json.ts `Report`)
//   schema/snapshot.schema.json          a snapshot archive (src/readers/archive.ts `SnapshotArchive`)
//   schema/snapshot-manifest.schema.json a --root directory's .sbx/host.json (src/readers/snapshot.ts
//                                        `SnapshotManifest`)
//   schema/node-report.schema.json       `sbx-detect node --json` (src/render/node-json.ts `NodeReport`)
// The two snapshot schemas are also what --replay and --root check their input against
// (src/readers/schema-check.ts). A test fails when a committed file differs from what this
// script generates.
import { createGenerator } from 'ts-json-schema-generator';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');

function generate({ file, type, id, title, additionalProperties }) {
  const generated = createGenerator({
    path: join(here, file),
    tsconfig: join(here, 'tsconfig.json'),
    type,
    expose: 'export',
    topRef: true,
    additionalProperties,
    skipTypeCheck: true,
  }).createSchema(type);
  // draft-07 output -> 2020-12: definitions become $defs
  const text = JSON.stringify(generated).replaceAll('#/definitions/', '#/$defs/');
  const schema = JSON.parse(text);
  const defs = schema.definitions;
  delete schema.definitions;
  delete schema.$schema;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: id, title, ...schema, $defs: defs };
}

export function generateReportSchema() {
  return generate({
    file: 'src/render/json.ts', type: 'Report',
    id: 'https://sbx-detect.dev/schema/report-v1.schema.json', title: 'sbx-detect report, schema version 1',
    additionalProperties: true, // readers on older schema versions must tolerate new fields
  });
}

export function generateSnapshotSchema() {
  return generate({
    file: 'src/readers/archive.ts', type: 'SnapshotArchive',
    id: 'https://sbx-detect.dev/schema/snapshot-v1.schema.json', title: 'sbx-detect snapshot archive, version 1',
    additionalProperties: false, // only sbx-detect writes archives, and a new field means a new version
  });
}

export function generateManifestSchema() {
  return generate({
    file: 'src/readers/snapshot.ts', type: 'SnapshotManifest',
    id: 'https://sbx-detect.dev/schema/snapshot-manifest.schema.json', title: 'sbx-detect snapshot directory manifest (.sbx/host.json)',
    additionalProperties: false, // a misspelt key would otherwise be ignored without a word
  });
}

export function generateNodeReportSchema() {
  return generate({
    file: 'src/render/node-json.ts', type: 'NodeReport',
    id: 'https://sbx-detect.dev/schema/node-report-v1.schema.json', title: 'sbx-detect node report, schema version 1',
    additionalProperties: true, // as the pod report: readers on older versions tolerate new fields
  });
}

export const SCHEMAS = {
  'schema/report.schema.json': generateReportSchema,
  'schema/snapshot.schema.json': generateSnapshotSchema,
  'schema/snapshot-manifest.schema.json': generateManifestSchema,
  'schema/node-report.schema.json': generateNodeReportSchema,
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, gen] of Object.entries(SCHEMAS)) {
    writeFileSync(join(here, file), JSON.stringify(gen(), null, 2) + '\n');
    console.log(`wrote ${file}`);
  }
}
