// Facts and verdict of a fixture snapshot, of this live machine ('live'), or of an empty root
// ('empty': every read ENOENT) or of a real runtime's capture ('capture:NAME'), computed once per
// name (and syscall option) and shared by the tests that ask. captureArchive and captureHost give
// a capture itself, for tests that replay it their own way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../../src/classifier/verdict.js';
import { type Facts, gatherFacts } from '../../src/probes/index.js';
import { classify } from '../../src/classifier/verdict.js';
import { createReplayHost, parseArchive, type SnapshotArchive } from '../../src/readers/archive.js';
import type { Host } from '../../src/readers/host.js';
import { createLiveHost } from '../../src/readers/live.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';

export const SNAPSHOTS = join(__dirname, '../../fixtures/snapshots');
export type Seen = { facts: Facts; verdict: Verdict };
const cache = new Map<string, Promise<Seen>>();

const CAPTURES = join(__dirname, '../../fixtures/captures');

/** A capture archive from a real runtime (fixtures/captures/NAME.json), parsed. */
export function captureArchive(name: string): SnapshotArchive {
  const archive = parseArchive(readFileSync(join(CAPTURES, `${name}.json`), 'utf8'));
  if (typeof archive === 'string') throw new Error(`${name}.json: ${archive}`);
  return archive;
}

/** The same, replayed: a Host that answers as the runtime did. */
export function captureHost(name: string): Host {
  return createReplayHost(captureArchive(name), `replay:${name}`);
}

/** 'live', 'empty', a fixture snapshot's name, or 'capture:NAME' for fixtures/captures/NAME.json;
 *  `syscalls`: run (or replay) the syscall scan too, which the verdict's seccomp profile and the
 *  findings read (off by default). */
export function seen(name: string, opts: { syscalls?: boolean } = {}): Promise<Seen> {
  const syscalls = opts.syscalls ?? false;
  const key = `${name}${syscalls ? ' +syscalls' : ''}`;
  if (!cache.has(key)) {
    const host = name === 'live' ? createLiveHost()
      : name === 'empty' ? createSnapshotHost('/nonexistent/sbx-empty-root') // nothing to clean up
        : name.startsWith('capture:') ? captureHost(name.slice('capture:'.length))
          : createSnapshotHost(join(SNAPSHOTS, name));
    cache.set(key, gatherFacts(host, { syscalls, helper: true }).then((facts) => ({ facts, verdict: classify(facts) })));
  }
  return cache.get(key)!;
}
