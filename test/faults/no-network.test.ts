// Issue 8, "No network": a full run of the built tool (file probes, the native helper and the
// syscall scan) inside its own network namespace, with loopback up and a veth pair to a second
// namespace, addressed and routed, so that there is a way out that traffic *could* take. Every
// interface's packet counters on both sides are read before and after: zero new packets. A
// datagram sent afterwards proves that the counters do count.
//
// Needs root and iproute2. Both namespaces are deleted on every path; the veth is created inside
// them, so the host's own namespace never holds it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, ensureBuilt } from '../support/built.js';
import { have, isRoot } from '../ship/support.js';

const PATH = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
const NS_TOOL = `sbx-nonet-a-${tag}`;
const NS_PEER = `sbx-nonet-b-${tag}`;
const created: string[] = [];

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { PATH }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function inNs(ns: string, script: string): string {
  return sh('ip', ['netns', 'exec', ns, 'sh', '-c', script]);
}

/** Every counter of every interface in `ns`: "ns/ifname/rx_packets" -> value. */
function counters(ns: string): Record<string, number> {
  const out: Record<string, number> = {};
  const text = inNs(ns, 'for f in /sys/class/net/*/statistics/rx_packets /sys/class/net/*/statistics/tx_packets /sys/class/net/*/statistics/rx_dropped /sys/class/net/*/statistics/tx_dropped; do echo "$f $(cat "$f")"; done');
  for (const line of text.trim().split('\n')) {
    const m = /^\/sys\/class\/net\/([^/]+)\/statistics\/(\w+) (\d+)$/.exec(line);
    if (!m) throw new Error(`unexpected counter line ${JSON.stringify(line)}`);
    out[`${ns}/${m[1]}/${m[2]}`] = Number(m[3]);
  }
  return out;
}

const allCounters = (): Record<string, number> => ({ ...counters(NS_TOOL), ...counters(NS_PEER) });

/** Counters that do not move for half a second (links that just came up can still be settling). */
async function settledCounters(): Promise<Record<string, number>> {
  let prev = allCounters();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = allCounters();
    if (JSON.stringify(now) === JSON.stringify(prev)) return now;
    prev = now;
  }
  throw new Error(`counters never settled: ${JSON.stringify(prev)}`);
}

function removeNamespaces(): void {
  while (created.length) {
    const ns = created.pop()!;
    spawnSync('ip', ['netns', 'del', ns], { env: { PATH }, stdio: 'ignore' });
  }
}

const noIpv6 = 'if [ -d /proc/sys/net/ipv6 ]; then echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6; fi';

describe.runIf(process.platform === 'linux' && isRoot && have('ip'))('no network', () => {
  beforeAll(() => {
    ensureBuilt();
    try {
      for (const ns of [NS_TOOL, NS_PEER]) {
        sh('ip', ['netns', 'add', ns]);
        created.push(ns);
        // no IPv6: duplicate address detection and router solicitations would send packets of
        // their own, and the counters must move only for what the tool does
        inNs(ns, noIpv6);
      }
      sh('ip', ['-n', NS_TOOL, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth0', 'netns', NS_PEER]);
      sh('ip', ['-n', NS_TOOL, 'addr', 'add', '10.213.77.1/30', 'dev', 'veth0']);
      sh('ip', ['-n', NS_PEER, 'addr', 'add', '10.213.77.2/30', 'dev', 'veth0']);
      for (const ns of [NS_TOOL, NS_PEER]) {
        sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
        sh('ip', ['-n', ns, 'link', 'set', 'veth0', 'up']);
      }
      sh('ip', ['-n', NS_TOOL, 'route', 'add', 'default', 'via', '10.213.77.2']); // anything could leave by veth0
    } catch (err) {
      removeNamespaces();
      throw err;
    }
  }, 120_000);

  afterAll(() => removeNamespaces());

  it('a full run with the syscall scan sends and receives nothing, on any interface', async () => {
    const routes = inNs(NS_TOOL, 'ip route; ip -o link show');
    expect(routes).toContain('default via 10.213.77.2 dev veth0');
    expect(routes).toMatch(/veth0@.*state UP/);
    const before = await settledCounters();
    expect(Object.keys(before).sort()).toEqual(
      [NS_TOOL, NS_PEER].flatMap((ns) => ['lo', 'veth0'].flatMap((i) => ['rx_dropped', 'rx_packets', 'tx_dropped', 'tx_packets'].map((c) => `${ns}/${i}/${c}`))).sort(),
    );

    const r = spawnSync('ip', ['netns', 'exec', NS_TOOL, process.execPath, BUNDLE, '--json'], { encoding: 'utf8', env: { PATH }, timeout: 120_000, maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    // it ran where we think, and it ran in full
    const nsInode = statSync(`/run/netns/${NS_TOOL}`).ino;
    expect(doc.facts.namespaces.entries.net).toMatchObject({ known: true, value: { inode: nsInode } });
    expect(doc.facts.native.helper).toMatchObject({ known: true, value: { exit: { code: 0, signal: null }, timedOut: false } });
    expect(doc.facts.native.syscalls.known).toBe(true);
    expect(doc.facts.native.syscalls.value.results.length).toBeGreaterThan(100);

    await new Promise((res) => setTimeout(res, 500)); // anything queued would have gone by now
    const after = allCounters();
    expect(after).toEqual(before);

    // the control: one datagram out of veth0 and one over loopback do move the counters
    inNs(NS_TOOL, `"${process.execPath}" -e '
      const s = require("node:dgram").createSocket("udp4");
      s.send("x", 9, "10.213.77.2", () => s.send("x", 9, "127.0.0.1", () => s.close()));'`);
    await new Promise((res) => setTimeout(res, 300));
    const control = allCounters();
    expect(control[`${NS_TOOL}/veth0/tx_packets`]).toBeGreaterThan(after[`${NS_TOOL}/veth0/tx_packets`]);
    expect(control[`${NS_PEER}/veth0/rx_packets`]).toBeGreaterThan(after[`${NS_PEER}/veth0/rx_packets`]);
    expect(control[`${NS_TOOL}/lo/tx_packets`]).toBeGreaterThan(after[`${NS_TOOL}/lo/tx_packets`]);
  }, 180_000);

  it('leaves no namespace behind', () => {
    removeNamespaces();
    expect(existsSync(`/run/netns/${NS_TOOL}`)).toBe(false);
    expect(existsSync(`/run/netns/${NS_PEER}`)).toBe(false);
    expect(sh('ip', ['netns', 'list'])).not.toContain(tag);
  });
});
