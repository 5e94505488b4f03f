// Facts and verdict of a fixture snapshot, of this live machine ('live'), or of an empty root
// ('empty': every read ENOENT), computed once per name and shared by the tests that ask.
import { join } from 'node:path';
import type { Verdict } from '../../src/classifier/verdict.js';
import { type Facts, gatherFacts } from '../../src/probes/index.js';
import { classify } from '../../src/classifier/verdict.js';
import { createLiveHost } from '../../src/readers/live.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';

export const SNAPSHOTS = join(__dirname, '../../fixtures/snapshots');
export type Seen = { facts: Facts; verdict: Verdict };
const cache = new Map<string, Promise<Seen>>();

export function seen(name: string): Promise<Seen> {
  if (!cache.has(name)) {
    const host = name === 'live' ? createLiveHost()
      : name === 'empty' ? createSnapshotHost('/nonexistent/sbx-empty-root') // nothing to clean up
        : createSnapshotHost(join(SNAPSHOTS, name));
    cache.set(name, gatherFacts(host, { syscalls: false, helper: true }).then((facts) => ({ facts, verdict: classify(facts) })));
  }
  return cache.get(name)!;
}
