// Facts and verdict of a fixture snapshot, of this live machine ('live'), or of an empty root
// ('empty': every read ENOENT) or of a real runtime's capture ('capture:NAME'), computed once per
// name and shared by the tests that ask.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../../src/classifier/verdict.js';
import { type Facts, gatherFacts } from '../../src/probes/index.js';
import { classify } from '../../src/classifier/verdict.js';
import { createReplayHost, parseArchive } from '../../src/readers/archive.js';
import { createLiveHost } from '../../src/readers/live.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';

export const SNAPSHOTS = join(__dirname, '../../fixtures/snapshots');
export type Seen = { facts: Facts; verdict: Verdict };
const cache = new Map<string, Promise<Seen>>();

export const CAPTURES = join(__dirname, '../../fixtures/captures');

/** A capture archive from a real runtime (fixtures/captures/NAME.json), replayed. */
function captureHost(name: string) {
  const archive = parseArchive(readFileSync(join(CAPTURES, `${name}.json`), 'utf8'));
  if (typeof archive === 'string') throw new Error(`${name}.json: ${archive}`);
  return createReplayHost(archive, `replay:${name}`);
}

/** 'live', 'empty', a fixture snapshot's name, or 'capture:NAME' for fixtures/captures/NAME.json. */
export function seen(name: string): Promise<Seen> {
  if (!cache.has(name)) {
    const host = name === 'live' ? createLiveHost()
      : name === 'empty' ? createSnapshotHost('/nonexistent/sbx-empty-root') // nothing to clean up
        : name.startsWith('capture:') ? captureHost(name.slice('capture:'.length))
          : createSnapshotHost(join(SNAPSHOTS, name));
    cache.set(name, gatherFacts(host, { syscalls: false, helper: true }).then((facts) => ({ facts, verdict: classify(facts) })));
  }
  return cache.get(name)!;
}
