// What the test files that run the built bundle against real engines share: a private dockerd
// and Podman started once for the file and stopped after it, the host's /dev/null checked to be
// as it was (runsc without -i once chowned it), and the bundle run on this machine with --via.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { BUNDLE, ensureSeaBuilt } from './built.js';
import { buildImageRoots, type Engine, startDocker, startPodman } from './engines.js';
import { schemaErrors } from './schema.js';

/** Notes the host's /dev/null now; the returned check, called once everything started is
 *  stopped, fails if its owner or mode changed since. */
export function guardHostDevNull(): () => void {
  const before = statSync('/dev/null');
  return () => {
    const after = statSync('/dev/null');
    expect({ uid: after.uid, gid: after.gid, mode: after.mode }, "the host's /dev/null changed").toEqual({ uid: before.uid, gid: before.gid, mode: before.mode });
  };
}

export interface Engines {
  /** the private dockerd (with every image of buildImageRoots), or why it could not start */
  docker: () => Engine | string;
  /** Podman (with sbx-recon-sh), or why it could not start */
  podman: () => Engine | string;
  /** the file's own temporary directory, removed after it */
  work: string;
}

/** Starts Docker and Podman in beforeAll and stops them in afterAll, then checks /dev/null. */
export function useEngines(prefix: string): Engines {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const devNullUnchanged = guardHostDevNull();
  let docker: Engine | string = 'not started';
  let podman: Engine | string = 'not started';
  beforeAll(async () => {
    ensureSeaBuilt();
    const roots = buildImageRoots(work);
    [docker, podman] = await Promise.all([startDocker(roots), startPodman({ 'sbx-recon-sh': roots['sbx-recon-sh'] })]);
  }, 300_000);
  afterAll(async () => {
    await Promise.all([docker, podman].map((e) => (typeof e === 'string' ? null : e.stop())));
    rmSync(work, { recursive: true, force: true });
    devNullUnchanged();
  }, 120_000);
  return { docker: () => docker, podman: () => podman, work };
}

/** The bundle on this machine, as a user runs it. */
export function sbx(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** `--via VIA --json`: the report, schema-checked, with the exit code and stderr. */
export function viaJson(via: string, extra: string[] = []): { code: number | null; report: any; stderr: string } {
  const r = sbx(['--via', via, '--json', ...extra]);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stdout, r.stderr).not.toBe('');
  const report = JSON.parse(r.stdout);
  expect(schemaErrors(report)).toEqual([]);
  return { code: r.code, report, stderr: r.stderr };
}
