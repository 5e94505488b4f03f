// The part runc, crun and runsc share: temp dir, private root, bundle, run, forced delete.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inferSignal, makeTempDir, removeTempDir, run, runId, timeoutOf } from './common.js';
import { writeBundle } from './oci.js';
import { inPrivateMountNs, rootPath } from './private-root.js';
import type { CaseDecl, RunResult } from './types.js';

export interface OciRuntimeSpec {
  tag: string;
  /** Global flags before the subcommand (state root is added by the caller). */
  runArgv(state: string, bundle: string, id: string): string[];
  deleteArgv(state: string, id: string): string[];
  dropUnifiedCgroup?: boolean;
}

export async function runOci(decl: CaseDecl, spec: OciRuntimeSpec): Promise<RunResult> {
  const tmp = makeTempDir(spec.tag);
  const id = runId(decl);
  const state = join(tmp, 'state');
  mkdirSync(state, { mode: 0o700 });
  const writable = !decl.readOnlyRoot;
  try {
    const bundle = writeBundle(decl, tmp, rootPath(tmp), id);
    const argv = [
      ...inPrivateMountNs({ tmp, writable, dropUnifiedCgroup: spec.dropUnifiedCgroup, hostRoot: decl.hostRoot }),
      ...spec.runArgv(state, bundle, id),
    ];
    const r = await run(argv, { timeoutMs: timeoutOf(decl), stdin: decl.stdin });
    return inferSignal(r);
  } finally {
    // `run` deletes the container when it ends normally; after a timeout or a crash it may not.
    await run(
      [...inPrivateMountNs({ tmp, writable: false, bindRoot: false, dropUnifiedCgroup: spec.dropUnifiedCgroup }), ...spec.deleteArgv(state, id)],
      { timeoutMs: 30_000 },
    );
    removeTempDir(tmp);
  }
}
