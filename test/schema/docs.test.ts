// The verdict table of docs/verdicts.md is generated from the signal tables: it must match them.
// (It was the README's until issue #25 moved it, markers and all, to docs/verdicts.md.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('docs/verdicts.md verdict table matches the classifier tables (node scripts/gen-signals-doc.mjs)', () => {
  const r = spawnSync(process.execPath, [join(__dirname, '../../scripts/gen-signals-doc.mjs'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 30_000);

it('docs/findings.md findings table matches the classifier rows (node scripts/gen-findings-doc.mjs)', () => {
  const r = spawnSync(process.execPath, [join(__dirname, '../../scripts/gen-findings-doc.mjs'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 30_000);
