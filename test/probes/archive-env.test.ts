// An archive keeps what a run could not read as well as what it read: an environment variable
// a --via collection never got is an error, not "not set", and an archive taken through --via
// says so, so that its replay reads as the snapshotting run did (test/remote/via-engines.test.ts
// checks the same on a real gVisor container).
import { describe, expect, it } from 'vitest';
import { probeLauncher } from '../../src/probes/launcher.js';
import { createRecordingHost, createReplayHost, parseArchive, type SnapshotArchive } from '../../src/readers/archive.js';
import type { Host } from '../../src/readers/host.js';
import { readError } from '../../src/readers/host.js';
import { captureArchive } from '../support/seen.js';

const runcCapture = (): SnapshotArchive => captureArchive('runc');

/** A round trip through the file format: what --replay would read. */
function roundTrip(a: SnapshotArchive): SnapshotArchive {
  const back = parseArchive(JSON.stringify(a));
  if (typeof back === 'string') throw new Error(back);
  return back;
}

describe('snapshot archives: unread variables and the way in', () => {
  it('a variable the target was not asked is recorded as its error, and replayed as one', () => {
    const inner = createReplayHost(runcCapture(), 'runc');
    const lost: Host = { ...inner, env: () => undefined, envError: (name) => (readError('NOT_COLLECTED', `$${name}`) as { ok: false; error: never }).error };
    const rec = createRecordingHost(lost, 'test');
    rec.host.env('SBX_LAUNCHER'); // asked through the recorder, so the archive records the error
    const replay = createReplayHost(roundTrip(rec.finish()), 'replayed');
    expect(replay.env('SBX_LAUNCHER')).toBeUndefined();
    expect(replay.envError?.('SBX_LAUNCHER')?.code).toBe('NOT_COLLECTED');
    expect(replay.envError?.('KUBERNETES_SERVICE_HOST')).toBeNull();
  });

  it('an unset variable stays unset', () => {
    const rec = createRecordingHost(createReplayHost(runcCapture(), 'runc'), 'test');
    rec.host.env('SBX_LAUNCHER');
    const a = roundTrip(rec.finish());
    expect(a.envErrors).toBeUndefined();
    expect(probeLauncher(createReplayHost(a, 'replayed'))).toMatchObject({ known: true, value: null });
  });

  it('an archive taken through --via keeps its collection, and the launcher fact is not applicable on replay too', () => {
    const inner: Host = { ...createReplayHost(runcCapture(), 'runc'), collection: () => ({ method: 'remote', channel: 'docker exec -i c' }) };
    const rec = createRecordingHost(inner, 'test');
    const live = probeLauncher(rec.host);
    const replay = createReplayHost(roundTrip(rec.finish()), 'replayed');
    expect(replay.collection?.()).toEqual({ method: 'remote', channel: 'docker exec -i c' });
    expect(probeLauncher(replay)).toEqual(live);
    expect(live).toMatchObject({ known: false, reason: expect.stringMatching(/^not applicable/) });
  });
});
