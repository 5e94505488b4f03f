// Every probe meets missing, empty, garbage and truncated input without throwing: each fact is
// either known or unknown with a reason, and the classifier still answers.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/classifier/verdict.js';
import { gatherFacts, gatherFileFacts } from '../../src/probes/index.js';
import { createRecordingHost } from '../../src/readers/archive.js';
import { createLiveHost } from '../../src/readers/live.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';
import { walkFacts } from '../support/facts.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The files the probes read on this machine, found by recording a real run. */
function pathsReadHere(): string[] {
  const { host, archive } = createRecordingHost(createLiveHost(), 'test');
  gatherFileFacts(host);
  return Object.keys(archive.files);
}

function rootWith(content: (path: string, real: string) => string | Buffer | null): string {
  const root = mkdtempSync(join(tmpdir(), 'sbx-tolerance-'));
  dirs.push(root);
  for (const p of pathsReadHere()) {
    let real = '';
    try { real = readFileSync(p, 'utf8'); } catch { /* unreadable here: garbage anyway */ }
    const c = content(p, real);
    if (c === null) continue;
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

const cases: [string, (p: string, real: string) => string | Buffer | null][] = [
  ['missing', () => null],
  ['empty', () => ''],
  ['binary garbage', (p) => Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + p.length * 7) % 256))],
  ['text garbage', () => 'lorem: ipsum\n::::\n-1 -2 - - -\n\u0000\u0001\n'],
  ['truncated', (_p, real) => real.slice(0, Math.floor(real.length / 2))],
  ['enormous line', () => 'x'.repeat(2 * 1024 * 1024)],
];

describe('probes tolerate bad input', () => {
  it('the recorded run read a meaningful set of files', () => {
    expect(pathsReadHere().length).toBeGreaterThan(20);
  });
  for (const [name, make] of cases) {
    it(`${name}: every fact is known or unknown with a reason, and the classifier answers`, async () => {
      const host = createSnapshotHost(rootWith(make));
      const facts = await gatherFacts(host, { syscalls: false, helper: true });
      const problems: string[] = [];
      walkFacts(facts, (path, fact) => {
        if (!fact.known && !fact.reason) problems.push(`${path}: unknown without a reason`);
      });
      expect(problems).toEqual([]);
      const verdict = classify(facts);
      expect(verdict.sandbox.faults).toEqual([]);
      expect(typeof verdict.headline).toBe('string');
      if (name === 'missing' || name === 'empty') {
        // nothing to go on: the class must not be a guess
        expect(verdict.sandbox.class).toBe('unknown');
        expect(facts.process.uid.known).toBe(false);
        expect(facts.native.cpuid.known).toBe(false); // the snapshot has no helper answers
      }
    });
  }
});
