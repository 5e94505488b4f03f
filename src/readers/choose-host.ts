// Which place a command reads: this machine, a snapshot directory (--root), a recorded archive
// (--replay), or another place through a channel (--via). The pod command and `sbx-detect node`
// both choose here; only --via pays for loading the remote collector.
import { createReplayHost, loadArchiveFile } from './archive.js';
import type { Host } from './host.js';
import { createLiveHost } from './live.js';
import type { Pass } from './remote/remote-host.js';
import { openSnapshotRoot } from './snapshot.js';

export interface HostChoice {
  via?: string;
  helperPath?: string;
  root?: string;
  replay?: string;
  timeoutMs: number;
}

export type ChosenHost = { host: Host } | { usage: string } | { unreachable: string };

/** `pass`: one pass of the command's probes, run in rounds over a --via channel. */
export async function chooseHost(c: HostChoice, pass: Pass): Promise<ChosenHost> {
  if (c.via) {
    const { collectVia } = await import('./remote/remote-host.js');
    const r = await collectVia(c.via, { helperPath: c.helperPath, timeoutMs: c.timeoutMs }, pass);
    return 'host' in r ? { host: r.host } : r;
  }
  if (c.replay) {
    // untrusted input: read capped and checked against schema/snapshot.schema.json, or refused
    const archive = loadArchiveFile(c.replay);
    return typeof archive === 'string' ? { usage: `--replay ${c.replay}: ${archive}` } : { host: createReplayHost(archive, `replay:${c.replay}`) };
  }
  if (c.root) {
    const opened = openSnapshotRoot(c.root); // a directory, its .sbx/host.json well formed
    return typeof opened === 'string' ? { usage: `--root ${c.root}: ${opened}` } : { host: opened };
  }
  return { host: createLiveHost() };
}
