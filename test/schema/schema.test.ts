// The JSON schema stays generated from the code, and every report — a real run, the built
// bundle's output and each fixture replay — validates against it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/classifier/verdict.js';
import { gatherFacts } from '../../src/probes/index.js';
import { createLiveHost } from '../../src/readers/live.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';
import { buildReport, SCHEMA_ID } from '../../src/render/json.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { generateManifestSchema, generateReportSchema, generateSnapshotSchema } from '../../scripts/gen-schema.mjs';
import { ensureBuilt, runBuilt } from '../support/built.js';
import { SCHEMA_PATH, schemaErrors } from '../support/schema.js';

const meta = { version: 'test', generatedAt: '2026-01-01T00:00:00.000Z', root: '/' };
const SNAPSHOTS = join(__dirname, '../../fixtures/snapshots');

const PROJECT = join(__dirname, '../..');

// The archive and manifest schemas are what --replay and --root check their input against
// (src/readers/schema-check.ts), so they must be the ones the types give.
describe('snapshot schemas', () => {
  it('schema/snapshot.schema.json is the one generated from the SnapshotArchive type (run: npm run schema)', () => {
    expect(JSON.parse(readFileSync(join(PROJECT, 'schema/snapshot.schema.json'), 'utf8'))).toEqual(generateSnapshotSchema());
  }, 30_000);

  it('schema/snapshot-manifest.schema.json is the one generated from the SnapshotManifest type (run: npm run schema)', () => {
    expect(JSON.parse(readFileSync(join(PROJECT, 'schema/snapshot-manifest.schema.json'), 'utf8'))).toEqual(generateManifestSchema());
  }, 30_000);

  it('name every definition', () => {
    for (const f of ['schema/snapshot.schema.json', 'schema/snapshot-manifest.schema.json']) {
      const defs = Object.keys(JSON.parse(readFileSync(join(PROJECT, f), 'utf8')).$defs);
      expect(defs.filter((k) => k.includes('structure-'))).toEqual([]);
    }
  });
});

describe('report schema', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('is the one generated from the Report type (run: node scripts/gen-schema.mjs)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))).toEqual(generateReportSchema());
  }, 30_000);

  it('names every definition: an anonymous type would be named after its file offsets and churn at every edit', () => {
    const defs = Object.keys(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')).$defs);
    expect(defs.filter((k) => k.includes('structure-'))).toEqual([]);
  });

  it('names itself in every report', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    expect(schema.$id).toBe(SCHEMA_ID);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('validates a live run on this machine, syscall scan included', async () => {
    const facts = await gatherFacts(createLiveHost(), { syscalls: true, helper: true });
    expect(schemaErrors(buildReport(facts, classify(facts), meta))).toEqual([]);
  });

  it('validates the built bundle\'s --json output', () => {
    const r = runBuilt(['--json']);
    expect(schemaErrors(JSON.parse(r.stdout))).toEqual([]);
  });

  it('rejects a report that breaks it', () => {
    const r = JSON.parse(runBuilt(['--json', '--no-syscalls']).stdout);
    r.verdict.sandbox.confidence = 'very';
    delete r.facts.kernel;
    expect(schemaErrors(r).length).toBeGreaterThan(0);
  });

  const fixtures = existsSync(SNAPSHOTS) ? readdirSync(SNAPSHOTS).filter((d) => existsSync(join(SNAPSHOTS, d, 'ORIGIN.md'))) : [];
  for (const name of fixtures) {
    it(`validates the replay of fixture ${name}`, async () => {
      const facts = await gatherFacts(createSnapshotHost(join(SNAPSHOTS, name)), { syscalls: true, helper: true });
      expect(schemaErrors(buildReport(facts, classify(facts), meta))).toEqual([]);
    });
  }
});
